// hearth's public API: the Engine interface, its CPU implementation, and typed errors.
export { CpuEngine, createEngine } from './engine.mjs';
export type {
  Backend, ChatPrompt, CpuEngineOptions, EmbedRequest, EmbedResult, Pooling, ChatPromptRequest, RenderTemplateRequest, Engine, FinishReason, GenerateRequest, Generation, GenerationStats, LoadOptions, ModelInfo, SamplingOptions,
} from './engine.mjs';
export { threadsAvailable } from './core.mjs';
export type { ThreadsOption } from './core.mjs';
export { HearthError } from './errors.mjs';
export { blobSource, bytesSource, fileSource, readAll } from './byte_source.mjs';
export type { ByteSource } from './byte_source.mjs';
export type { HearthErrorType } from './errors.mjs';
export { CreateEngine, HearthEngine, InvalidRequestError, OpenAIEngine } from './openai/index.mjs';
export type {
  ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChatEngine, ChatMessage, Completion, CompletionChunk,
  CompletionRequest, CompletionUsage, CreateEmbeddingResponse, Embedding, EmbeddingCreateParams, FinishReason as OpenAIFinishReason, OpenAIEngineOptions, RequestOptions,
} from './openai/index.mjs';
export type {
  ChatLogprobs, CompletionLogprobs, ContextOverflow, EngineOptions, InitProgressReport, LoadedModel, RuntimeStats,
  AssistantMessage, FunctionTool, ResponseFormat, ToolCall, ToolCallDelta, ToolChoice,
} from './openai/index.mjs';
export { MAX_PARALLEL_CALLS } from './openai/index.mjs';
export type { StepLogprobs, TokenLogprob } from './engine.mjs';
export {
  DEFAULT_CONTEXT, FAMILY_ARCHITECTURE, QuotaExceededError, Sha256, deleteModelFromCache, findModel, hasModelInCache, kvCacheBytes,
  listCachedModels, modelCatalog, modelIdOf, openModel, sha256Hex, vramRequiredMB,
} from './download/index.mjs';
export type { CacheKind, CacheOptions, CachedModel, DownloadProgress, ModelRecord, OpenModelOptions, OpenedModel } from './download/index.mjs';
export {
  CreateServiceWorkerEngine, CreateWebWorkerEngine, EngineHandler, ServiceWorkerEngineHandler, WebWorkerEngineHandler, WorkerEngine, fetchEngineFactory, hearthEngineFactory,
} from './worker/index.mjs';
export type { EngineFactory, ServedEngine, WorkerChannel, WorkerEngineOptions, WorkerModel } from './worker/index.mjs';
