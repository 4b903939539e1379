// The WebGPU engine: the core (wasm) tokenizes, samples and detokenizes through a session in external
// evaluation mode (hearth_session_start with "external_eval", hearth_session_step_logits); the
// forward pass runs on the GPU (GpuExecutor over hearth_session_plan). Logits (n_vocab f32) are read
// back each step and sampled in the core; sampling on the GPU comes later.
import { HearthError } from '../errors.mjs';
import { callJson, loadCore, type Reply } from '../core.mjs';
import type { ChatPrompt, ChatPromptRequest, Engine, FinishReason, GenerateRequest, Generation, GenerationStats, LoadOptions, ModelInfo, StepLogprobs } from '../engine.mjs';
import { stepLogprobs } from '../step_logprobs.mjs';
import type { HearthCoreModule } from '../hearth_core.mjs';
import { gpuContext } from './context.mjs';
import { GpuExecutor, type Plan } from './executor.mjs';
import { GpuWeights } from './weights.mjs';
import { bytesSource } from '../byte_source.mjs';

type Ctx = Awaited<ReturnType<typeof gpuContext>>;

const now = (): number => performance.now();

export class WebGpuEngine implements Engine {
  readonly backend = 'webgpu' as const;
  #core: HearthCoreModule;
  #ctx: Ctx;
  #session: number;
  #info: ModelInfo | null = null;
  #exec: GpuExecutor | null = null;
  #weights: GpuWeights | null = null;
  #generation = 0;

  private constructor(core: HearthCoreModule, ctx: Ctx) {
    this.#core = core;
    this.#ctx = ctx;
    this.#session = core._hearth_session_create();
    if (!this.#session) throw new HearthError('out_of_memory', 'could not create a session');
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

  /** The core parses the file (tokenizer, graph); the GPU buffers are filled from `bytes` directly. */
  async load(bytes: Uint8Array, options: LoadOptions = {}): Promise<ModelInfo> {
    this.#checkAlive();
    this.#info = null;
    this.#releaseGpu();
    this.#generation++;
    const core = this.#core;
    const ptr = core._malloc(Math.max(1, bytes.length));
    if (!ptr) throw new HearthError('out_of_memory', `could not allocate ${bytes.length} bytes of wasm memory for the model`);
    core.HEAPU8.set(bytes, ptr);
    const config = JSON.stringify({ n_ctx: options.nCtx ?? 0 });
    const info = this.#call((c) => core._hearth_session_load(this.#session, ptr, bytes.length, c), config) as unknown as ModelInfo;
    const plan = this.#call(() => core._hearth_session_plan(this.#session)) as unknown as Plan;
    const weights = (this.#weights = await GpuWeights.upload(this.#ctx, plan.nodes.flatMap((n) => (n.weight ? [n.weight] : [])), plan.config.data_offset,
      bytesSource(bytes)));
    this.#exec = GpuExecutor.create(this.#ctx, plan, weights);
    this.#info = info;
    return info;
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

  generate(request: GenerateRequest): Generation {
    this.#checkAlive();
    const body: Record<string, unknown> = {
      temperature: request.temperature,
      top_k: request.topK,
      top_p: request.topP,
      min_p: request.minP,
      repetition_penalty: request.repetitionPenalty,
      presence_penalty: request.presencePenalty,
      frequency_penalty: request.frequencyPenalty,
      penalty_last_n: request.penaltyLastN,
      seed: request.seed,
      max_tokens: request.maxTokens,
      ignore_eos: request.ignoreEos,
      add_special: request.addSpecial,
      logit_bias: request.logitBias,
      logprobs: request.logprobs,
      top_logprobs: request.topLogprobs,
      external_eval: true,
    };
    if (typeof request.prompt === 'string') body['prompt'] = request.prompt;
    else body['tokens'] = request.prompt;
    const json = JSON.stringify(body);
    const id = ++this.#generation;
    const stats: GenerationStats = { promptTokens: 0, generatedTokens: 0, prefillMs: 0, decodeMs: 0, finishReason: null };
    const tokens: number[] = [];
    const logprobs: StepLogprobs[] = [];
    const self = this;

    async function* run(): AsyncGenerator<string, void, undefined> {
      const exec = self.#requireExec();
      const core = self.#core;
      const superseded = (): void => {
        if (self.#generation !== id) throw new HearthError('invalid_argument', 'this generation was superseded by a later generate() or load()');
      };
      const t0 = now();
      const started = self.#call((r) => core._hearth_session_start(self.#session, r), json);
      const prompt = started['tokens'] as number[];
      stats.promptTokens = prompt.length;
      if (request.maxTokens === 0) {
        stats.finishReason = 'length';
        return;
      }
      exec.reset();
      let logits: Float32Array | null = null;
      for (let i = 0; i < prompt.length; i++) {
        logits = await exec.eval(prompt[i]!, i === prompt.length - 1);
        superseded();
      }
      const t1 = now();
      stats.prefillMs = t1 - t0;
      const V = self.#info!.n_vocab;
      const ptr = core._malloc(V * 4);
      if (!ptr) throw new HearthError('out_of_memory', 'could not allocate the logits');
      try {
        for (;;) {
          superseded();
          new Float32Array(core.HEAPU8.buffer, ptr, V).set(logits!);
          const r = self.#call(() => core._hearth_session_step_logits(self.#session, ptr, V));
          const done = r['done'] as boolean;
          const reason = r['finish_reason'] as FinishReason | null;
          if (reason !== 'eog') {
            tokens.push(r['token'] as number);
            stats.generatedTokens++;
            const lp = stepLogprobs(r);
            if (lp) logprobs.push(lp);
          }
          const text = r['text'] as string;
          if (done) stats.finishReason = reason;
          if (!done) logits = await exec.eval(r['token'] as number, true);
          stats.decodeMs = now() - t1;
          if (text.length > 0) yield text;
          if (done) return;
        }
      } finally {
        core._free(ptr);
      }
    }
    const iterable = run();
    return { stats, tokens, logprobs, [Symbol.asyncIterator]: () => iterable };
  }

  #releaseGpu(): void {
    this.#exec?.dispose();
    this.#exec = null;
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
    if (!this.#exec || !this.#info) throw new HearthError('invalid_argument', 'no model is loaded');
    return this.#exec;
  }

  #call(fn: (argPtr: number) => number, arg?: string): Reply {
    return callJson(this.#core, fn, arg);
  }
}
