// The OpenAI-compatible API over an Engine: engine.chat.completions.create(request, options) and
// engine.completions.create(request, options), in the shapes of OpenAI's (and WebLLM's) API.
//
// Non-stream requests resolve to a ChatCompletion / Completion; `stream: true` resolves to an async
// iterable of chunks (chat: a first chunk with the role, content deltas, a last chunk with the
// finish_reason; `stream_options.include_usage` adds a final chunk with usage and no choices).
// Validation and chat-template rendering happen inside create(), so a bad request rejects it,
// stream or not. One generation at a time per engine: a new request supersedes a running one.
//
// finish_reason: 'stop' (end-of-generation token or a stop string), 'length' (max_tokens or the
// context is full), 'abort' (options.signal aborted; checked before every step).
// Stop strings are matched in TS on each step's text (stop.mts), never emitted, not even in part;
// completion_tokens counts every token sampled, including those whose text a stop string cut.
import type { ChatPrompt, ChatPromptRequest, Engine, GenerateRequest } from '../engine.mjs';
import { StopMatcher } from './stop.mjs';
import type {
  ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Completion, CompletionChunk, CompletionRequest, CompletionUsage,
  FinishReason, RequestOptions, SamplingFields,
} from './types.mjs';
import { validateChatRequest, validateCompletionRequest } from './validate.mjs';

/** An engine that can also render chat templates (CpuEngine). */
export interface ChatEngine extends Engine {
  chatPrompt(request: ChatPromptRequest): ChatPrompt;
}

export interface OpenAIEngineOptions {
  /** The `model` of responses when a request names none. */
  model?: string;
}

interface Run {
  texts: AsyncGenerator<string, void, undefined>;
  /** Final once texts is exhausted. */
  result: { finishReason: FinishReason; usage: CompletionUsage };
}

const now = (): number => performance.now();
const perSecond = (n: number, ms: number): number => (ms > 0 ? (n * 1000) / ms : 0);
const newId = (prefix: string): string => `${prefix}-${globalThis.crypto.randomUUID().replaceAll('-', '')}`;

export class OpenAIEngine {
  readonly engine: ChatEngine;
  readonly chat: { completions: { create: OpenAIEngine['createChatCompletion'] } };
  readonly completions: { create: OpenAIEngine['createCompletion'] };
  #model: string;

  constructor(engine: ChatEngine, options: OpenAIEngineOptions = {}) {
    this.engine = engine;
    this.#model = options.model ?? 'hearth';
    this.chat = { completions: { create: this.createChatCompletion.bind(this) } };
    this.completions = { create: this.createCompletion.bind(this) };
  }

  createChatCompletion(request: ChatCompletionRequest & { stream: true }, options?: RequestOptions): Promise<AsyncIterable<ChatCompletionChunk>>;
  createChatCompletion(request: ChatCompletionRequest & { stream?: false | null }, options?: RequestOptions): Promise<ChatCompletion>;
  createChatCompletion(request: ChatCompletionRequest, options?: RequestOptions): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>>;
  async createChatCompletion(request: ChatCompletionRequest, options: RequestOptions = {}): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>> {
    const r = validateChatRequest(request);
    const rendered = this.engine.chatPrompt({
      messages: r.messages,
      ...(r.tools ? { tools: r.tools } : {}),
      add_generation_prompt: true,
      ...(typeof r.chat_template === 'string' ? { chat_template: r.chat_template } : {}),
    });
    const maxTokens = r.max_completion_tokens ?? r.max_tokens ?? undefined;
    const run = this.#run(rendered.prompt, rendered.addSpecial, r, maxTokens, options.signal);
    const head = { id: newId('chatcmpl'), created: Math.floor(Date.now() / 1000), model: r.model ?? this.#model };
    if (r.stream) return chatChunks(head, run, r.stream_options?.include_usage === true);
    let content = '';
    for await (const t of run.texts) content += t;
    return {
      ...head,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: run.result.finishReason, logprobs: null }],
      usage: run.result.usage,
    };
  }

  createCompletion(request: CompletionRequest & { stream: true }, options?: RequestOptions): Promise<AsyncIterable<CompletionChunk>>;
  createCompletion(request: CompletionRequest & { stream?: false | null }, options?: RequestOptions): Promise<Completion>;
  createCompletion(request: CompletionRequest, options?: RequestOptions): Promise<Completion | AsyncIterable<CompletionChunk>>;
  async createCompletion(request: CompletionRequest, options: RequestOptions = {}): Promise<Completion | AsyncIterable<CompletionChunk>> {
    const r = validateCompletionRequest(request);
    const run = this.#run(r.prompt, true, r, r.max_tokens ?? undefined, options.signal);
    const head = { id: newId('cmpl'), created: Math.floor(Date.now() / 1000), model: r.model ?? this.#model };
    if (r.stream) return completionChunks(head, run, r.stream_options?.include_usage === true);
    let text = '';
    for await (const t of run.texts) text += t;
    return {
      ...head,
      object: 'text_completion',
      choices: [{ index: 0, text, finish_reason: run.result.finishReason, logprobs: null }],
      usage: run.result.usage,
    };
  }

  #run(prompt: string, addSpecial: boolean, r: SamplingFields, maxTokens: number | undefined, signal: AbortSignal | undefined): Run {
    // undefined fields are dropped by JSON.stringify in generate(): the core's defaults apply
    const request = {
      prompt,
      addSpecial,
      maxTokens,
      temperature: r.temperature ?? undefined,
      topP: r.top_p ?? undefined,
      topK: r.top_k ?? undefined,
      minP: r.min_p ?? undefined,
      frequencyPenalty: r.frequency_penalty ?? undefined,
      presencePenalty: r.presence_penalty ?? undefined,
      repetitionPenalty: r.repetition_penalty ?? undefined,
      logitBias: r.logit_bias ?? undefined,
      seed: r.seed ?? undefined,
      ignoreEos: r.ignore_eos ?? undefined,
    } as GenerateRequest;
    const stops = r.stop === undefined || r.stop === null ? [] : typeof r.stop === 'string' ? [r.stop] : r.stop;
    const gen = this.engine.generate(request);
    const result: Run['result'] = {
      finishReason: 'stop',
      usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, prompt_tokens_details: { cached_tokens: 0 }, prefill_tokens: 0, extra: { time_to_first_token_s: 0, prefill_tokens_per_s: 0, decode_tokens_per_s: 0 } },
    };
    async function* texts(): AsyncGenerator<string, void, undefined> {
      const stop = new StopMatcher(stops);
      const it = gen[Symbol.asyncIterator]();
      const t0 = now();
      let firstAt: number | undefined;
      try {
        for (;;) {
          if (signal?.aborted) {
            result.finishReason = 'abort';
            const rest = stop.flush();
            if (rest) yield rest;
            return;
          }
          const next = await it.next();
          if (next.done) {
            result.finishReason = gen.stats.finishReason === 'length' ? 'length' : 'stop';
            const rest = stop.flush();
            if (rest) yield rest;
            return;
          }
          firstAt ??= now();
          const out = stop.push(next.value);
          if (out) yield out;
          if (stop.matched) {
            result.finishReason = 'stop';
            return;
          }
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
        u.extra = {
          time_to_first_token_s: ((firstAt ?? now()) - t0) / 1000,
          // tokens evaluated per second of prefill (cached ones took no time)
          prefill_tokens_per_s: perSecond(u.prefill_tokens, s.prefillMs),
          decode_tokens_per_s: perSecond(gen.tokens.length, s.decodeMs),
        };
      }
    }
    return { texts: texts(), result };
  }
}

type Head = { id: string; created: number; model: string };

async function* chatChunks(head: Head, run: Run, includeUsage: boolean): AsyncGenerator<ChatCompletionChunk, void, undefined> {
  const chunk = (delta: ChatCompletionChunk['choices'][0]['delta'], finish: FinishReason | null): ChatCompletionChunk => ({
    ...head,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
  });
  yield chunk({ role: 'assistant', content: '' }, null);
  for await (const t of run.texts) yield chunk({ content: t }, null);
  yield chunk({}, run.result.finishReason);
  if (includeUsage) yield { ...head, object: 'chat.completion.chunk', choices: [], usage: run.result.usage };
}

async function* completionChunks(head: Head, run: Run, includeUsage: boolean): AsyncGenerator<CompletionChunk, void, undefined> {
  const chunk = (text: string, finish: FinishReason | null): CompletionChunk => ({
    ...head,
    object: 'text_completion',
    choices: [{ index: 0, text, finish_reason: finish, logprobs: null }],
  });
  for await (const t of run.texts) yield chunk(t, null);
  yield chunk('', run.result.finishReason);
  if (includeUsage) yield { ...head, object: 'text_completion', choices: [], usage: run.result.usage };
}
