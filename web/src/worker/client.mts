// The page side of a worker engine: the OpenAI-style engine API (chat.completions.create,
// completions.create, reload, unload, interruptGenerate, getMessage, runtimeStatsText) proxied to a
// handler in a Web Worker or a Service Worker over postMessage (protocol.mts).
//
// A streaming create() resolves to an async iterable of the chunks the worker posts; leaving the
// loop early or aborting `signal` sends an abort, and the worker's engine ends the generation
// (finish_reason 'abort'). Errors are rethrown as the handler's classes. When the handler answers
// NOT_LOADED (a restarted service worker lost its engine), the client reloads the last model with
// the last options and retries the call once.
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from '../openai/embeddings.mjs';
import { HearthError } from '../errors.mjs';
import type {
  ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Completion, CompletionChunk, CompletionRequest, RequestOptions,
} from '../openai/types.mjs';
import type { LoadedModel } from '../openai/hearth_engine.mjs';
import type { WorkerEngineOptions, WorkerModel } from './engine_handler.mjs';
import {
  CHANNEL, LOST, NOT_LOADED, errorFromPayload, isHandlerMessage, type ClientMessage, type HandlerMessage, type Method, type ProgressReport,
} from './protocol.mjs';

/** How a client reaches its handler. */
export interface WorkerChannel {
  post(message: ClientMessage): void;
  listen(listener: (message: unknown) => void): void;
  /** Calls `listener` if the worker fails as a whole (its script did not load, it crashed). */
  onFailure?(listener: (error: HearthError) => void): void;
}

interface Pending {
  onProgress?: ((report: ProgressReport) => void) | undefined;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  /** Set once the handler said a stream started: chunks and the end go here. */
  stream?: ChunkQueue;
}

/** Chunks posted by the worker, read by one async iterator. */
class ChunkQueue implements AsyncIterable<unknown> {
  #items: unknown[] = [];
  #done = false;
  #error: unknown = null;
  #wake: (() => void) | null = null;
  readonly #onReturn: () => void;

  constructor(onReturn: () => void) {
    this.#onReturn = onReturn;
  }

  push(item: unknown): void {
    this.#items.push(item);
    this.#notify();
  }
  end(error: unknown = null): void {
    this.#done = true;
    this.#error = error;
    this.#notify();
  }
  #notify(): void {
    this.#wake?.();
    this.#wake = null;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<unknown, void, undefined> {
    let finished = false;
    try {
      for (;;) {
        if (this.#items.length > 0) {
          yield this.#items.shift();
          continue;
        }
        if (this.#done) {
          finished = true;
          if (this.#error) throw this.#error;
          return;
        }
        await new Promise<void>((wake) => (this.#wake = wake));
      }
    } finally {
      if (!finished) this.#onReturn(); // the consumer left early: stop the worker's generation
    }
  }
}

const isNotLoaded = (e: unknown): boolean => (e as { code?: unknown })?.code === NOT_LOADED;

export class WorkerEngine {
  readonly chat: { completions: { create: WorkerEngine['createChatCompletion'] } };
  readonly completions: { create: WorkerEngine['createCompletion'] };
  readonly embeddings: { create: WorkerEngine['createEmbedding'] };
  readonly #port: WorkerChannel;
  readonly #pending = new Map<string, Pending>();
  #model: WorkerModel | null = null;
  #options: WorkerEngineOptions = {};
  #heartbeat: ReturnType<typeof setInterval> | null = null;

  /** heartbeatMs > 0: ping the handler that often (see #beat); for service workers. */
  constructor(port: WorkerChannel, heartbeatMs = 0) {
    this.#port = port;
    port.listen((m) => this.#receive(m));
    port.onFailure?.((error) => this.#failAll(error));
    this.chat = { completions: { create: this.createChatCompletion.bind(this) } };
    this.completions = { create: this.createCompletion.bind(this) };
    this.embeddings = { create: this.createEmbedding.bind(this) };
    if (heartbeatMs > 0) this.#heartbeat = setInterval(() => void this.#beat(), heartbeatMs);
  }

  /** Stops the heartbeat (the handler and its model stay). */
  close(): void {
    if (this.#heartbeat !== null) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  /**
   * A service worker's heartbeat: each ping is an event that keeps an idle worker from being
   * stopped (with its model), and the reply lists the calls the handler is answering. A call sent
   * before the ping (messages keep their order) that is neither answered nor listed was lost with a
   * stopped worker: it fails with LOST instead of waiting forever.
   */
  async #beat(): Promise<void> {
    const asked = [...this.#pending.keys()];
    let running: string[];
    try {
      running = (await this.#call('ping', [])) as string[];
    } catch {
      return;
    }
    const lost = new HearthError('internal', 'the service worker was stopped before it answered this call');
    Object.assign(lost, { code: LOST });
    for (const id of asked) {
      const p = this.#pending.get(id);
      if (!p || running.includes(id)) continue;
      this.#pending.delete(id);
      if (p.stream) p.stream.end(lost);
      else p.reject(lost);
    }
  }

  /** Loads `model` in the worker: a URL (resolved by the worker), model id, ModelRecord, or a
   * Blob/File (e.g. from a file picker; read in ranges, never copied whole into the page). */
  async reload(model: WorkerModel, options: WorkerEngineOptions = {}): Promise<void> {
    this.#model = model;
    this.#options = options;
    try {
      await this.#reloadCall();
    } catch (e) {
      this.#model = null; // nothing is loaded: calls fail 'not loaded' instead of retrying a failing reload
      throw e;
    }
  }

  /** The callback stays here; the worker gets the plain-data options and posts progress back. */
  #reloadCall(): Promise<unknown> {
    const { initProgressCallback, ...data } = this.#options;
    return this.#call('reload', [this.#model, data], undefined, initProgressCallback);
  }

  async unload(): Promise<void> {
    this.#model = null;
    await this.#call('unload', []);
  }

  /** Ends every generation running in the worker (finish_reason 'abort'). */
  async interruptGenerate(): Promise<void> {
    await this.#call('interruptGenerate', []);
  }

  /** The text of the last message the worker generated. */
  async getMessage(): Promise<string> {
    return (await this.#retrying('getMessage', [])) as string;
  }

  async runtimeStatsText(): Promise<string> {
    return (await this.#retrying('runtimeStatsText', [])) as string;
  }

  /** The loaded model's id, backend and ModelInfo; null when the worker holds none. */
  async modelInfo(): Promise<LoadedModel | null> {
    return (await this.#call('modelInfo', [])) as LoadedModel | null;
  }

  createChatCompletion(request: ChatCompletionRequest & { stream: true }, options?: RequestOptions): Promise<AsyncIterable<ChatCompletionChunk>>;
  createChatCompletion(request: ChatCompletionRequest & { stream?: false | null }, options?: RequestOptions): Promise<ChatCompletion>;
  createChatCompletion(request: ChatCompletionRequest, options?: RequestOptions): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>>;
  createChatCompletion(request: ChatCompletionRequest, options: RequestOptions = {}): Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>> {
    return this.#retrying('chat.completions.create', [request], options.signal) as Promise<ChatCompletion | AsyncIterable<ChatCompletionChunk>>;
  }

  createCompletion(request: CompletionRequest & { stream: true }, options?: RequestOptions): Promise<AsyncIterable<CompletionChunk>>;
  createCompletion(request: CompletionRequest & { stream?: false | null }, options?: RequestOptions): Promise<Completion>;
  createCompletion(request: CompletionRequest, options?: RequestOptions): Promise<Completion | AsyncIterable<CompletionChunk>>;
  createCompletion(request: CompletionRequest, options: RequestOptions = {}): Promise<Completion | AsyncIterable<CompletionChunk>> {
    return this.#retrying('completions.create', [request], options.signal) as Promise<Completion | AsyncIterable<CompletionChunk>>;
  }

  /** OpenAI's embeddings.create, computed in the worker (an embedding model runs on its CPU). */
  createEmbedding(request: EmbeddingCreateParams): Promise<CreateEmbeddingResponse> {
    return this.#retrying('embeddings.create', [request]) as Promise<CreateEmbeddingResponse>;
  }

  /** A call; after NOT_LOADED, one reload of the last model and one retry. */
  async #retrying(method: Method, params: unknown[], signal?: AbortSignal): Promise<unknown> {
    try {
      return await this.#call(method, params, signal);
    } catch (e) {
      if (!isNotLoaded(e) || this.#model === null) throw e;
      await this.#reloadCall();
      return this.#call(method, params, signal);
    }
  }

  #call(method: Method, params: unknown[], signal?: AbortSignal, onProgress?: (report: ProgressReport) => void): Promise<unknown> {
    const id = globalThis.crypto.randomUUID();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, onProgress });
      try {
        this.#port.post({ channel: CHANNEL, kind: 'call', id, method, params });
      } catch (e) {
        this.#pending.delete(id);
        throw e;
      }
      if (signal) {
        const abort = (): void => this.#port.post({ channel: CHANNEL, kind: 'abort', id });
        if (signal.aborted) abort();
        else signal.addEventListener('abort', abort, { once: true });
      }
    });
  }

  /** Every call waiting for an answer fails with `error` (none will come). */
  #failAll(error: HearthError): void {
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      if (p.stream) p.stream.end(error);
      else p.reject(error);
    }
  }

  #receive(message: unknown): void {
    if (!isHandlerMessage(message)) return;
    const m = message as HandlerMessage;
    const p = this.#pending.get(m.id);
    if (!p) return;
    switch (m.kind) {
      case 'result':
        if ((m.value as { stream?: unknown } | null)?.stream === true) {
          p.stream = new ChunkQueue(() => this.#port.post({ channel: CHANNEL, kind: 'abort', id: m.id }));
          p.resolve(p.stream);
        } else {
          this.#pending.delete(m.id);
          p.resolve(m.value);
        }
        return;
      case 'chunk':
        p.stream?.push(m.chunk);
        return;
      case 'progress':
        p.onProgress?.(m.report);
        return;
      case 'end':
        this.#pending.delete(m.id);
        p.stream?.end();
        return;
      case 'error': {
        this.#pending.delete(m.id);
        const error: HearthError = errorFromPayload(m.error);
        if (p.stream) p.stream.end(error);
        else p.reject(error);
        return;
      }
    }
  }
}

/** The channel to a dedicated Web Worker (its failures fail every waiting call). */
export function webWorkerChannel(worker: Worker): WorkerChannel {
  return {
    post: (m) => worker.postMessage(m),
    listen: (l) => worker.addEventListener('message', (e) => l(e.data)),
    onFailure: (l) =>
      worker.addEventListener('error', (e) => {
        e.preventDefault();
        l(new HearthError('internal', `the engine's worker failed: ${e.message || 'its script could not be loaded or threw'}`));
      }),
  };
}

/** The channel to the page's controlling Service Worker, once there is one. */
export async function serviceWorkerChannel(): Promise<WorkerChannel> {
  const sw = globalThis.navigator?.serviceWorker;
  if (!sw) throw new HearthError('unsupported', 'this context has no service workers');
  await sw.ready;
  if (!sw.controller) await new Promise<void>((ok) => sw.addEventListener('controllerchange', () => ok(), { once: true }));
  return {
    // the controller as of each call: a restarted or updated service worker is reached all the same
    post: (m) => {
      const controller = sw.controller;
      if (!controller) throw new HearthError('unsupported', 'no service worker controls this page (register one running ServiceWorkerEngineHandler)');
      controller.postMessage(m);
    },
    listen: (l) => {
      sw.addEventListener('message', (e) => l(e.data));
      sw.startMessages(); // addEventListener alone leaves messages queued until the page has loaded
    },
  };
}

/** A dedicated Web Worker whose module runs `new WebWorkerEngineHandler()`; resolves once `model`
 * is loaded there. */
export async function CreateWebWorkerEngine(worker: Worker, model: WorkerModel, options: WorkerEngineOptions = {}): Promise<WorkerEngine> {
  const engine = new WorkerEngine(webWorkerChannel(worker));
  await engine.reload(model, options);
  return engine;
}

/** The page's controlling Service Worker, whose script runs `new ServiceWorkerEngineHandler()`
 * (register it first); resolves once `model` is loaded there. heartbeatMs: how often the client
 * pings the worker (keeps it alive, detects calls lost with a stopped worker); 0 = never. */
export async function CreateServiceWorkerEngine(model: WorkerModel, options: WorkerEngineOptions = {}, heartbeatMs = 10_000): Promise<WorkerEngine> {
  const engine = new WorkerEngine(await serviceWorkerChannel(), heartbeatMs);
  await engine.reload(model, options);
  return engine;
}
