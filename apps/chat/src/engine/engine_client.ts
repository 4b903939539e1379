// The page's handle on the engine in its Web Worker: load a model (with progress, cancellable),
// stream a chat reply, stop it. The one owner of the worker: a cancelled load terminates it (the
// only way to stop a download inside it) and the next load starts a fresh one; the partial
// download stays in the cache and resumes.
import { CreateWebWorkerEngine, HearthError, type LoadedModel, type WorkerEngine, type WorkerModel } from 'hearth';
import type { ChatCompletionChunk, ChatCompletionRequest } from 'hearth';

export interface LoadOptions {
  backend: 'auto' | 'webgpu' | 'cpu';
  /** 0 = the engine's default */
  nCtx: number;
}

export interface LoadProgress {
  /** 0..1 over the whole load (download, then upload to the GPU or wasm memory). */
  fraction: number;
  text: string;
  download?: { loaded: number; total: number; etaSeconds: number | null; bytesPerSecond: number | null };
}

export class EngineClient {
  #worker: Worker | null = null;
  #engine: WorkerEngine | null = null;
  #cancel: ((e: Error) => void) | null = null;
  loaded: LoadedModel | null = null;

  /** Loads `model` in the worker, replacing what was loaded; rejects with the engine's typed error
   * (or 'aborted' after cancelLoad). */
  async load(model: WorkerModel, options: LoadOptions, onProgress: (p: LoadProgress) => void): Promise<LoadedModel> {
    this.cancelLoad();
    this.loaded = null;
    const rate = new RateMeter();
    const report = (r: { progress: number; text: string; download?: { loaded: number; total: number; etaSeconds: number | null } }): void =>
      onProgress({
        fraction: r.progress,
        text: r.text,
        ...(r.download ? { download: { ...r.download, bytesPerSecond: rate.sample(r.download.loaded) } } : {}),
      });
    const data = { backend: options.backend, ...(options.nCtx > 0 ? { nCtx: options.nCtx } : {}), initProgressCallback: report };
    const cancelled = new Promise<never>((_, reject) => (this.#cancel = reject));
    const loading = (async () => {
      if (this.#engine) {
        await this.#engine.reload(model, data);
        return this.#engine;
      }
      this.#worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' });
      return (this.#engine = await CreateWebWorkerEngine(this.#worker, model, data));
    })();
    try {
      const engine = await Promise.race([loading, cancelled]);
      const info = await engine.modelInfo();
      if (!info) throw new HearthError('internal', 'the worker loaded the model but reports none');
      return (this.loaded = info);
    } finally {
      this.#cancel = null;
    }
  }

  /** Stops a load in progress: the worker (and its download) ends; load() rejects with 'aborted'. */
  cancelLoad(): void {
    if (!this.#cancel) return;
    const cancel = this.#cancel;
    this.#cancel = null;
    this.#terminate();
    cancel(new HearthError('aborted', 'the download was cancelled; it resumes where it stopped when you load the model again'));
  }

  /** Ends the worker and its engine (after a lost GPU device, a fresh worker gets a fresh device). */
  #terminate(): void {
    this.#engine?.close();
    this.#worker?.terminate();
    this.#worker = null;
    this.#engine = null;
    this.loaded = null;
  }

  /** Starts over with a fresh worker (the next load creates it). */
  reset(): void {
    this.#terminate();
  }

  /** A streamed chat reply: chunks as the engine posts them (the last carries usage). Aborting
   * `signal` ends it with finish_reason 'abort'. */
  async chat(request: ChatCompletionRequest, signal: AbortSignal): Promise<AsyncIterable<ChatCompletionChunk>> {
    if (!this.#engine || !this.loaded) throw new HearthError('invalid_argument', 'no model is loaded');
    return this.#engine.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } }, { signal });
  }
}

/** Download speed over the last few seconds, from successive byte counts. */
class RateMeter {
  #samples: { t: number; bytes: number }[] = [];

  sample(bytes: number): number | null {
    const t = performance.now();
    this.#samples.push({ t, bytes });
    while (this.#samples.length > 2 && t - this.#samples[0]!.t > 3000) this.#samples.shift();
    const first = this.#samples[0]!;
    const dt = (t - first.t) / 1000;
    return dt > 0.2 && bytes >= first.bytes ? (bytes - first.bytes) / dt : null;
  }
}
