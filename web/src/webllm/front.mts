// WebLLM's MLCEngineInterface over hearth engines: what MLCEngine (the page), WebWorkerMLCEngine and
// ServiceWorkerMLCEngine share. A subclass says how a model is loaded (a HearthEngine in the page, a
// WorkerEngine's worker) and how many can be loaded at once; this class owns the loaded models by
// WebLLM id, translates requests (request.mts), and serializes each model's requests.
//
// Behaviour kept from WebLLM: requests to one model run one after another (a request waits for the
// previous one, a stream until it is read to its end); with several models loaded a request names
// one in `model`; reload() replaces every loaded model; resetChat() clears getMessage() and (unless
// keepStats) runtimeStatsText(). The KV cache needs no reset: hearth reuses it by prompt prefix, so
// a new conversation simply shares no prefix with the old one.
import { adapterFacts } from '../gpu/context.mjs';
import { HearthError } from '../errors.mjs';
import type { ContextOverflow, RequestOptions } from '../openai/types.mjs';
import type * as H from '../openai/types.mjs';
import { Chat, Completions, Embeddings, type ApiEngine } from './api.mjs';
import type {
  AppConfig, ChatOptions, InitProgressCallback, InitProgressReport, LogLevel, LogitProcessor, MLCEngineConfig,
} from './config.mjs';
import { LOG_LEVELS } from './config.mjs';
import {
  EmbeddingUnsupportedModelError, ModelNotLoadedError, ReloadArgumentSizeUnmatchedError, SpecifiedModelNotFoundError,
  UnclearModelToUseError,
} from './errors.mjs';
import { modelLoad, type ModelLoad } from './model_load.mjs';
import type {
  ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChatCompletionRequestNonStreaming, ChatCompletionRequestStreaming,
  Completion, CompletionCreateParams, CompletionCreateParamsNonStreaming, CompletionCreateParamsStreaming, CreateEmbeddingResponse,
  EmbeddingCreateParams,
} from './protocol.mjs';
import { chatRequest, completionRequest, withWebllmUsage } from './request.mjs';

/** A loaded model as this layer drives it (HearthEngine and WorkerEngine both are one). */
export interface ModelBackend {
  chat: { completions: { create(request: H.ChatCompletionRequest, options?: RequestOptions): Promise<unknown> } };
  completions: { create(request: H.CompletionRequest, options?: RequestOptions): Promise<unknown> };
  embeddings: { create(request: H.EmbeddingCreateParams): Promise<H.CreateEmbeddingResponse> };
  interruptGenerate(): void | Promise<void>;
  unload(): void | Promise<void>;
  getMessage(): Promise<string>;
  runtimeStatsText(): Promise<string>;
}

/** The hearth engine options a subclass loads with (plain data, so they can cross to a worker). */
export interface BackendOptions {
  backend?: 'auto' | 'webgpu' | 'cpu';
  threads?: NonNullable<MLCEngineConfig['threads']>;
  cache?: NonNullable<MLCEngineConfig['cache']>;
  cacheDir?: string;
  contextOverflow?: ContextOverflow;
  nCtx: number;
  chatTemplate?: string;
  initProgressCallback: (report: InitProgressReport) => void;
}

export interface LoadedModel {
  load: ModelLoad;
  backend: ModelBackend;
  /** The tail of this model's request queue. */
  queue: Promise<void>;
  /** resetChat() ran since the last request: getMessage() is '' and (unless kept) the stats zero. */
  reset: { message: boolean; stats: boolean };
  /** forwardTokensAndSample's tokens so far (the page engine's low-level API). */
  tokens: number[];
}

/** Chat options hearth accepts and does not use (the GGUF file decides them). */
const IGNORED_OPTIONS = ['tokenizer_files', 'tokenizer_info', 'conv_config', 'conv_template', 'sliding_window_size', 'attention_sink_size', 'vocab_size', 'bos_token_id'];
const ZERO_STATS = 'prefill: 0.0000 tokens/sec, decoding: 0.0000 tokens/sec';

const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';

export function refuseLogitProcessors(registry: Map<string, LogitProcessor> | undefined): void {
  if (registry && registry.size > 0)
    throw new HearthError('unsupported', 'logitProcessorRegistry is not supported by hearth: use logit_bias, response_format (JSON Schema, grammar) or tools');
}

export abstract class EngineFront implements ApiEngine {
  readonly chat: Chat;
  readonly completions: Completions;
  readonly embeddings: Embeddings;
  protected config: MLCEngineConfig;
  readonly #models = new Map<string, LoadedModel>();
  #logLevel: LogLevel;

  constructor(engineConfig: MLCEngineConfig = {}) {
    refuseLogitProcessors(engineConfig.logitProcessorRegistry);
    this.config = { ...engineConfig };
    this.#logLevel = engineConfig.logLevel ?? 'WARN';
    this.chat = new Chat(this);
    this.completions = new Completions(this);
    this.embeddings = new Embeddings(this);
  }

  /** Loads one model with `options`; the caller registers it. */
  protected abstract loadBackend(load: ModelLoad, options: BackendOptions): Promise<ModelBackend>;
  /** How many models can be loaded at once. */
  protected abstract readonly maxModels: number;
  /** WebLLM's low-level step (engine.mts has the page engine's; worker engines refuse it). */
  abstract forwardTokensAndSample(inputIds: number[], isPrefill: boolean, modelId?: string): Promise<number>;

  setInitProgressCallback(initProgressCallback: InitProgressCallback): void {
    this.config.initProgressCallback = initProgressCallback;
  }
  getInitProgressCallback(): InitProgressCallback | undefined {
    return this.config.initProgressCallback;
  }
  setAppConfig(appConfig: AppConfig): void {
    this.config.appConfig = appConfig;
  }
  setLogitProcessorRegistry(registry?: Map<string, LogitProcessor>): void {
    refuseLogitProcessors(registry);
  }
  setLogLevel(logLevel: LogLevel): void {
    if (!(logLevel in LOG_LEVELS)) throw new HearthError('invalid_argument', `log level must be one of ${Object.keys(LOG_LEVELS).join(', ')}`);
    this.#logLevel = logLevel;
  }

  protected log(level: Exclude<LogLevel, 'SILENT'>, message: string): void {
    if (LOG_LEVELS[level] < LOG_LEVELS[this.#logLevel]) return;
    const out = level === 'ERROR' ? console.error : level === 'WARN' ? console.warn : console.info;
    out(`hearth/webllm: ${message}`);
  }

  /** The ids of the loaded models, in load order. */
  get loadedModelIds(): string[] {
    return [...this.#models.keys()];
  }

  /** Unloads every model, then loads each of `modelId` in turn (chatOpts[i] for modelId[i]). An id
   * that is not in the app config fails before anything is unloaded; a load that fails leaves
   * nothing loaded. */
  async reload(modelId: string | string[], chatOpts?: ChatOptions | ChatOptions[]): Promise<void> {
    const ids = Array.isArray(modelId) ? modelId : [modelId];
    const opts = chatOpts === undefined ? ids.map(() => undefined) : Array.isArray(chatOpts) ? chatOpts : [chatOpts];
    if (opts.length !== ids.length) throw new ReloadArgumentSizeUnmatchedError(ids.length, opts.length);
    if (ids.length === 0) throw new HearthError('invalid_argument', 'reload needs at least one model id');
    if (new Set(ids).size !== ids.length) throw new HearthError('invalid_argument', `reload was given the same model id twice: ${ids.join(', ')}`);
    if (ids.length > this.maxModels)
      throw new HearthError('unsupported', `this engine holds ${this.maxModels} model at a time (hearth's worker engines load one); got ${ids.length}`);
    const loads = ids.map((id, i) => modelLoad(id, this.config.appConfig, opts[i]));
    await this.unload();
    try {
      for (const load of loads) {
        const ignored = IGNORED_OPTIONS.filter((k) => k in load.chatOptions);
        if (ignored.length > 0) this.log('WARN', `${load.modelId}: ${ignored.join(', ')} not used (hearth reads them from the GGUF file)`);
        const backend = await this.loadBackend(load, this.#backendOptions(load));
        this.#models.set(load.modelId, { load, backend, queue: Promise.resolve(), reset: { message: false, stats: false }, tokens: [] });
        this.log('INFO', `loaded ${load.modelId}`);
      }
    } catch (e) {
      await this.unload();
      throw e;
    }
  }

  #backendOptions(load: ModelLoad): BackendOptions {
    const c = this.config;
    return {
      ...(c.backend !== undefined ? { backend: c.backend } : {}),
      ...(c.threads !== undefined ? { threads: c.threads } : {}),
      ...(c.cache !== undefined ? { cache: c.cache } : {}),
      ...(c.cacheDir !== undefined ? { cacheDir: c.cacheDir } : {}),
      ...(c.contextOverflow !== undefined ? { contextOverflow: c.contextOverflow } : {}),
      nCtx: load.nCtx,
      ...(load.chatTemplate !== undefined ? { chatTemplate: load.chatTemplate } : {}),
      // looked up per report: setInitProgressCallback during a load takes effect
      initProgressCallback: (report) => this.config.initProgressCallback?.(report),
    };
  }

  async unload(): Promise<void> {
    const models = [...this.#models.values()];
    this.#models.clear();
    for (const m of models) {
      await m.backend.interruptGenerate();
      await m.backend.unload();
    }
  }

  /** Ends the running generation of every loaded model (finish_reason 'abort'). */
  interruptGenerate(): void {
    for (const m of this.#models.values()) void m.backend.interruptGenerate();
  }

  async resetChat(keepStats = false, modelId?: string): Promise<void> {
    const m = this.model(modelId, 'resetChat');
    m.reset = { message: true, stats: m.reset.stats || !keepStats };
    m.tokens = [];
  }

  async getMessage(modelId?: string): Promise<string> {
    const m = this.model(modelId, 'getMessage');
    return m.reset.message ? '' : m.backend.getMessage();
  }

  async runtimeStatsText(modelId?: string): Promise<string> {
    const m = this.model(modelId, 'runtimeStatsText');
    return m.reset.stats ? ZERO_STATS : m.backend.runtimeStatsText();
  }

  async getMaxStorageBufferBindingSize(): Promise<number> {
    return (await adapterFacts()).maxStorageBufferBindingSize;
  }

  async getGPUVendor(): Promise<string> {
    return (await adapterFacts()).vendor;
  }

  chatCompletion(request: ChatCompletionRequestNonStreaming, options?: RequestOptions): Promise<ChatCompletion>;
  chatCompletion(request: ChatCompletionRequestStreaming, options?: RequestOptions): Promise<AsyncIterable<ChatCompletionChunk>>;
  chatCompletion(request: ChatCompletionRequest, options?: RequestOptions): Promise<AsyncIterable<ChatCompletionChunk> | ChatCompletion>;
  async chatCompletion(request: ChatCompletionRequest, options: RequestOptions = {}): Promise<AsyncIterable<ChatCompletionChunk> | ChatCompletion> {
    const started = performance.now();
    const m = this.model(request?.model ?? undefined, 'ChatCompletionRequest');
    const hearthRequest = chatRequest(request, m.load.chatOptions);
    return this.#run(m, started, () => m.backend.chat.completions.create(hearthRequest, options)) as Promise<AsyncIterable<ChatCompletionChunk> | ChatCompletion>;
  }

  completion(request: CompletionCreateParamsNonStreaming, options?: RequestOptions): Promise<Completion>;
  completion(request: CompletionCreateParamsStreaming, options?: RequestOptions): Promise<AsyncIterable<Completion>>;
  completion(request: CompletionCreateParams, options?: RequestOptions): Promise<AsyncIterable<Completion> | Completion>;
  async completion(request: CompletionCreateParams, options: RequestOptions = {}): Promise<AsyncIterable<Completion> | Completion> {
    const started = performance.now();
    const m = this.model(request?.model ?? undefined, 'CompletionCreateParams');
    const hearthRequest = completionRequest(request, m.load.chatOptions);
    return this.#run(m, started, () => m.backend.completions.create(hearthRequest, options)) as Promise<AsyncIterable<Completion> | Completion>;
  }

  /** On an embedding model (a GGUF with a pooling type); a language model refuses with WebLLM's
   * EmbeddingUnsupportedModelError. Queued with the model's other requests. */
  async embedding(request: EmbeddingCreateParams): Promise<CreateEmbeddingResponse> {
    const started = performance.now();
    const m = this.model(request?.model ?? undefined, 'EmbeddingCreateParams');
    const { model: _model, ...rest } = request;
    const { value, release } = await this.exclusive(m, async () => {
      try {
        return await m.backend.embeddings.create({ ...rest, model: m.load.modelId } as H.EmbeddingCreateParams);
      } catch (e) {
        if ((e as { code?: unknown }).code === 'model_not_embedding') throw new EmbeddingUnsupportedModelError(m.load.modelId);
        throw e;
      }
    });
    release();
    const seconds = (performance.now() - started) / 1000;
    return {
      ...(value as Omit<CreateEmbeddingResponse, 'usage'>),
      usage: { ...value.usage, extra: { prefill_tokens_per_s: seconds > 0 ? value.usage.prompt_tokens / seconds : 0 } },
    };
  }

  /** The model a call is for: the one named, else the only one loaded. */
  protected model(modelId: string | undefined, requestName: string): LoadedModel {
    if (this.#models.size === 0) throw new ModelNotLoadedError(requestName);
    if (modelId !== undefined) {
      const m = this.#models.get(modelId);
      if (!m) throw new SpecifiedModelNotFoundError(this.loadedModelIds, modelId, requestName);
      return m;
    }
    if (this.#models.size > 1) throw new UnclearModelToUseError(this.loadedModelIds, requestName);
    return this.#models.values().next().value as LoadedModel;
  }

  /** Runs `call` once the model's earlier requests are done; a stream holds the model until it is
   * read to its end (or left). */
  protected async exclusive<T>(m: LoadedModel, call: () => Promise<T>): Promise<{ value: T; release: () => void }> {
    const before = m.queue;
    let release!: () => void;
    m.queue = new Promise<void>((done) => (release = done));
    await before;
    try {
      return { value: await call(), release };
    } catch (e) {
      release();
      throw e;
    }
  }

  async #run(m: LoadedModel, started: number, call: () => Promise<unknown>): Promise<unknown> {
    const { value, release } = await this.exclusive(m, () => {
      m.reset = { message: false, stats: false };
      return call();
    });
    if (!isAsyncIterable(value)) {
      release();
      return withWebllmUsage(value as { usage?: H.CompletionUsage }, started);
    }
    return streamed(value, started, release);
  }
}

async function* streamed(source: AsyncIterable<unknown>, started: number, release: () => void): AsyncGenerator<unknown, void, undefined> {
  try {
    for await (const chunk of source) yield withWebllmUsage(chunk as { usage?: H.CompletionUsage }, started);
  } finally {
    release();
  }
}
