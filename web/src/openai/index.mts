// The OpenAI-compatible API: OpenAIEngine (chat.completions.create, completions.create), its
// request and response types, and InvalidRequestError.
export { OpenAIEngine } from './openai_engine.mjs';
export type { ChatEngine, OpenAIEngineOptions } from './openai_engine.mjs';
export { InvalidRequestError } from './errors.mjs';
export { StopMatcher } from './stop.mjs';
export type {
  ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChatMessage, Completion, CompletionChunk, CompletionRequest,
  CompletionUsage, FinishReason, RequestOptions, Role, SamplingFields, TextContentPart,
} from './types.mjs';
