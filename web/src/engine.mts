// The engine interface, and its CPU implementation over the wasm module's C ABI (core/api).
// The C++ side is synchronous and step-driven; this layer owns the async shape: generate() is an
// async iterator of text chunks, one step of the model per chunk.
import { coreRequestBody } from './core_request.mjs';
import { HearthError } from './errors.mjs';
import { callJson, heapU8, loadCore, resolveThreads, type Reply, type ThreadsOption } from './core.mjs';
import { stepLogprobs } from './step_logprobs.mjs';
import { taskYielder } from './next_task.mjs';
import type { HearthCoreModule } from './hearth_core.mjs';
import { readAll, type ByteSource } from './byte_source.mjs';
// static, not import(): service workers refuse dynamic import
import { WebGpuEngine } from './gpu/engine.mjs';
import type { ExecutorOptions } from './gpu/executor.mjs';

export interface LoadOptions {
  /** Context size; 0 or absent = min(trained context, 4096). */
  nCtx?: number;
  /** Replaces the file's pooling type: a decoder then embeds, an embedding model pools another way. */
  pooling?: Pooling;
  /** Bytes of weights loaded so far, of the total (WebGPU: called as the upload streams). */
  onProgress?: (loadedBytes: number, totalBytes: number) => void;
  /** Aborts a WebGPU load between chunks (HearthError 'invalid_argument'). */
  signal?: AbortSignal;
  /** WebGPU: also copy the whole file into wasm memory so the CPU reference (cpuLogits) can run;
   * for tests with small files (wasm memory is limited to 4 GB). */
  keepCpuWeights?: boolean;
  /** WebGPU: bytes of the first read of the header (default 1 MiB); it grows until the core has the
   * whole header. */
  headerReadBytes?: number;
  /** WebGPU: the executor's options (kernel variants, attention shares, submission sizes), for
   * comparisons such as `hearth bench`'s variant flags; absent: the defaults, the fast path. */
  gpu?: ExecutorOptions;
}

export interface ModelInfo {
  architecture: string;
  n_vocab: number;
  n_ctx: number;
  n_ctx_train: number;
  n_layer: number;
  n_embd: number;
  /** An embedding model's pooling of its hidden states; 'none' for a language model. */
  pooling: Pooling;
  n_head: number;
  n_head_kv: number;
  weight_bytes: number;
  tokenizer: string;
  bos_id: number;
  eos_id: number;
  /** Whether the file has its own tokenizer.chat_template. */
  chat_template: boolean;
  /** CPU threads the engine's executor runs (fewer than asked where no more could start); 0 for a
   * WebGPU model loaded from its header (no CPU executor). */
  n_threads: number;
  /** Milliseconds load() took (WebGPU: header parse + streaming the weights to the GPU). */
  load_ms?: number;
}

export type Pooling = 'none' | 'mean' | 'cls' | 'last';

/** An embedding model's request (core/api/embeddings.h): texts get the model's special tokens,
 * token ids are used as given. */
export interface EmbedRequest {
  input: string | readonly string[] | readonly number[] | readonly (readonly number[])[];
  /** Keep the first N components, then normalize (Matryoshka); default all. */
  dimensions?: number;
  /** L2-normalize (default true). */
  normalize?: boolean;
  /** Cut inputs longer than the context instead of refusing them (default false). */
  truncate?: boolean;
}

export interface EmbedResult {
  /** One vector per input, in order. */
  vectors: Float32Array[];
  /** Tokens of all inputs, after truncation. */
  promptTokens: number;
}

/** The number of inputs an EmbedRequest holds (a list of numbers is one input of token ids). */
export function embedInputCount(input: EmbedRequest['input']): number {
  if (!Array.isArray(input)) return 1;
  return input.length > 0 && typeof input[0] === 'number' ? 1 : input.length;
}

export interface CpuEngineOptions {
  /** CPU threads (core.mts resolveThreads): absent = 'auto' in browsers, 1 under Node. Above 1
   * loads the threaded module (hearth_core_mt) where the page is cross-origin isolated / under Node. */
  threads?: ThreadsOption | undefined;
}

/** Sampling as in core/sampling/sampling_params.h; absent fields take the core's defaults
 * (temperature 1, top-k off, top-p 1, min-p 0, no penalties, seed 0). */
export interface SamplingOptions {
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  repetitionPenalty?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  penaltyLastN?: number;
  seed?: number;
}

export interface GenerateRequest extends SamplingOptions {
  /** Text, encoded with the model's tokenizer (BOS added, special tokens parsed), or token ids. */
  prompt: string | readonly number[];
  /** Tokens to generate at most; absent = until end of generation or the context is full. */
  maxTokens?: number;
  ignoreEos?: boolean;
  /** Add BOS to a text prompt (default true); false when the text already holds it (a chat prompt). */
  addSpecial?: boolean;
  /** OpenAI's logit_bias: token id (as a string) → bias in [-100, 100]; -100 bans the token. */
  logitBias?: Readonly<Record<string, number>>;
  /** Report each sampled token's log-probability (Generation.logprobs). */
  logprobs?: boolean;
  /** Also report this many most likely tokens per step, in [0, 20] (implies logprobs). */
  topLogprobs?: number;
  /** The core's output constraint: {type: 'json_object'} | {type: 'json_schema', schema} |
   * {type: 'gbnf', grammar} (core/api/request_grammar.h). */
  grammar?: Record<string, unknown>;
  /** Special tokens whose text the output keeps (tool-call markers such as [TOOL_CALLS]). */
  preserveTokens?: readonly string[];
}

/** A token with its log-probability under the adjusted logits and its raw bytes. */
export interface TokenLogprob {
  token: number;
  logprob: number;
  bytes: number[];
}

/** One sampled token's log-probability and the most likely alternatives (best first). */
export interface StepLogprobs extends TokenLogprob {
  top: TokenLogprob[];
}

export interface ChatPromptRequest {
  messages: readonly unknown[];
  tools?: readonly unknown[];
  add_generation_prompt?: boolean;
  chat_template?: string;
  /** More template variables (OpenAI request's chat_template_kwargs). */
  chat_template_kwargs?: Record<string, unknown>;
}

export interface ChatPrompt {
  prompt: string;
  /** False when the rendered text already starts with the BOS token text. */
  addSpecial: boolean;
  template: 'request' | 'model' | 'fallback';
}

/** A chat template rendered as given (`hearth template`): no fallback, no BOS handling. */
export interface RenderTemplateRequest {
  /** The Jinja source; absent: the loaded model's tokenizer.chat_template. */
  template?: string;
  messages: readonly unknown[];
  tools?: readonly unknown[];
  add_generation_prompt?: boolean;
  /** Default: the loaded model's BOS/EOS token text, else empty. */
  bos_token?: string;
  eos_token?: string;
  /** YYYY-MM-DD: strftime_now() sees midnight of that day (reproducible renders). */
  now?: string;
}

/** 'grammar': the request's grammar is complete and allows nothing more. */
export type FinishReason = 'eog' | 'length' | 'grammar';

export interface GenerationStats {
  promptTokens: number;
  /** Prompt tokens whose KV-cache entries were kept from the previous generation (prefix reuse);
   * 0 or absent where the engine does not reuse its cache (the WebGPU path). */
  cachedTokens?: number;
  /** Prompt tokens evaluated (promptTokens - cachedTokens); absent = all of them. */
  prefillTokens?: number;
  generatedTokens: number;
  prefillMs: number;
  decodeMs: number;
  /** WebGPU, under a grammar: host time spent computing the grammar's token masks (the CPU path
   * masks inside each step and does not report it). */
  grammarMs?: number;
  finishReason: FinishReason | null;
}

export interface Generation extends AsyncIterable<string> {
  /** Filled in as the generation runs; final once iteration ends. */
  readonly stats: GenerationStats;
  /** Token ids generated so far (an end-of-generation token is not included). */
  readonly tokens: readonly number[];
  /** With request.logprobs / topLogprobs: one entry per token of `tokens`; else empty (absent:
   * the engine does not report log-probabilities). */
  readonly logprobs?: readonly StepLogprobs[];
}


/** One interface, whatever runs the model (CPU in wasm now; WebGPU next). */
export interface Engine {
  readonly backend: 'cpu' | 'webgpu';
  /** Loads a model from its GGUF bytes (CPU: synchronously; WebGPU: a promise, weights upload to the GPU). */
  load(source: Uint8Array | ByteSource, options?: LoadOptions): ModelInfo | Promise<ModelInfo>;
  readonly info: ModelInfo | null;
  tokenize(text: string, options?: { addSpecial?: boolean; parseSpecial?: boolean }): number[];
  /** renderSpecial: control tokens give their text (not every engine honours it yet: WebGPU gives ''). */
  detokenize(tokens: readonly number[], options?: { renderSpecial?: boolean }): string;
  generate(request: GenerateRequest): Generation;
  /** An embedding model's vectors (info.pooling is not 'none'): the CPU computes them at once, the
   * GPU asynchronously. */
  embed?(request: EmbedRequest): EmbedResult | Promise<EmbedResult>;
  dispose(): void;
}


const now = (): number => performance.now();

export class CpuEngine implements Engine {
  readonly backend = 'cpu' as const;
  #core: HearthCoreModule;
  #session: number;
  #info: ModelInfo | null = null;
  #generation = 0; // id of the generation that owns the session's state
  #threads: number;

  private constructor(core: HearthCoreModule, threads: number) {
    this.#core = core;
    this.#threads = threads;
    this.#session = core._hearth_session_create();
    if (!this.#session) throw new HearthError('out_of_memory', 'could not create a session');
  }

  static async create(options: CpuEngineOptions = {}): Promise<CpuEngine> {
    const threads = resolveThreads(options.threads);
    return new CpuEngine(await loadCore(threads), threads);
  }

  get info(): ModelInfo | null {
    return this.#info;
  }

  /** Copies the model into wasm memory (the core keeps it for the model's life). */
  load(bytes: Uint8Array, options?: LoadOptions): ModelInfo;
  /** A ByteSource is read whole first (the CPU keeps its weights in wasm memory). */
  load(source: ByteSource, options?: LoadOptions): Promise<ModelInfo>;
  load(source: Uint8Array | ByteSource, options: LoadOptions = {}): ModelInfo | Promise<ModelInfo> {
    if (!(source instanceof Uint8Array)) return readAll(source).then((bytes) => this.load(bytes, options));
    const bytes = source;
    const t0 = now();
    this.#checkAlive();
    this.#info = null;
    this.#generation++;
    const core = this.#core;
    const ptr = core._malloc(Math.max(1, bytes.length));
    if (!ptr) throw new HearthError('out_of_memory', `could not allocate ${bytes.length} bytes of wasm memory for the model`);
    heapU8(core).set(bytes, ptr); // read after malloc: memory may have grown
    const config = JSON.stringify({ n_ctx: options.nCtx ?? 0, n_threads: this.#threads, ...(options.pooling ? { pooling: options.pooling } : {}) });
    // the core owns ptr from here, on success and on failure
    const info = this.#call((c) => core._hearth_session_load(this.#session, ptr, bytes.length, c), config);
    this.#info = { ...(info as unknown as ModelInfo), load_ms: now() - t0 };
    return this.#info;
  }

  tokenize(text: string, options: { addSpecial?: boolean; parseSpecial?: boolean } = {}): number[] {
    this.#checkAlive();
    const req = JSON.stringify({ text, add_special: options.addSpecial ?? false, parse_special: options.parseSpecial ?? false });
    return this.#call((r) => this.#core._hearth_session_tokenize(this.#session, r), req)['tokens'] as number[];
  }

  /** renderSpecial: control tokens give their text (e.g. "<s>") instead of nothing. */
  detokenize(tokens: readonly number[], options: { renderSpecial?: boolean } = {}): string {
    this.#checkAlive();
    const req = JSON.stringify({ tokens, render_special: options.renderSpecial ?? false });
    return this.#call((r) => this.#core._hearth_session_detokenize(this.#session, r), req)['text'] as string;
  }

  /** The logits of every position of `tokens`, evaluated from an empty cache (ends any generation
   * in progress); for checking one thread count, or one engine, against another. */
  cpuLogits(tokens: readonly number[]): Float32Array[] {
    this.#checkAlive();
    if (!this.#info) throw new HearthError('invalid_argument', 'no model is loaded');
    this.#generation++;
    const V = this.#info.n_vocab;
    const n = tokens.length * V;
    const core = this.#core;
    const ptr = core._malloc(Math.max(1, n * 4));
    if (!ptr) throw new HearthError('out_of_memory', 'could not allocate the logits');
    try {
      this.#call((r) => core._hearth_session_cpu_logits(this.#session, r, ptr, n), JSON.stringify({ tokens }));
      const all = new Float32Array(heapU8(core).buffer, ptr, n).slice();
      return tokens.map((_, i) => all.subarray(i * V, (i + 1) * V));
    } finally {
      core._free(ptr);
    }
  }

  /** An embedding model's vectors (core/api/embeddings.h); HearthError 'invalid_argument' for a
   * language model or a bad request. Does not touch a generation in progress. */
  embed(request: EmbedRequest): EmbedResult {
    this.#checkAlive();
    if (!this.#info) throw new HearthError('invalid_argument', 'no model is loaded');
    const dim = request.dimensions ?? this.#info.n_embd;
    const n = Math.max(1, embedInputCount(request.input) * (Number.isSafeInteger(dim) && dim > 0 ? dim : 1));
    const core = this.#core;
    const ptr = core._malloc(n * 4);
    if (!ptr) throw new HearthError('out_of_memory', 'could not allocate the embeddings');
    try {
      const reply = this.#call((r) => core._hearth_session_embed(this.#session, r, ptr, n), JSON.stringify(request));
      const count = reply['n_inputs'] as number, d = reply['dim'] as number;
      const all = new Float32Array(heapU8(core).buffer, ptr, count * d).slice();
      return { vectors: Array.from({ length: count }, (_, i) => all.subarray(i * d, (i + 1) * d)), promptTokens: reply['prompt_tokens'] as number };
    } finally {
      core._free(ptr);
    }
  }

  /** Renders a chat prompt with a chat template (core/api/chat_request.h): the request's
   * `chat_template`, else the model's, else ChatML. Template errors throw HearthError. */
  chatPrompt(request: ChatPromptRequest): ChatPrompt {
    this.#checkAlive();
    const reply = this.#call((r) => this.#core._hearth_session_chat_prompt(this.#session, r), JSON.stringify(request));
    return { prompt: reply['prompt'] as string, addSpecial: reply['add_special'] as boolean, template: reply['template'] as ChatPrompt['template'] };
  }

  /** Renders a chat template exactly (no model needed when `template` is given); a template
   * that raises throws HearthError with its message. */
  renderTemplate(request: RenderTemplateRequest): string {
    this.#checkAlive();
    return this.#call((r) => this.#core._hearth_session_render_template(this.#session, r), JSON.stringify(request))['prompt'] as string;
  }

  /** Starts a generation (superseding any in progress); the prompt is evaluated on the first next(). */
  generate(request: GenerateRequest): Generation {
    this.#checkAlive();
    const body = coreRequestBody(request);
    const json = JSON.stringify(body); // undefined fields are dropped: the core's defaults apply
    const id = ++this.#generation;
    const stats: GenerationStats = { promptTokens: 0, cachedTokens: 0, prefillTokens: 0, generatedTokens: 0, prefillMs: 0, decodeMs: 0, finishReason: null };
    const tokens: number[] = [];
    const logprobs: StepLogprobs[] = [];
    const self = this;

    async function* run(): AsyncGenerator<string, void, undefined> {
      const t0 = now();
      const started = self.#call((r) => self.#core._hearth_session_start(self.#session, r), json);
      stats.promptTokens = started['prompt_tokens'] as number;
      stats.cachedTokens = (started['cached_tokens'] as number | undefined) ?? 0;
      stats.prefillTokens = (started['prefill_tokens'] as number | undefined) ?? stats.promptTokens - stats.cachedTokens;
      const t1 = now();
      stats.prefillMs = t1 - t0;
      if (request.maxTokens === 0) {
        stats.finishReason = 'length';
        return;
      }
      const yieldTask = taskYielder();
      for (;;) {
        await yieldTask(); // let events in (an abort message to a worker, input in a page)
        if (self.#generation !== id) throw new HearthError('invalid_argument', 'this generation was superseded by a later generate() or load()');
        const r = self.#call(() => self.#core._hearth_session_step(self.#session));
        const done = r['done'] as boolean;
        const reason = r['finish_reason'] as FinishReason | null;
        if (reason !== 'eog') {
          tokens.push(r['token'] as number);
          stats.generatedTokens++;
          const lp = stepLogprobs(r);
          if (lp) logprobs.push(lp);
        }
        stats.decodeMs = now() - t1;
        const text = r['text'] as string;
        if (done) stats.finishReason = reason;
        if (text.length > 0) yield text;
        if (done) return;
      }
    }
    const iterable = run();
    return {
      stats,
      tokens,
      logprobs,
      [Symbol.asyncIterator]: () => iterable,
    };
  }

  dispose(): void {
    if (!this.#session) return;
    this.#core._hearth_session_destroy(this.#session);
    this.#session = 0;
    this.#info = null;
  }

  #checkAlive(): void {
    if (!this.#session) throw new HearthError('invalid_argument', 'the engine was disposed');
  }

  #call(fn: (argPtr: number) => number, arg?: string): Reply {
    return callJson(this.#core, fn, arg);
  }
}

/** Which engine runs the model: 'auto' is WebGPU when an adapter can be had, else the CPU. */
export type Backend = 'auto' | 'cpu' | 'webgpu';

/**
 * The engine for a backend. webgpu: HearthError 'unsupported' when there is no WebGPU or no adapter.
 * auto (the default): the same attempt, falling back to the CPU on exactly that error, so a browser
 * or machine without WebGPU still runs the model; other failures (a device error) still throw.
 */
export async function createEngine(backend: Backend = 'auto', cpuOptions: CpuEngineOptions = {}): Promise<Engine> {
  if (backend === 'cpu') return CpuEngine.create(cpuOptions);
  if (backend === 'webgpu') return WebGpuEngine.create();
  if (backend === 'auto') {
    try {
      return await WebGpuEngine.create();
    } catch (e) {
      if (e instanceof HearthError && e.type === 'unsupported') return CpuEngine.create(cpuOptions);
      throw e;
    }
  }
  throw new HearthError('invalid_argument', `unknown backend '${String(backend)}' (expected auto, cpu or webgpu)`);
}
