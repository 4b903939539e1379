// hearth/webllm: WebLLM's public API (0.2.8x) on hearth's engines. Change
// `import ... from "@mlc-ai/web-llm"` to `import ... from "hearth/webllm"` and the app runs GGUF
// models; README "Coming from WebLLM" lists the id mapping and what differs.
export {
  LOG_LEVELS, ModelType, modelLibURLPrefix, modelVersion,
} from './webllm/config.mjs';
export type {
  AppConfig, ChatConfig, ChatOptions, ConvTemplateConfig, GenerationConfig, InitProgressCallback, InitProgressReport, LogLevel,
  LogitProcessor, MLCEngineConfig, ModelRecord,
} from './webllm/config.mjs';
export { functionCallingModelIds, prebuiltAppConfig } from './webllm/prebuilt.mjs';
export { CreateMLCEngine, MLCEngine } from './webllm/engine.mjs';
export type { EngineFront as MLCEngineInterface } from './webllm/front.mjs';
export {
  CreateServiceWorkerMLCEngine, CreateWebWorkerMLCEngine, ServiceWorkerMLCEngine, ServiceWorkerMLCEngineHandler, WebWorkerMLCEngine,
  WebWorkerMLCEngineHandler,
} from './webllm/workers.mjs';
export {
  deleteChatConfigInCache, deleteModelAllInfoInCache, deleteModelInCache, deleteModelWasmInCache, hasModelInCache,
} from './webllm/cache.mjs';
export { Chat, Completions, Embeddings } from './webllm/api.mjs';
export {
  EmbeddingUnsupportedModelError, MLCWeightsNotSupportedError, ModelNotFoundError, ModelNotLoadedError,
  ReloadArgumentSizeUnmatchedError, SpecifiedModelNotFoundError, UnclearModelToUseError,
} from './webllm/errors.mjs';
export { HearthError } from './errors.mjs';
export { InvalidRequestError } from './openai/errors.mjs';
export { ChatCompletionRequestUnsupportedFields } from './webllm/protocol.mjs';
export type * from './webllm/protocol.mjs';
