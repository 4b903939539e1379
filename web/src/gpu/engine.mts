// The WebGPU engine: the core (wasm) tokenizes, samples and detokenizes through a session in external
// evaluation mode (hearth_session_start with "external_eval", hearth_session_step_logits); the
// forward pass runs on the GPU (GpuExecutor over hearth_session_plan). The GPU ranks each step's
// candidates (GpuSampler) and the core draws from them; greedy decoding runs a step ahead on the GPU's
// best candidate.
import { coreRequestBody } from '../core_request.mjs';
import { HearthError } from '../errors.mjs';
import { callJson, heapU8, loadCore, type Reply } from '../core.mjs';
import type { ChatPrompt, ChatPromptRequest, EmbedRequest, EmbedResult, Engine, FinishReason, GenerateRequest, Generation, GenerationStats, LoadOptions, ModelInfo, StepLogprobs } from '../engine.mjs';
import { stepLogprobs } from '../step_logprobs.mjs';
import type { HearthCoreModule } from '../hearth_core.mjs';
import { gpuContext } from './context.mjs';
import { GpuEncoder } from './encoder.mjs';
import { GpuExecutor, type EvalOptions, type Plan } from './executor.mjs';
import { GpuWeights, type UploadOptions } from './weights.mjs';
import { bytesSource, readAll, type ByteSource } from '../byte_source.mjs';
import { GpuSampler, SAMPLER_CANDIDATES, TAIL_ERROR } from './sampler.mjs';

type Ctx = Awaited<ReturnType<typeof gpuContext>>;

const now = (): number => performance.now();
/** The largest header the streaming load reads (llama-3's 128k-token vocabulary takes ~8 MB). */
const MAX_HEADER_BYTES = 256 << 20;

export class WebGpuEngine implements Engine {
  readonly backend = 'webgpu' as const;
  #core: HearthCoreModule;
  #ctx: Ctx | null;
  /** Why the device was lost; set by device.lost, cleared by the next load(). */
  #lost: string | null = null;
  #sampler: GpuSampler | null = null;
  /** Steps whose draw the GPU's candidates did not decide (all logits read back); for tests and tuning. */
  #fullReads = 0;
  #loads = 0;
  get fullLogitReads(): number {
    return this.#fullReads;
  }
  /** Greedy steps submitted on the GPU's best candidate before the token was read back, and those of
   *  them dropped (the token differed, or the generation ended); for tests and tuning. */
  #ahead = { run: 0, dropped: 0 };
  get stepsAhead(): { run: number; dropped: number } {
    return { ...this.#ahead };
  }
  /** The tokens in the executor's KV cache, in order (for prefix reuse). */
  #gpuTokens: number[] = [];
  #session: number;
  #info: ModelInfo | null = null;
  #exec: GpuExecutor | null = null;
  #weights: GpuWeights | null = null;
  /** An embedding model's forward pass (then #exec and #sampler are null). */
  #encoder: GpuEncoder | null = null;
  #generation = 0;

  private constructor(core: HearthCoreModule, ctx: Ctx) {
    this.#core = core;
    this.#ctx = ctx;
    this.#session = core._hearth_session_create();
    if (!this.#session) throw new HearthError('out_of_memory', 'could not create a session');
    this.#watchDevice(ctx);
  }

  /** Fails with a HearthError ('unsupported') when there is no WebGPU adapter. */
  static async create(): Promise<WebGpuEngine> {
    const ctx = await gpuContext();
    return new WebGpuEngine(await loadCore(), ctx);
  }

  get info(): ModelInfo | null {
    return this.#info;
  }

  get executor(): GpuExecutor | null {
    return this.#exec;
  }

  /**
   * Loads a model for the GPU. The core reads only the file's header (tokenizer, graph plan, tensor
   * offsets; it is read in growing prefixes until the core has all of it) and the weights stream
   * from `source` into GPU buffers in chunks: the file never sits whole in wasm or JS memory, and
   * files over 4 GB load. `keepCpuWeights` also copies the whole file into wasm memory so cpuLogits
   * (the CPU reference, for tests) works: small files only.
   */
  async load(source: Uint8Array | ByteSource, options: LoadOptions = {}): Promise<ModelInfo> {
    this.#checkAlive();
    const t0 = now();
    const loadId = ++this.#loads; // a later load() supersedes this one at its next await
    this.#info = null;
    this.#releaseGpu();
    this.#generation++;
    if (this.#lost || !this.#ctx) {
      // the old device is gone (or was never had): a new one for this model
      this.#ctx = null;
      const ctx = await gpuContext();
      if (!this.#ctx) {
        this.#ctx = ctx;
        this.#lost = null;
        this.#watchDevice(ctx);
      }
      this.#checkLoad(loadId, source instanceof Uint8Array ? bytesSource(source) : source);
    }
    const ctx = this.#ctx;
    const src = source instanceof Uint8Array ? bytesSource(source) : source;
    const info = options.keepCpuWeights ? await this.#loadWhole(src, options, loadId) : await this.#loadHeader(src, options, loadId);
    const plan = this.#call(() => this.#core._hearth_session_plan(this.#session)) as unknown as Plan;
    const weights = plan.nodes.flatMap((n) => [n.weight, n.bias].filter((w) => w !== null));
    const embedding = plan.config.pooling !== 'none';
    try {
      if (!embedding) checkPlanFits(ctx, plan);
    } catch (e) {
      this.#call(() => this.#core._hearth_session_unload(this.#session)); // no half-loaded model
      throw e;
    }
    const device = ctx.device;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let exec: GpuExecutor | null = null;
    let encoder: GpuEncoder | null = null;
    let gpuWeights: GpuWeights | null = null;
    let sampler: GpuSampler | null = null;
    let failure: unknown = null;
    try {
      const upload: UploadOptions = {};
      if (options.onProgress) upload.onProgress = options.onProgress;
      if (options.signal) upload.signal = options.signal;
      gpuWeights = await GpuWeights.upload(ctx, weights, plan.config.data_offset, src, upload);
      if (embedding) {
        encoder = GpuEncoder.create(ctx, plan, gpuWeights);
      } else {
        exec = GpuExecutor.create(ctx, plan, gpuWeights, options.gpu);
        sampler = GpuSampler.create(ctx, exec.logitsBuffer, plan.config.n_vocab);
      }
    } catch (e) {
      failure = e;
    }
    const invalid = await device.popErrorScope().catch(() => null);
    const oom = await device.popErrorScope().catch(() => null);
    // a shader or pipeline the device refused would otherwise only log and compute garbage
    if (invalid && !failure && !oom)
      failure = new HearthError('unsupported', `the GPU refused a pipeline or buffer for ${src.name}: ${String(invalid.message ?? invalid)}`);
    if (!failure && loadId !== this.#loads) failure = new HearthError('invalid_argument', `loading ${src.name} was superseded by a later load()`);
    if (oom || failure || this.#lost) {
      exec?.dispose();
      encoder?.dispose();
      gpuWeights?.dispose();
      sampler?.dispose();
      if (loadId !== this.#loads) throw failure; // the later load owns the session now
      this.#call(() => this.#core._hearth_session_unload(this.#session));
      if (this.#lost) throw this.#lostError();
      if (oom) {
        const bytes = planBytes(plan);
        throw new HearthError('out_of_memory', `the GPU could not allocate ${bytes} bytes for ${src.name} ` +
          `(${weightBytes(plan)} of weights, ${bytes - weightBytes(plan)} of KV cache and activations at n_ctx ${plan.config.n_ctx}): ${String(oom.message ?? oom)}`);
      }
      throw failure;
    }
    this.#weights = gpuWeights;
    this.#exec = exec;
    this.#encoder = encoder;
    this.#sampler = sampler;
    this.#gpuTokens = [];
    this.#info = { ...info, load_ms: now() - t0 };
    return this.#info;
  }

  /** Header only: read a prefix, grow it while the core asks for more (the vocabulary lives in the
   * header's metadata, so a header can be several MB). */
  async #loadHeader(src: ByteSource, options: LoadOptions, loadId: number): Promise<ModelInfo> {
    const core = this.#core;
    const config = JSON.stringify({ n_ctx: options.nCtx ?? 0, file_size: src.size, ...(options.pooling ? { pooling: options.pooling } : {}) });
    let n = Math.min(src.size, Math.max(16, options.headerReadBytes ?? 1 << 20));
    for (;;) {
      const header = await src.read(0, n);
      this.#checkLoad(loadId, src);
      const ptr = core._malloc(Math.max(1, n));
      if (!ptr) throw new HearthError('out_of_memory', `could not allocate ${n} bytes of wasm memory for the model header`);
      let reply: Reply;
      try {
        core.HEAPU8.set(header, ptr);
        reply = this.#call((c) => core._hearth_session_load_header(this.#session, ptr, n, c), config);
      } finally {
        core._free(ptr);
      }
      const need = reply['need_bytes'];
      if (typeof need !== 'number') return reply as unknown as ModelInfo;
      if (need <= n || need > src.size) throw new HearthError('internal', `the core asked for ${need} header bytes of ${src.size} after ${n}`);
      // a hostile header can claim a string as long as the file: real ones are a few MB (vocabularies)
      if (need > MAX_HEADER_BYTES)
        throw new HearthError('malformed_file', `${src.name}: the GGUF header needs more than ${MAX_HEADER_BYTES} bytes (${need} so far)`);
      n = Math.min(src.size, Math.max(need, 2 * n));
    }
  }

  /** The whole file into wasm memory too (the CPU reference needs the weights there). */
  async #loadWhole(src: ByteSource, options: LoadOptions, loadId: number): Promise<ModelInfo> {
    const core = this.#core;
    const bytes = await readAll(src);
    this.#checkLoad(loadId, src);
    const ptr = core._malloc(Math.max(1, bytes.length));
    if (!ptr) throw new HearthError('out_of_memory', `could not allocate ${bytes.length} bytes of wasm memory for the model`);
    core.HEAPU8.set(bytes, ptr);
    const config = JSON.stringify({ n_ctx: options.nCtx ?? 0, ...(options.pooling ? { pooling: options.pooling } : {}) });
    // the core owns ptr from here, on success and on failure
    return this.#call((c) => core._hearth_session_load(this.#session, ptr, bytes.length, c), config) as unknown as ModelInfo;
  }

  /** The session belongs to the latest load(): an earlier one stops at its next await. */
  #checkLoad(loadId: number, src: ByteSource): void {
    if (loadId !== this.#loads) throw new HearthError('invalid_argument', `loading ${src.name} was superseded by a later load()`);
  }

  /** A lost device (driver reset, destroy(), out of memory in the driver) fails every later call
   * with 'device_lost' until load() makes a new device. */
  #watchDevice(ctx: Ctx): void {
    void ctx.device.lost?.then((info: { reason?: string; message?: string }) => {
      if (this.#ctx !== ctx) return;
      this.#lost = `the GPU device was lost (${info?.reason ?? 'unknown'}${info?.message ? `: ${info.message}` : ''}); load() the model again`;
    });
  }

  #lostError(): HearthError {
    return new HearthError('device_lost', this.#lost ?? 'the GPU device was lost');
  }

  tokenize(text: string, options: { addSpecial?: boolean; parseSpecial?: boolean } = {}): number[] {
    this.#checkAlive();
    const req = JSON.stringify({ text, add_special: options.addSpecial ?? false, parse_special: options.parseSpecial ?? false });
    return this.#call((r) => this.#core._hearth_session_tokenize(this.#session, r), req)['tokens'] as number[];
  }

  detokenize(tokens: readonly number[]): string {
    this.#checkAlive();
    return this.#call((r) => this.#core._hearth_session_detokenize(this.#session, r), JSON.stringify({ tokens }))['text'] as string;
  }

  /** Renders a chat prompt (the core's chat templates, as CpuEngine.chatPrompt), so the OpenAI
   * engine runs over WebGPU too. */
  chatPrompt(request: ChatPromptRequest): ChatPrompt {
    this.#checkAlive();
    const reply = this.#call((r) => this.#core._hearth_session_chat_prompt(this.#session, r), JSON.stringify(request));
    return { prompt: reply['prompt'] as string, addSpecial: reply['add_special'] as boolean, template: reply['template'] as ChatPrompt['template'] };
  }

  /** Logits of every position of `tokens`, evaluated on the GPU from an empty cache. */
  async gpuLogits(tokens: readonly number[]): Promise<Float32Array[]> {
    const exec = this.#requireExec();
    this.#generation++;
    exec.reset();
    this.#gpuTokens = []; // the cache no longer holds a generation's tokens
    const out: Float32Array[] = [];
    for (const t of tokens) out.push((await exec.eval(t, true))!);
    return out;
  }

  /** The core's CPU reference for the same (ends any generation in progress). */
  cpuLogits(tokens: readonly number[]): Float32Array[] {
    this.#requireExec();
    this.#generation++;
    const V = this.#info!.n_vocab;
    const n = tokens.length * V;
    const core = this.#core;
    const ptr = core._malloc(n * 4);
    if (!ptr) throw new HearthError('out_of_memory', 'could not allocate the logits');
    try {
      this.#call((r) => core._hearth_session_cpu_logits(this.#session, r, ptr, n), JSON.stringify({ tokens }));
      const all = new Float32Array(core.HEAPU8.buffer, ptr, n).slice();
      return tokens.map((_, i) => all.subarray(i * V, (i + 1) * V));
    } finally {
      core._free(ptr);
    }
  }

  /**
   * Starts a generation. Sampling runs on the GPU (./sampler.mts) when the request allows it exactly
   * (greedy, or 1 <= topK <= 64): a step reads back 128 candidates, and the core draws from them with
   * its own sampler and RNG, so tokens equal the CPU path's. topK 0 with a temperature also reads the
   * other tokens' total weight and reads all logits back only on the steps that leaves undecided;
   * 64 < topK < n_vocab reads all logits back.
   */
  /** An embedding model's vectors (core/api/embeddings.h's request, read and finished by the core;
   * the inputs run on the GPU encoder). */
  async embed(request: EmbedRequest): Promise<EmbedResult> {
    this.#checkAlive();
    const encoder = this.#encoder;
    if (!encoder) {
      if (this.#info) throw new HearthError('invalid_argument', 'embeddings: this model is a language model with no pooling type; load an embedding model');
      throw new HearthError('invalid_argument', 'no model is loaded');
    }
    const core = this.#core;
    const job = this.#call((r) => core._hearth_session_embed_begin(this.#session, r), JSON.stringify(request));
    const pooled = await encoder.embed(job['inputs'] as number[][]);
    if (this.#encoder !== encoder) throw new HearthError('invalid_argument', 'the model was unloaded while it computed embeddings');
    const ptr = core._malloc(Math.max(4, pooled.byteLength));
    if (!ptr) throw new HearthError('out_of_memory', 'could not allocate the embeddings');
    try {
      new Float32Array(heapU8(core).buffer, ptr, pooled.length).set(pooled);
      const reply = this.#call(() => core._hearth_session_embed_end(this.#session, ptr, pooled.length));
      const n = reply['n_inputs'] as number, d = reply['dim'] as number;
      const all = new Float32Array(heapU8(core).buffer, ptr, n * d).slice();
      return { vectors: Array.from({ length: n }, (_, i) => all.subarray(i * d, (i + 1) * d)), promptTokens: reply['prompt_tokens'] as number };
    } finally {
      core._free(ptr);
    }
  }

  generate(request: GenerateRequest): Generation {
    this.#checkAlive();
    if (this.#encoder) throw new HearthError('invalid_argument', 'this is an embedding model: it computes embeddings, not text');
    const body: Record<string, unknown> = { ...coreRequestBody(request), external_eval: true, n_candidates: SAMPLER_CANDIDATES };
    const json = JSON.stringify(body);
    const id = ++this.#generation;
    const stats: GenerationStats = { promptTokens: 0, cachedTokens: 0, prefillTokens: 0, generatedTokens: 0, prefillMs: 0, decodeMs: 0, finishReason: null };
    const tokens: number[] = [];
    const logprobs: StepLogprobs[] = [];
    const self = this;

    async function* run(): AsyncGenerator<string, void, undefined> {
      const exec = self.#requireExec();
      const core = self.#core;
      const superseded = (): void => {
        if (self.#lost) throw self.#lostError();
        if (self.#generation !== id) throw new HearthError('invalid_argument', 'this generation was superseded by a later generate() or load()');
      };
      const t0 = now();
      const started = self.#call((r) => core._hearth_session_start(self.#session, r), json);
      const prompt = started['tokens'] as number[];
      stats.promptTokens = prompt.length;
      stats.prefillTokens = prompt.length;
      if (request.maxTokens === 0) {
        stats.finishReason = 'length';
        return;
      }
      // candidates decide greedy and small top-k exactly; whole-vocabulary draws also need the tail
      const bounded = started['needs_tail'] === true;
      const sampler = started['candidates_suffice'] === true || bounded ? self.#sampler : null;
      sampler?.reset();
      sampler?.setTail(bounded ? request.temperature ?? 1 : null);
      // greedy without penalties: the token is the GPU's best candidate unless rounding ties it, so
      // the next step is submitted on that candidate before this one's are read back (checked after)
      const penalised = (request.repetitionPenalty ?? 1) !== 1 || (request.frequencyPenalty ?? 0) !== 0 || (request.presencePenalty ?? 0) !== 0;
      const runAhead = sampler !== null && !bounded && !penalised && (request.temperature === 0 || request.topK === 1);
      // a grammar's mask depends on the token before: the forward pass is submitted first, the mask
      // computed while it runs, and the sampler's passes submitted after it (their own submission)
      const masked = sampler !== null && started['grammar'] === true;
      const V = self.#info!.n_vocab;
      const maskWords = Math.ceil(V / 64) * 2;
      let maskPtr = 0; // allocated with the candidates' buffer, below
      const sampleMasked = (): void => {
        const tm = now();
        const m = self.#call(() => core._hearth_session_grammar_mask(self.#session, maskPtr, maskWords));
        stats.grammarMs = (stats.grammarMs ?? 0) + (now() - tm);
        sampler!.setMask(m['masked'] === true ? new Uint32Array(core.HEAPU8.buffer, maskPtr, maskWords) : null);
        sampler!.submit();
      };
      // penalties look at the last penalty_last_n accepted tokens: the prompt's and the generated
      const window = new PenaltyWindow(request.penaltyLastN ?? 64);
      for (const t of prompt) window.push(t);
      const adjust = (): void => sampler?.setAdjustments({
        repetitionPenalty: request.repetitionPenalty ?? 1, frequencyPenalty: request.frequencyPenalty ?? 0,
        presencePenalty: request.presencePenalty ?? 0, counts: window.counts(), bias: biasMap(request.logitBias),
      });
      adjust();
      const step = (last: boolean): EvalOptions =>
        sampler ? (last && !masked ? { readLogits: false, encode: (enc) => sampler.encode(enc) } : { readLogits: false }) : { readLogits: last };
      // KV prefix reuse: keep the cached positions that hold the prompt's first tokens (never the
      // last one: its logits are needed); #gpuTokens is only trusted while it matches the cache
      let common = 0;
      const cached = self.#gpuTokens;
      if (cached.length === exec.nPast) {
        const n = Math.min(cached.length, prompt.length - 1);
        while (common < n && cached[common] === prompt[common]) common++;
      }
      exec.truncate(Math.min(common, exec.nPast));
      self.#gpuTokens = cached.slice(0, common);
      stats.cachedTokens = common;
      stats.prefillTokens = prompt.length - common;
      let logits: Float32Array | null = null;
      // the executor's prompt entry point (batched prefill in chunks); the sampler joins the
      // last token's submission. A failure midway leaves nPast != #gpuTokens.length: no reuse next time.
      const rest = prompt.slice(common);
      logits = (await exec.evalBatch(rest, step(true)))[0] ?? null;
      self.#gpuTokens.push(...rest);
      let fed = prompt[prompt.length - 1]!; // the token whose logits the next step samples from
      superseded();
      // the prefill ends when its result is back: with the sampler, at the first candidates' read
      // (evalBatch returns once the chunks are submitted)
      let t1 = 0;
      const prefillDone = (): void => {
        if (t1 > 0) return;
        t1 = now();
        stats.prefillMs = t1 - t0;
      };
      if (!sampler) prefillDone();
      const n = sampler ? SAMPLER_CANDIDATES : V;
      const ptr = core._malloc(n * 8);
      if (!ptr) throw new HearthError('out_of_memory', 'could not allocate the logits');
      try {
        if (masked) {
          maskPtr = core._malloc(maskWords * 4);
          if (!maskPtr) throw new HearthError('out_of_memory', 'could not allocate the grammar mask');
          sampleMasked(); // the prompt's last position
        }
        let ahead = false;  // a step on the GPU's best candidate of the step being read is in flight
        for (;;) {
          superseded();
          let r: Reply;
          if (runAhead && !ahead && exec.nPast < exec.nCtx) {
            await exec.evalFrom(sampler!.bestToken, step(true));
            ahead = true;
            self.#ahead.run++;
          }
          let best = -1;
          if (sampler) {
            const c = await sampler.read();
            prefillDone();
            best = c.ids[0] ?? -1;
            superseded();
            new Int32Array(core.HEAPU8.buffer, ptr, c.ids.length).set(c.ids);
            new Float32Array(core.HEAPU8.buffer, ptr + n * 4, c.ids.length).set(c.logits);
            r = bounded
              ? self.#call(() => core._hearth_session_step_candidates_bounded(self.#session, ptr, ptr + n * 4, c.ids.length, c.tail ?? 0, TAIL_ERROR))
              : self.#call(() => core._hearth_session_step_candidates(self.#session, ptr, ptr + n * 4, c.ids.length));
            if (r['undecided'] === true) {
              // the candidates leave the token open (the tail's bounds, or a grammar's budget): all
              // logits, sampled by the core as on the CPU
              if (ahead) {
                // the step ahead has overwritten them: drop it and evaluate the last token again
                exec.truncate(exec.nPast - 2);
                if (!masked) sampler.discard();
                ahead = false;
                self.#ahead.dropped++;
                await exec.eval(fed, { readLogits: false });
              }
              const all = await sampler.readLogits();
              superseded();
              const lp = core._malloc(V * 4);
              if (!lp) throw new HearthError('out_of_memory', 'could not allocate the logits');
              try {
                new Float32Array(core.HEAPU8.buffer, lp, V).set(all);
                r = self.#call(() => core._hearth_session_step_logits(self.#session, lp, V));
              } finally {
                core._free(lp);
              }
              self.#fullReads++;
            }
          } else {
            new Float32Array(core.HEAPU8.buffer, ptr, V).set(logits!);
            r = self.#call(() => core._hearth_session_step_logits(self.#session, ptr, V));
          }
          const done = r['done'] as boolean;
          const reason = r['finish_reason'] as FinishReason | null;
          const token = r['token'] as number;
          if (reason !== 'eog') {
            tokens.push(token);
            stats.generatedTokens++;
            window.push(token);
            const lp = stepLogprobs(r);
            if (lp) logprobs.push(lp);
          }
          const text = r['text'] as string;
          if (done) stats.finishReason = reason;
          if (ahead && (done || token !== best)) {
            // the step ahead was on another token, or past the end: out of the cache and the sampler
            exec.truncate(exec.nPast - 1);
            if (!masked) sampler!.discard();
            ahead = false;
            self.#ahead.dropped++;
          }
          if (!done) {
            if (ahead) {
              ahead = false;  // the step already on the GPU is this token's
            } else {
              adjust();
              logits = await exec.eval(token, step(true));
            }
            if (masked) sampleMasked();
            fed = token;
            self.#gpuTokens.push(token);
          }
          stats.decodeMs = now() - t1;
          if (text.length > 0) yield text;
          if (done) return;
        }
      } finally {
        core._free(ptr);
        if (maskPtr) core._free(maskPtr);
      }
    }
    async function* guarded(): AsyncGenerator<string, void, undefined> {
      try {
        yield* run();
      } catch (e) {
        if (e instanceof HearthError) throw e;
        // a raw GPU error: the device went away, or a load() replaced the buffers under this step
        if (self.#lost) throw self.#lostError();
        if (self.#generation !== id) throw new HearthError('invalid_argument', 'this generation was superseded by a later generate() or load()');
        throw e;
      }
    }
    const iterable = guarded();
    return { stats, tokens, logprobs, [Symbol.asyncIterator]: () => iterable };
  }

  #releaseGpu(): void {
    this.#sampler?.dispose();
    this.#sampler = null;
    this.#gpuTokens = [];
    this.#exec?.dispose();
    this.#exec = null;
    this.#encoder?.dispose();
    this.#encoder = null;
    this.#weights?.dispose();
    this.#weights = null;
  }

  dispose(): void {
    this.#releaseGpu();
    if (!this.#session) return;
    this.#core._hearth_session_destroy(this.#session);
    this.#session = 0;
    this.#info = null;
  }

  #checkAlive(): void {
    if (!this.#session) throw new HearthError('invalid_argument', 'the engine was disposed');
  }

  #requireExec(): GpuExecutor {
    this.#checkAlive();
    if (this.#lost) throw this.#lostError();
    if (!this.#exec || !this.#info) throw new HearthError('invalid_argument', 'no model is loaded');
    return this.#exec;
  }

  #call(fn: (argPtr: number) => number, arg?: string): Reply {
    return callJson(this.#core, fn, arg);
  }
}

/** Bytes the plan asks of the GPU: weights, K and V caches, activations, attention scores. */
function weightBytes(plan: Plan): number {
  const seen = new Map<string, number>();
  for (const n of plan.nodes) if (n.weight) seen.set(n.weight.name, n.weight.n_bytes);
  return [...seen.values()].reduce((a, b) => a + b, 0);
}
function planBytes(plan: Plan): number {
  const { n_layer, n_ctx, kv_width } = plan.config;
  const heads = Math.max(1, ...plan.nodes.filter((n) => n.op === 'attention').map((n) => n.n_head));
  return weightBytes(plan) + 2 * n_layer * n_ctx * kv_width * 4 + heads * n_ctx * 4 + plan.widths.reduce((a, w) => a + w * 4, 0);
}

/** Buffers the device cannot create or bind at all fail before any allocation, naming the size. */
function checkPlanFits(ctx: Ctx, plan: Plan): void {
  const { n_ctx, kv_width } = plan.config;
  const binding = Number(ctx.device.limits.maxStorageBufferBindingSize);
  const maxBuffer = Number(ctx.device.limits.maxBufferSize);
  const kv = n_ctx * kv_width * 4;
  const limit = Math.min(binding, maxBuffer);
  if (kv > limit)
    throw new HearthError('out_of_memory', `n_ctx ${n_ctx} needs a K and a V cache of ${kv} bytes per layer (${planBytes(plan)} bytes in all), ` +
      `more than one GPU buffer can hold here (${limit} bytes): use a smaller context`);
}

/** The last n accepted tokens (all for -1, none for 0) with their counts: the penalties' window. */
class PenaltyWindow {
  #n: number;
  #tokens: number[] = [];
  constructor(n: number) {
    this.#n = n;
  }
  push(t: number): void {
    if (this.#n === 0) return;
    this.#tokens.push(t);
    if (this.#n > 0 && this.#tokens.length > this.#n) this.#tokens.shift();
  }
  counts(): Map<number, number> {
    const m = new Map<number, number>();
    for (const t of this.#tokens) m.set(t, (m.get(t) ?? 0) + 1);
    return m;
  }
}

function biasMap(bias: Readonly<Record<string, number>> | undefined): Map<number, number> {
  const m = new Map<number, number>();
  if (bias) for (const [k, v] of Object.entries(bias)) m.set(Number(k), v);
  return m;
}
