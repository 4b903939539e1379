// The worker side of a worker engine, whatever the worker: holds one OpenAI-style engine and answers
// the client's calls (protocol.mts) with it. WebWorkerEngineHandler and ServiceWorkerEngineHandler
// only add their transport.
//
// The engine is called generically: a method it has (reload, unload, interruptGenerate, getMessage,
// runtimeStatsText) is used; one it lacks is done here — reload makes a new engine with the factory
// (by default CreateEngine: the model's id, URL or path through download/'s openModel and its cache,
// the backend picked by createEngine), unload
// disposes it, interruptGenerate aborts the running requests, getMessage and runtimeStatsText come
// from the last request this handler served.
import { fileSource, readAll } from '../byte_source.mjs';
import type { ThreadsOption } from '../core.mjs';
import { createEngine, type Backend } from '../engine.mjs';
import { nextTask } from '../next_task.mjs';
import { HearthError } from '../errors.mjs';
import { CreateEngine, type EngineOptions } from '../openai/hearth_engine.mjs';
import { OpenAIEngine } from '../openai/openai_engine.mjs';
import type { CompletionUsage, RequestOptions } from '../openai/types.mjs';
import type { ModelRecord } from '../models/model_record.mjs';
import {
  CHANNEL, NOT_LOADED, STREAM_STARTED, errorPayload, isClientMessage, type HandlerMessage, type Method, type ProgressReport,
} from './protocol.mjs';

/** Options a client passes to reload; they cross postMessage, so plain data only. */
export interface WorkerEngineOptions {
  /** Default 'auto': WebGPU when the worker can get an adapter, else the CPU. */
  backend?: Backend;
  nCtx?: number;
  /** CPU threads where the CPU runs the model (core.mts resolveThreads; default 'auto' in browsers). */
  threads?: ThreadsOption;
  /** Called with loading progress; on the client it stays in the page, and the handler gives the
   * engine a callback that posts each report back. */
  initProgressCallback?: (report: ProgressReport) => void;
  [key: string]: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- requests are validated by the engine
type Create = (request: any, options?: RequestOptions) => Promise<unknown>;

/** What the handler needs of an engine; the optional methods have fallbacks here. */
export interface ServedEngine {
  chat: { completions: { create: Create } };
  completions: { create: Create };
  /** Absent: 'embeddings.create' answers unsupported. */
  embeddings?: { create: (request: any) => Promise<unknown> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  reload?(model: WorkerModel, options?: WorkerEngineOptions): Promise<void> | void;
  unload?(): Promise<void> | void;
  interruptGenerate?(): void;
  getMessage?(): Promise<string> | string;
  runtimeStatsText?(): Promise<string> | string;
  modelInfo?(): unknown;
  /** OpenAIEngine's underlying Engine, disposed by the fallback unload. */
  engine?: { dispose(): void };
}

/** What a client may ask a worker to load: a model id, URL or path; a catalog record (plain data,
 * e.g. with its own chat_template); or a Blob/File (structured-cloned: a File stays a reference to
 * the user's disk, so it is read in ranges, not copied whole). */
export type WorkerModel = string | ModelRecord | Blob;

/** Makes the engine of a first reload (later ones call the engine's own reload when it has one). */
export type EngineFactory = (model: WorkerModel, options: WorkerEngineOptions) => Promise<ServedEngine>;

/** The default factory: CreateEngine, so a worker gets what a page gets — catalog ids, URLs (relative
 * ones against the worker's script), Node paths, the download cache (options.cache / cacheDir), the
 * context-overflow policy. `options` are plain data from the client. */
export const hearthEngineFactory: EngineFactory = async (model, options) => {
  if (typeof model !== 'string') return CreateEngine(model, options as EngineOptions);
  const isUrlPath = !isNode && !/^[a-z][a-z0-9+.-]*:/i.test(model) && /[/.]/.test(model);
  const resolved = isUrlPath ? new URL(model, globalThis.location?.href).href : model;
  return CreateEngine(resolved, options as EngineOptions);
};

/** A factory without the download layer: `model` is a URL of a GGUF file (relative to the worker's
 * script), or under Node (worker_threads) a file path, fetched whole on every load (no cache). */
export const fetchEngineFactory: EngineFactory = async (model, options) => {
  if (typeof model !== 'string') throw new HearthError('invalid_argument', 'fetchEngineFactory loads URLs and paths only, not files or records');
  const t0 = performance.now();
  const report = (progress: number, text: string): void =>
    options.initProgressCallback?.({ progress, timeElapsed: (performance.now() - t0) / 1000, text });
  report(0, `Fetching ${model}`);
  const bytes = await modelBytes(model);
  report(0.5, `Loading ${model} (${(bytes.length / (1 << 20)).toFixed(1)} MiB)`);
  const engine = await createEngine(options.backend ?? 'auto', { threads: options.threads });
  try {
    await engine.load(bytes, options.nCtx === undefined ? {} : { nCtx: options.nCtx });
  } catch (e) {
    engine.dispose();
    throw e;
  }
  report(1, `Finish loading ${model} on ${engine.backend} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  if (!('chatPrompt' in engine)) throw new HearthError('internal', `the ${engine.backend} engine cannot render chat prompts`);
  const name = model.split(/[/\\]/).pop() || model;
  return new OpenAIEngine(engine as ConstructorParameters<typeof OpenAIEngine>[0], { model: name });
};

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

async function modelBytes(model: string): Promise<Uint8Array> {
  if (isNode && !/^https?:/.test(model)) {
    const file = await fileSource(model);
    try {
      return await readAll(file);
    } finally {
      await file.close?.();
    }
  }
  const url = new URL(model, globalThis.location?.href);
  try {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return new Uint8Array(await r.arrayBuffer());
  } catch (e) {
    throw new HearthError('io_error', `could not fetch the model ${url.href}: ${(e as Error).message}`);
  }
}

const notLoaded = (): HearthError =>
  Object.assign(new HearthError('invalid_argument', 'no model is loaded in the worker (call reload first)'), { code: NOT_LOADED });

const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> =>
  typeof v === 'object' && v !== null && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';

type Reply = (message: HandlerMessage) => void;

export class EngineHandler {
  engine: ServedEngine | null = null;
  readonly #factory: EngineFactory;
  #loaded: string | null = null; // model + options of the engine, to skip a reload that changes nothing
  /** The reload in progress and its key: calls wait for it, and the same reload asked again (two
   * clients of a restarted service worker) joins it instead of loading twice. */
  #reloading: { key: string; done: Promise<unknown> } | null = null;
  readonly #running = new Map<string, AbortController>();
  #lastMessage = '';
  #lastUsage: CompletionUsage | null = null;

  constructor(factory: EngineFactory = hearthEngineFactory) {
    this.#factory = factory;
  }

  /** Handles one message from a client (others are ignored); replies go through `reply`. Resolves
   * when the call is fully answered (a service worker keeps itself alive until then). */
  async handle(message: unknown, reply: Reply): Promise<void> {
    if (!isClientMessage(message)) return;
    if (message.kind === 'abort') {
      this.#running.get(message.id)?.abort();
      return;
    }
    const { id, method, params } = message;
    const controller = new AbortController();
    this.#running.set(id, controller);
    try {
      const progress = (report: ProgressReport): void => reply({ channel: CHANNEL, kind: 'progress', id, report });
      const value = await this.#call(method, params, controller.signal, progress);
      if (!isAsyncIterable(value)) {
        reply({ channel: CHANNEL, kind: 'result', id, value });
        return;
      }
      reply({ channel: CHANNEL, kind: 'result', id, value: STREAM_STARTED });
      let content = '';
      for await (const chunk of value) {
        content += chunkText(chunk);
        const usage = (chunk as { usage?: CompletionUsage }).usage;
        if (usage) this.#lastUsage = usage;
        reply({ channel: CHANNEL, kind: 'chunk', id, chunk });
        // the CPU engine steps without ever waiting on a task: let an abort message in between chunks
        await nextTask();
      }
      this.#lastMessage = content;
      reply({ channel: CHANNEL, kind: 'end', id });
    } catch (e) {
      reply({ channel: CHANNEL, kind: 'error', id, error: errorPayload(e) });
    } finally {
      this.#running.delete(id);
    }
  }

  async #call(method: Method, params: unknown[], signal: AbortSignal, progress: (r: ProgressReport) => void): Promise<unknown> {
    switch (method) {
      case 'reload':
        return this.#reload(params[0] as WorkerModel, (params[1] ?? {}) as WorkerEngineOptions, progress);
      case 'unload':
        return this.#unload();
      case 'interruptGenerate':
        this.engine?.interruptGenerate?.();
        for (const [, c] of this.#running) c.abort();
        return null;
      case 'getMessage':
        await this.#settled();
        return this.#engine().getMessage ? await this.#engine().getMessage!() : this.#lastMessage;
      case 'modelInfo':
        await this.#settled();
        return this.engine?.modelInfo?.() ?? null;
      case 'ping':
        return [...this.#running.keys()];
      case 'runtimeStatsText':
        await this.#settled();
        return this.#engine().runtimeStatsText ? await this.#engine().runtimeStatsText!() : statsText(this.#lastUsage);
      case 'chat.completions.create':
      case 'completions.create': {
        await this.#settled();
        const engine = this.#engine();
        const result = method === 'chat.completions.create'
          ? await engine.chat.completions.create(params[0], { signal })
          : await engine.completions.create(params[0], { signal });
        if (isAsyncIterable(result)) return result;
        this.#lastMessage = resultText(result);
        this.#lastUsage = (result as { usage?: CompletionUsage }).usage ?? null;
        return result;
      }
      case 'embeddings.create': {
        await this.#settled();
        const engine = this.#engine();
        if (!engine.embeddings) throw new HearthError('unsupported', 'this engine does not compute embeddings');
        return engine.embeddings.create(params[0]);
      }
      default:
        throw new HearthError('invalid_argument', `unknown engine method '${String(method)}'`);
    }
  }

  /** Resolves once no reload is in progress (whether it succeeded or not). */
  async #settled(): Promise<void> {
    while (this.#reloading) await this.#reloading.done.catch(() => undefined);
  }

  #engine(): ServedEngine {
    if (!this.engine) throw notLoaded();
    return this.engine;
  }

  async #reload(model: WorkerModel, data: WorkerEngineOptions, progress: (r: ProgressReport) => void): Promise<null> {
    const key = reloadKey(model, data);
    // the check and the claim below run without an await between them: one reload at a time
    while (this.#reloading) {
      if (this.#reloading.key === key) {
        await this.#reloading.done;
        return null;
      }
      await this.#reloading.done.catch(() => undefined);
    }
    if (this.engine && this.#loaded === key) return null; // another client of a shared worker loaded it already
    const done = this.#load(model, key, data, progress);
    this.#reloading = { key, done };
    try {
      await done;
    } finally {
      if (this.#reloading?.done === done) this.#reloading = null;
    }
    return null;
  }

  async #load(model: WorkerModel, key: string, data: WorkerEngineOptions, progress: (r: ProgressReport) => void): Promise<void> {
    for (const [, c] of this.#running) c.abort();
    const options: WorkerEngineOptions = { ...data, initProgressCallback: progress };
    if (this.engine?.reload) {
      this.#loaded = null;
      try {
        await this.engine.reload(model, options);
      } catch (e) {
        // a failed reload leaves the engine without a model: drop it, so calls answer 'not loaded'
        // (the client's cue to reload) until a reload succeeds
        this.engine = null;
        throw e;
      }
    } else {
      await this.#unload();
      this.engine = await this.#factory(model, options);
    }
    this.#loaded = key;
  }

  async #unload(): Promise<null> {
    for (const [, c] of this.#running) c.abort();
    const engine = this.engine;
    this.engine = null;
    this.#loaded = null;
    if (engine?.unload) await engine.unload();
    else engine?.engine?.dispose();
    return null;
  }
}

const isBlob = (m: unknown): m is Blob => typeof Blob !== 'undefined' && m instanceof Blob;

/** What identifies a reload (the same one asked twice loads once); HearthError for a model that is
 * none of WorkerModel's kinds. A File is named by name, size and mtime: a changed file reloads. */
function reloadKey(model: WorkerModel, data: WorkerEngineOptions): string {
  if (typeof model === 'string' && model.length > 0) return JSON.stringify([model, data]);
  if (isBlob(model)) {
    const f = model as Blob & { name?: string; lastModified?: number };
    return JSON.stringify([{ blob: f.name ?? '', size: f.size, mtime: f.lastModified ?? 0 }, data]);
  }
  if (typeof model === 'object' && model !== null && typeof (model as ModelRecord).url === 'string') return JSON.stringify([model, data]);
  throw new HearthError('invalid_argument', 'reload needs a model: a URL, model id or path, a ModelRecord, or a Blob/File of a GGUF file');
}

function chunkText(chunk: unknown): string {
  const choice = (chunk as { choices?: Array<{ delta?: { content?: string }; text?: string }> }).choices?.[0];
  return choice?.delta?.content ?? choice?.text ?? '';
}

function resultText(result: unknown): string {
  const choice = (result as { choices?: Array<{ message?: { content?: string }; text?: string }> }).choices?.[0];
  return choice?.message?.content ?? choice?.text ?? '';
}

/** WebLLM's runtimeStatsText shape, from the last request's usage. */
function statsText(usage: CompletionUsage | null): string {
  if (!usage) return 'no request served yet';
  const x = usage.extra;
  return `prefill: ${x.prefill_tokens_per_s.toFixed(4)} tokens/sec, decoding: ${x.decode_tokens_per_s.toFixed(4)} tokens/sec`;
}
