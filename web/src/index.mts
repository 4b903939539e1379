// hearth's public API: the Engine interface, its CPU implementation, and typed errors.
export { CpuEngine, createEngine } from './engine.mjs';
export type {
  Engine, FinishReason, GenerateRequest, Generation, GenerationStats, LoadOptions, ModelInfo, SamplingOptions,
} from './engine.mjs';
export { HearthError } from './errors.mjs';
export type { HearthErrorType } from './errors.mjs';
