// WebLLM's API objects: engine.chat.completions, engine.completions and engine.embeddings, each a
// thin object over the engine's chatCompletion / completion / embedding methods (as in WebLLM).
// create()'s second argument is hearth's: { signal } aborts the request (finish_reason 'abort').
import type { RequestOptions } from '../openai/types.mjs';
import type {
  ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChatCompletionRequestBase, ChatCompletionRequestNonStreaming,
  ChatCompletionRequestStreaming, Completion, CompletionCreateParams, CompletionCreateParamsBase, CompletionCreateParamsNonStreaming,
  CompletionCreateParamsStreaming, CreateEmbeddingResponse, EmbeddingCreateParams,
} from './protocol.mjs';

/** The engine methods the API objects call. */
export interface ApiEngine {
  chatCompletion(request: ChatCompletionRequest, options?: RequestOptions): Promise<AsyncIterable<ChatCompletionChunk> | ChatCompletion>;
  completion(request: CompletionCreateParams, options?: RequestOptions): Promise<AsyncIterable<Completion> | Completion>;
  embedding(request: EmbeddingCreateParams): Promise<CreateEmbeddingResponse>;
}

class ChatCompletions {
  readonly #engine: ApiEngine;
  constructor(engine: ApiEngine) {
    this.#engine = engine;
  }
  create(request: ChatCompletionRequestNonStreaming, options?: RequestOptions): Promise<ChatCompletion>;
  create(request: ChatCompletionRequestStreaming, options?: RequestOptions): Promise<AsyncIterable<ChatCompletionChunk>>;
  create(request: ChatCompletionRequestBase, options?: RequestOptions): Promise<AsyncIterable<ChatCompletionChunk> | ChatCompletion>;
  create(request: ChatCompletionRequestBase, options?: RequestOptions): Promise<AsyncIterable<ChatCompletionChunk> | ChatCompletion> {
    return this.#engine.chatCompletion(request as ChatCompletionRequest, options);
  }
}

export class Chat {
  readonly completions: ChatCompletions;
  constructor(engine: ApiEngine) {
    this.completions = new ChatCompletions(engine);
  }
}

export class Completions {
  readonly #engine: ApiEngine;
  constructor(engine: ApiEngine) {
    this.#engine = engine;
  }
  create(request: CompletionCreateParamsNonStreaming, options?: RequestOptions): Promise<Completion>;
  create(request: CompletionCreateParamsStreaming, options?: RequestOptions): Promise<AsyncIterable<Completion>>;
  create(request: CompletionCreateParamsBase, options?: RequestOptions): Promise<AsyncIterable<Completion> | Completion>;
  create(request: CompletionCreateParamsBase, options?: RequestOptions): Promise<AsyncIterable<Completion> | Completion> {
    return this.#engine.completion(request as CompletionCreateParams, options);
  }
}

export class Embeddings {
  readonly #engine: ApiEngine;
  constructor(engine: ApiEngine) {
    this.#engine = engine;
  }
  create(request: EmbeddingCreateParams): Promise<CreateEmbeddingResponse> {
    return this.#engine.embedding(request);
  }
}
