// The OpenAI-compatible API: OpenAIEngine (chat.completions.create, completions.create), its
// request and response types, and InvalidRequestError.
export { OpenAIEngine } from './openai_engine.mjs';
export type { ChatEngine, OpenAIEngineOptions, RuntimeStats } from './openai_engine.mjs';
export { CreateEngine, HearthEngine } from './hearth_engine.mjs';
export type { EngineOptions, InitProgressReport, LoadedModel } from './hearth_engine.mjs';
export { InvalidRequestError } from './errors.mjs';
export { StopMatcher } from './stop.mjs';
export type {
  ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChatMessage, Completion, CompletionChunk, CompletionRequest,
  CompletionUsage, ChatLogprobs, ChatTokenLogprob, CompletionLogprobs, ContextOverflow, FinishReason, RequestOptions, Role, SamplingFields, TextContentPart,
  AssistantMessage, FunctionTool, ResponseFormat, ToolCall, ToolCallDelta, ToolChoice,
} from './types.mjs';
export { MAX_PARALLEL_CALLS } from './tool_formats.mjs';
export type { CreateEmbeddingResponse, Embedding, EmbeddingCreateParams } from './embeddings.mjs';
