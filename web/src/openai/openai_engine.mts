// The OpenAI-compatible API over an Engine: engine.chat.completions.create(request, options) and
// engine.completions.create(request, options), in the shapes of OpenAI's (and WebLLM's) API.
//
// Non-stream requests resolve to a ChatCompletion / Completion; `stream: true` resolves to an async
// iterable of chunks (chat: per choice a first chunk with the role, content deltas, a chunk with the
// finish_reason; `stream_options.include_usage` adds a final chunk with usage and no choices).
// Validation, chat-template rendering and the context check happen inside create(), so a bad
// request rejects it, stream or not. One generation at a time per engine: a new request supersedes
// a running one.
//
// n > 1: the choices are generated one after another from the same prompt (choice i seeded
// seed + i); the KV cache keeps the prompt, so choices after the first prefill one token. Stream
// chunks carry the choice index; usage counts the prompt once and every choice's tokens.
//
// finish_reason: 'stop' (end-of-generation token or a stop string), 'length' (max_tokens or the
// context is full), 'abort' (options.signal aborted or interruptGenerate(); checked before every
// step), 'tool_calls' (the reply ended with tool calls).
//
// Tools (tool_prompt.mts, tool_formats.mts, chat_output.mts): the prompt is rendered in the model's
// own tool format; under tool_choice 'required' or a named function the whole reply is constrained
// to calls, under 'auto' the grammar binds once the model opens a call. A reasoning model's <think>
// block comes back as reasoning_content (a grammar binds after it where the prompt opened it).
// Streamed calls come whole: one tool_calls delta per reply, once its calls are complete. Stop strings are matched in TS on each step's text (stop.mts), never emitted, not even in
// part; completion_tokens counts every token sampled, including those whose text a stop string cut
// (their logprobs are not reported, as their text is not).
import { createEmbeddingResponse, validateEmbeddingRequest, type CreateEmbeddingResponse, type EmbeddingCreateParams } from './embeddings.mjs';
import type { ChatPrompt, ChatPromptRequest, Engine, GenerateRequest, SamplingOptions, StepLogprobs } from '../engine.mjs';
import { HearthError } from '../errors.mjs';
import { checkFits, fitChat, promptTokenCount } from './context_fit.mjs';
import { chatLogprobs, completionLogprobs } from './logprobs.mjs';
import { StopMatcher } from './stop.mjs';
import type {
  ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, ChatMessage, Completion, CompletionChunk, CompletionRequest,
  CompletionUsage, ContextOverflow, FinishReason, FunctionTool, RequestOptions, SamplingFields, ToolCall,
} from './types.mjs';
import { grammarOf, validateChatRequest, validateCompletionRequest } from './validate.mjs';
import { ChatOutput, THINK_CLOSE, type ChatOutputOptions } from './chat_output.mjs';
import type { ParsedCall, ToolFormat } from './tool_formats.mjs';
import { templateMessages, toolPrompt, type Renderer } from './tool_prompt.mjs';

/** An engine that can also render chat templates (CpuEngine). */
export interface ChatEngine extends Engine {
  chatPrompt(request: ChatPromptRequest): ChatPrompt;
}

export interface OpenAIEngineOptions {
  /** The `model` of responses when a request names none. */
  model?: string;
  /** What a chat request whose prompt does not fit the context does, unless it says (default 'error'). */
  contextOverflow?: ContextOverflow;
  /** The Jinja chat template of requests that give none (a catalog record's chat_template); absent:
   * the model's own. setEngine replaces it (null: none). */
  chatTemplate?: string | null;
}

/** The last request's numbers (getRuntimeStats()). */
export interface RuntimeStats {
  prompt_tokens: number;
  cached_tokens: number;
  prefill_tokens: number;
  completion_tokens: number;
  time_to_first_token_s: number;
  prefill_tokens_per_s: number;
  decode_tokens_per_s: number;
}

/** Text with the log-probabilities of the tokens it completes (empty unless asked). */
interface Piece {
  text: string;
  logprobs: StepLogprobs[];
}

interface Run {
  pieces: AsyncGenerator<Piece, void, undefined>;
  /** Final once pieces is exhausted. */
  result: { finishReason: FinishReason; usage: CompletionUsage; decodeMs: number };
}

/** What constrains a run beyond sampling: the core's grammar and the marker tokens kept. */
interface Constraint {
  grammar?: Record<string, unknown> | undefined;
  preserveTokens?: readonly string[] | undefined;
}

/** What one request generates: n runs, started one after another. */
interface Plan {
  n: number;
  run: (choice: number) => Run;
  /** Usage over all runs: prompt counted once (the first run's), completions summed. */
  usage: () => CompletionUsage;
  logprobs: boolean;
}

const now = (): number => performance.now();

/** OpenAI's sampling fields as the engine's SamplingOptions; fields absent or null are left out
 * (the core's defaults apply). Also what hearth/webllm's forwardTokensAndSample samples with. */
export function samplingOptions(r: Pick<SamplingFields, 'temperature' | 'top_p' | 'top_k' | 'min_p' | 'frequency_penalty' | 'presence_penalty' |
  'repetition_penalty'>): SamplingOptions {
  const out: SamplingOptions = {};
  if (r.temperature != null) out.temperature = r.temperature;
  if (r.top_p != null) out.topP = r.top_p;
  if (r.top_k != null) out.topK = r.top_k;
  if (r.min_p != null) out.minP = r.min_p;
  if (r.frequency_penalty != null) out.frequencyPenalty = r.frequency_penalty;
  if (r.presence_penalty != null) out.presencePenalty = r.presence_penalty;
  if (r.repetition_penalty != null) out.repetitionPenalty = r.repetition_penalty;
  return out;
}
const perSecond = (n: number, ms: number): number => (ms > 0 ? (n * 1000) / ms : 0);
const newId = (prefix: string): string => `${prefix}-${globalThis.crypto.randomUUID().replaceAll('-', '')}`;
const emptyUsage = (): CompletionUsage => ({
  prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, prompt_tokens_details: { cached_tokens: 0 }, prefill_tokens: 0,
  extra: { time_to_first_token_s: 0, prefill_tokens_per_s: 0, decode_tokens_per_s: 0 },
});

export class OpenAIEngine {
  readonly chat: { completions: { create: OpenAIEngine['createChatCompletion'] } };
  readonly completions: { create: OpenAIEngine['createCompletion'] };
  readonly embeddings: { create: OpenAIEngine['createEmbedding'] };
  #engine: ChatEngine | null;
  #model: string;
  #contextOverflow: ContextOverflow;
  #chatTemplate: string | null;
  /** The request in progress: interruptGenerate() sets its flag. */
  #current: { interrupted: boolean } | null = null;
  #message = '';
  #stats: RuntimeStats | null = null;

  constructor(engine: ChatEngine | null, options: OpenAIEngineOptions = {}) {
    this.#engine = engine;
    this.#model = options.model ?? 'hearth';
    this.#contextOverflow = options.contextOverflow ?? 'error';
    this.#chatTemplate = options.chatTemplate ?? null;
    this.chat = { completions: { create: this.createChatCompletion.bind(this) } };
    this.completions = { create: this.createCompletion.bind(this) };
    this.embeddings = { create: this.createEmbedding.bind(this) };
  }

  /** The engine requests run on; HearthError when no model is loaded. */
  get engine(): ChatEngine {
    if (!this.#engine) throw new HearthError('invalid_argument', 'no model is loaded: call reload(model) first');
    return this.#engine;
  }

  /** Swaps the engine (reload/unload); the running request, if any, is interrupted. */
  protected setEngine(engine: ChatEngine | null, options: OpenAIEngineOptions = {}): void {
    this.interruptGenerate();
    this.#engine = engine;
    if (options.model !== undefined) this.#model = options.model;
    if (options.contextOverflow !== undefined) this.#contextOverflow = options.contextOverflow;
    this.#chatTemplate = options.chatTemplate ?? null;
  }

  /** Ends the request in progress at its next step, with finish_reason 'abort'. */
  interruptGenerate(): void {
    if (this.#current) this.#current.interrupted = true;
  }

  /** The text of the last choice generated (so far, while it runs). WebLLM's getMessage(). */
  async getMessage(): Promise<string> {
    return this.#message;
  }

  /** The last request's token counts and speeds; HearthError before any request. */
  async getRuntimeStats(): Promise<RuntimeStats> {
    if (!this.#stats) throw new HearthError('invalid_argument', 'no request has run yet');
    return { ...this.#stats };
  }

  /** WebLLM's one-line summary: "prefill: X tokens/sec, decoding: Y tokens/sec". */
  async runtimeStatsText(): Promise<string> {
    const s = this.#stats;
    if (!s) return 'prefill: 0.0000 tokens/sec, decoding: 0.0000 tokens/sec';
    return `prefill: ${s.prefill_tokens_per_s.toFixed(4)} tokens/sec, decoding: ${s.decode_tokens_per_s.toFixed(4)} tokens/sec`;
  }

  /** OpenAI's embeddings.create on an embedding model (ModelInfo.pooling is not 'none'). */
  async createEmbedding(request: EmbeddingCreateParams): Promise<CreateEmbeddingResponse> {
    const r = validateEmbeddingRequest(request);
    return createEmbeddingResponse(this.engine, r, r.model ?? this.#model);
  }

  createChatCompletion(request: ChatCompletionRequest & { stream: true }, options?: RequestOptions): Promise<AsyncIterable<ChatCompletionChunk>>;
  createChatCompletion(request: ChatCompletionRequest & { stream?: false | null }, options?: RequestOptions): Promise<ChatCompletion>;
  createChatCompletion(request: ChatCompletionRequest, options?: RequestOptions): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>>;
  async createChatCompletion(request: ChatCompletionRequest, options: RequestOptions = {}): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>> {
    const r = validateChatRequest(request);
    const engine = this.engine;
    if (typeof engine.chatPrompt !== 'function')
      throw new HearthError('unsupported', `the ${engine.backend} engine does not render chat templates; use completions`);
    const maxTokens = r.max_completion_tokens ?? r.max_tokens ?? undefined;
    const renderer: Renderer = (messages, tools) =>
      engine.chatPrompt({
        messages,
        ...(tools ? { tools } : {}),
        add_generation_prompt: true,
        ...(typeof r.chat_template === 'string' ? { chat_template: r.chat_template }
          : this.#chatTemplate !== null ? { chat_template: this.#chatTemplate } : {}),
        ...(r.chat_template_kwargs ? { chat_template_kwargs: r.chat_template_kwargs } : {}),
      });
    const choice = r.tool_choice ?? 'auto';
    const tools = r.tools && r.tools.length > 0 && choice !== 'none' ? r.tools : null;
    const tp = tools ? toolPrompt(tools, renderer) : null;
    const render = tp ? tp.render : (messages: readonly ChatMessage[]): ChatPrompt => renderer(templateMessages(messages), null);
    const fit = fitChat(engine, r.messages, render, maxTokens, r.context_overflow ?? this.#contextOverflow);
    const topLogprobs = r.logprobs ? (r.top_logprobs ?? 0) : undefined;
    // DeepSeek-R1's generation prompt opens the <think> block itself
    const reasoningOpen = /<think>\s*$/.test(fit.prompt.prompt);
    const constraint: Constraint = tp && tools
      ? toolConstraint(tp.format, tools, choice, r.parallel_tool_calls ?? true)
      : { grammar: grammarOf(r.response_format) };
    if (reasoningOpen && constraint.grammar) constraint.grammar = { ...constraint.grammar, start_after: THINK_CLOSE };
    const outputOptions: ChatOutputOptions = {
      format: tp?.format ?? null, calls: tp ? (choice === 'auto' ? 'auto' : 'required') : null, reasoningOpen,
    };
    const plan = this.#plan(fit.prompt.prompt, fit.prompt.addSpecial, r, constraint, maxTokens, topLogprobs, options.signal);
    const head = { id: newId('chatcmpl'), created: Math.floor(Date.now() / 1000), model: r.model ?? this.#model };
    const usage = (): CompletionUsage => {
      const u = plan.usage();
      if (fit.dropped > 0 || (r.context_overflow ?? this.#contextOverflow) === 'drop_oldest') u.extra.dropped_messages = fit.dropped;
      return u;
    };
    const newOutput = (): ChatOutput => new ChatOutput(outputOptions);
    const format = tp?.format ?? null;
    if (r.stream) return chatChunks(head, plan, usage, r.stream_options?.include_usage === true, newOutput, format);
    const choices: ChatCompletion['choices'] = [];
    for (let i = 0; i < plan.n; i++) {
      const run = plan.run(i);
      const out = newOutput();
      const lps: StepLogprobs[] = [];
      for await (const p of run.pieces) {
        out.push(p.text);
        lps.push(...p.logprobs);
      }
      const { calls } = out.finish();
      const toolCalls = calls && format ? asToolCalls(calls, format) : null;
      choices.push({
        index: i,
        message: {
          role: 'assistant',
          content: toolCalls && out.content.trim() === '' ? null : out.content,
          ...(toolCalls ? { tool_calls: toolCalls } : {}),
          ...(out.reasoning ? { reasoning_content: out.reasoning } : {}),
        },
        finish_reason: toolCalls ? 'tool_calls' : run.result.finishReason,
        logprobs: plan.logprobs ? chatLogprobs(lps) : null,
      });
    }
    return { ...head, object: 'chat.completion', choices, usage: usage() };
  }

  createCompletion(request: CompletionRequest & { stream: true }, options?: RequestOptions): Promise<AsyncIterable<CompletionChunk>>;
  createCompletion(request: CompletionRequest & { stream?: false | null }, options?: RequestOptions): Promise<Completion>;
  createCompletion(request: CompletionRequest, options?: RequestOptions): Promise<Completion | AsyncIterable<CompletionChunk>>;
  async createCompletion(request: CompletionRequest, options: RequestOptions = {}): Promise<Completion | AsyncIterable<CompletionChunk>> {
    const r = validateCompletionRequest(request);
    const engine = this.engine;
    const maxTokens = r.max_tokens ?? undefined;
    // completions have no turns to drop: a prompt that does not fit is an error
    const n = promptTokenCount(engine, r.prompt, true);
    checkFits(engine, n, maxTokens, 'prompt');
    const plan = this.#plan(r.prompt, true, r, { grammar: grammarOf(r.response_format) }, maxTokens, r.logprobs ?? undefined, options.signal);
    const head = { id: newId('cmpl'), created: Math.floor(Date.now() / 1000), model: r.model ?? this.#model };
    if (r.stream) return completionChunks(head, plan, r.stream_options?.include_usage === true);
    const choices: Completion['choices'] = [];
    for (let i = 0; i < plan.n; i++) {
      const run = plan.run(i);
      let text = '';
      const lps: StepLogprobs[] = [];
      for await (const p of run.pieces) {
        text += p.text;
        lps.push(...p.logprobs);
      }
      choices.push({ index: i, text, finish_reason: run.result.finishReason, logprobs: plan.logprobs ? completionLogprobs(lps) : null });
    }
    return { ...head, object: 'text_completion', choices, usage: plan.usage() };
  }

  #plan(prompt: string, addSpecial: boolean, r: SamplingFields, constraint: Constraint, maxTokens: number | undefined,
    topLogprobs: number | undefined, signal: AbortSignal | undefined): Plan {
    const n = r.n ?? 1;
    const current = { interrupted: false };
    this.#current = current;
    this.#message = '';
    const aborted = (): boolean => current.interrupted || signal?.aborted === true;
    const runs: Run[] = [];
    const usage = (): CompletionUsage => {
      const u = runs[0]?.result.usage ?? emptyUsage();
      const completion = runs.reduce((sum, x) => sum + x.result.usage.completion_tokens, 0);
      const decodeMs = runs.reduce((sum, x) => sum + x.result.decodeMs, 0);
      const total: CompletionUsage = {
        ...u,
        prompt_tokens_details: { ...u.prompt_tokens_details },
        completion_tokens: completion,
        total_tokens: u.prompt_tokens + completion,
        extra: { ...u.extra, decode_tokens_per_s: perSecond(completion, decodeMs) },
      };
      const { time_to_first_token_s, prefill_tokens_per_s, decode_tokens_per_s } = total.extra;
      this.#stats = {
        prompt_tokens: total.prompt_tokens, cached_tokens: total.prompt_tokens_details.cached_tokens, prefill_tokens: total.prefill_tokens,
        completion_tokens: completion, time_to_first_token_s, prefill_tokens_per_s, decode_tokens_per_s,
      };
      return total;
    };
    const run = (choice: number): Run => {
      if (this.#current !== current) throw new HearthError('invalid_argument', 'this request was superseded by a later one');
      const seed = r.seed === undefined || r.seed === null ? (choice > 0 ? choice : undefined) : r.seed + choice;
      const x = this.#run(prompt, addSpecial, r, constraint, maxTokens, seed, topLogprobs, aborted);
      runs.push(x);
      return x;
    };
    return { n, run, usage, logprobs: topLogprobs !== undefined };
  }

  #run(prompt: string, addSpecial: boolean, r: SamplingFields, constraint: Constraint, maxTokens: number | undefined,
    seed: number | undefined, topLogprobs: number | undefined, aborted: () => boolean): Run {
    // undefined fields are dropped by JSON.stringify in generate(): the core's defaults apply
    const request = {
      prompt,
      addSpecial,
      maxTokens,
      ...samplingOptions(r),
      logitBias: r.logit_bias ?? undefined,
      seed,
      ignoreEos: r.ignore_eos ?? undefined,
      grammar: constraint.grammar,
      preserveTokens: constraint.preserveTokens,
      ...(topLogprobs !== undefined ? { logprobs: true, topLogprobs } : {}),
    } as GenerateRequest;
    const stops = r.stop === undefined || r.stop === null ? [] : typeof r.stop === 'string' ? [r.stop] : r.stop;
    const gen = this.engine.generate(request);
    if (topLogprobs !== undefined && !gen.logprobs)
      throw new HearthError('unsupported', `the ${this.engine.backend} engine does not report log-probabilities`);
    const result: Run['result'] = { finishReason: 'stop', usage: emptyUsage(), decodeMs: 0 };
    const self = this;
    async function* pieces(): AsyncGenerator<Piece, void, undefined> {
      const stop = new StopMatcher(stops);
      const it = gen[Symbol.asyncIterator]();
      const t0 = now();
      let firstAt: number | undefined;
      // logprobs go out with the text of their tokens: each step's text spans [start, end) of all
      // text pushed to the stop matcher; a span is released once its start has been emitted
      let taken = 0; // entries of gen.logprobs queued so far
      let pushed = 0; // characters pushed to the stop matcher
      let emitted = 0; // characters emitted
      const spans: { start: number; entries: StepLogprobs[] }[] = [];
      const queue = (text: string): void => {
        const all = gen.logprobs ?? [];
        if (all.length > taken) spans.push({ start: pushed, entries: all.slice(taken) });
        taken = all.length;
        pushed += text.length;
      };
      const emit = (text: string, all = false): Piece => {
        self.#message += text;
        emitted += text.length;
        const logprobs: StepLogprobs[] = [];
        while (spans.length && (all || spans[0]!.start < emitted)) logprobs.push(...spans.shift()!.entries);
        return { text, logprobs };
      };
      try {
        for (;;) {
          if (aborted()) {
            result.finishReason = 'abort';
            queue('');
            const rest = stop.flush();
            if (rest || spans.length) yield emit(rest, true);
            return;
          }
          const next = await it.next();
          if (next.done) {
            result.finishReason = gen.stats.finishReason === 'length' ? 'length' : 'stop';
            queue('');
            const rest = stop.flush();
            if (rest || spans.length) yield emit(rest, true);
            return;
          }
          firstAt ??= now();
          queue(next.value);
          const out = stop.push(next.value);
          if (stop.matched) {
            // tokens whose text lies wholly in the cut stop string are not reported
            result.finishReason = 'stop';
            const piece = emit(out);
            if (piece.text || piece.logprobs.length) yield piece;
            return;
          }
          if (out) yield emit(out);
        }
      } finally {
        await it.return?.();
        const s = gen.stats;
        const u = result.usage;
        u.prompt_tokens = s.promptTokens;
        u.prompt_tokens_details = { cached_tokens: s.cachedTokens ?? 0 };
        u.prefill_tokens = s.prefillTokens ?? s.promptTokens - u.prompt_tokens_details.cached_tokens;
        u.completion_tokens = gen.tokens.length;
        u.total_tokens = u.prompt_tokens + u.completion_tokens;
        result.decodeMs = s.decodeMs;
        u.extra = {
          time_to_first_token_s: ((firstAt ?? now()) - t0) / 1000,
          // tokens evaluated per second of prefill (cached ones took no time)
          prefill_tokens_per_s: perSecond(u.prefill_tokens, s.prefillMs),
          decode_tokens_per_s: perSecond(gen.tokens.length, s.decodeMs),
        };
      }
    }
    // a new choice starts a new message
    return { pieces: (async function* () { self.#message = ''; yield* pieces(); })(), result };
  }
}

type Head = { id: string; created: number; model: string };

/** The grammar and kept markers of a request with tools (choice is not 'none'). */
function toolConstraint(format: ToolFormat, tools: readonly FunctionTool[], choice: NonNullable<ChatCompletionRequest['tool_choice']>,
  parallel: boolean): Constraint {
  const preserveTokens = format.preserveTokens;
  if (choice === 'auto') return { grammar: format.grammar(tools, parallel, true), preserveTokens };
  if (choice === 'required') return { grammar: format.grammar(tools, parallel, false), preserveTokens };
  if (choice === 'none') return {};
  const named = tools.filter((t) => t.function.name === choice.function.name);
  return { grammar: format.grammar(named, false, false), preserveTokens };
}

function asToolCalls(calls: readonly ParsedCall[], format: ToolFormat): ToolCall[] {
  return calls.map((c) => ({ id: format.newId(), type: 'function', function: { name: c.name, arguments: JSON.stringify(c.arguments) } }));
}

async function* chatChunks(head: Head, plan: Plan, usage: () => CompletionUsage, includeUsage: boolean, newOutput: () => ChatOutput,
  format: ToolFormat | null): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  for (let i = 0; i < plan.n; i++) {
    const chunk = (delta: ChatCompletionChunk['choices'][0]['delta'], finish: FinishReason | null, lps: StepLogprobs[] = []): ChatCompletionChunk => ({
      ...head,
      object: 'chat.completion.chunk',
      choices: [{ index: i, delta, finish_reason: finish, logprobs: plan.logprobs && lps.length ? chatLogprobs(lps) : null }],
    });
    const run = plan.run(i);
    const out = newOutput();
    const delta = (d: { reasoning?: string; content?: string }): ChatCompletionChunk['choices'][0]['delta'] => ({
      ...(d.reasoning !== undefined ? { reasoning_content: d.reasoning } : {}),
      ...(d.content !== undefined || d.reasoning === undefined ? { content: d.content ?? '' } : {}),
    });
    yield chunk({ role: 'assistant', content: '' }, null);
    for await (const p of run.pieces) {
      const d = out.push(p.text);
      if (d.content !== undefined || d.reasoning !== undefined || p.logprobs.length) yield chunk(delta(d), null, p.logprobs);
    }
    const end = out.finish();
    if (end.delta.content !== undefined || end.delta.reasoning !== undefined) yield chunk(delta(end.delta), null);
    const toolCalls = end.calls && format ? asToolCalls(end.calls, format) : null;
    if (toolCalls) yield chunk({ tool_calls: toolCalls.map((c, index) => ({ index, ...c })) }, null);
    yield chunk({}, toolCalls ? 'tool_calls' : run.result.finishReason);
  }
  const u = usage();
  if (includeUsage) yield { ...head, object: 'chat.completion.chunk', choices: [], usage: u };
}

async function* completionChunks(head: Head, plan: Plan, includeUsage: boolean): AsyncGenerator<CompletionChunk, void, undefined> {
  for (let i = 0; i < plan.n; i++) {
    const chunk = (text: string, finish: FinishReason | null, lps: StepLogprobs[] = []): CompletionChunk => ({
      ...head,
      object: 'text_completion',
      choices: [{ index: i, text, finish_reason: finish, logprobs: plan.logprobs && lps.length ? completionLogprobs(lps) : null }],
    });
    const run = plan.run(i);
    for await (const p of run.pieces) yield chunk(p.text, null, p.logprobs);
    yield chunk('', run.result.finishReason);
  }
  const u = plan.usage();
  if (includeUsage) yield { ...head, object: 'text_completion', choices: [], usage: u };
}
