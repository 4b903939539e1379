// The engine a web developer creates, in WebLLM's shape: `await CreateEngine(model, options)`,
// then engine.chat.completions.create(...) / completions.create(...), reload(model), unload(),
// interruptGenerate(), getMessage(), runtimeStatsText(), getRuntimeStats(). The same in a page,
// a worker and Node; the backend (CPU in wasm, WebGPU) is picked by createEngine.
import type { ThreadsOption } from '../core.mjs';
import { createEngine, type Engine, type ModelInfo, type Pooling } from '../engine.mjs';
import { HearthError } from '../errors.mjs';

import { openModel, type CacheKind, type ModelRecord } from '../download/index.mjs';
import type { ModelArgument } from '../download/resolve_model.mjs';
import { OpenAIEngine, type ChatEngine } from './openai_engine.mjs';
import type { ContextOverflow } from './types.mjs';

/** WebLLM's InitProgressReport. */
export interface InitProgressReport {
  /** 0 to 1. */
  progress: number;
  /** Seconds since the load began. */
  timeElapsed: number;
  text: string;
  /** hearth's: while the file downloads, its bytes so far, total (0 until known) and the seconds
   * left at this download's rate (null until it can be estimated). */
  download?: { loaded: number; total: number; etaSeconds: number | null };
}

/** What is loaded (modelInfo()): the model's id, the backend it runs on and its ModelInfo. */
export interface LoadedModel extends ModelInfo {
  model_id: string;
  backend: 'cpu' | 'webgpu';
}

export interface EngineOptions {
  /** 'auto' (WebGPU when an adapter can be had, else the CPU), 'webgpu' or 'cpu'; default 'auto'. */
  backend?: 'auto' | 'webgpu' | 'cpu';
  initProgressCallback?: (report: InitProgressReport) => void;
  /** WebLLM's appConfig: its model_list is the catalog model ids are looked up in. */
  appConfig?: { model_list?: readonly ModelRecord[] };
  /** The catalog model ids are looked up in (default: the built-in one); wins over appConfig. */
  catalog?: readonly ModelRecord[];
  /** Where downloads are cached: 'auto' (default: Cache Storage in browsers, 'fs' under Node),
   * 'cache-storage', 'opfs', 'fs' or 'none'. */
  cache?: CacheKind | 'auto';
  /** fs cache: its directory (default $HEARTH_CACHE_DIR or ~/.cache/hearth). */
  cacheDir?: string;
  /** Aborts the download. */
  signal?: AbortSignal;
  /** Context size; 0 or absent = min(trained context, 4096). */
  nCtx?: number;
  /** Replaces the file's pooling type (a decoder then embeds; an embedding model pools another way). */
  pooling?: Pooling;
  /** A chat prompt that does not fit: 'error' (default) or 'drop_oldest' (a request may override). */
  contextOverflow?: ContextOverflow;
  /** CPU threads where the CPU runs the model (core.mts resolveThreads). */
  threads?: ThreadsOption;
  /** A Jinja chat template for requests that give none, instead of the model's (e.g. for a model
   * without one); wins over a catalog record's chat_template. */
  chatTemplate?: string;
}

export class HearthEngine extends OpenAIEngine {
  #options: EngineOptions;
  #modelId: string | null = null;

  constructor(options: EngineOptions = {}) {
    super(null, options.contextOverflow ? { contextOverflow: options.contextOverflow } : {});
    this.#options = options;
  }

  /** The loaded model's id (null when none is). */
  get modelId(): string | null {
    return this.#modelId;
  }

  /** Loads `model` (a catalog id or record, URL, path, Blob/File or bytes: download/'s openModel),
   * replacing the one loaded; options given here override the engine's. On failure no model is
   * loaded. */
  async reload(model: ModelArgument, options: EngineOptions = {}): Promise<void> {
    const opts = (this.#options = { ...this.#options, ...options });
    this.unload();
    const t0 = performance.now();
    const report = (progress: number, text: string, download?: InitProgressReport['download']): void =>
      opts.initProgressCallback?.({ progress, timeElapsed: (performance.now() - t0) / 1000, text, ...(download ? { download } : {}) });
    report(0, 'Opening the model');
    const catalog = opts.catalog ?? opts.appConfig?.model_list;
    const { source, id, record } = await openModel(model, {
      ...(catalog ? { catalog } : {}),
      ...(opts.cache !== undefined ? { cache: opts.cache } : {}),
      ...(opts.cacheDir !== undefined ? { cacheDir: opts.cacheDir } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      // the download is the first 90% of the load
      onProgress: (p) => report(0.9 * p.progress, p.text, { loaded: p.loaded, total: p.total, etaSeconds: p.etaSeconds }),
    });
    let engine: Engine | null = null;
    try {
      report(0.9, `Loading ${id} (${(source.size / (1 << 20)).toFixed(1)} MiB)`);
      // 'auto': WebGPU when an adapter can be had, else the CPU (createEngine decides); the source
      // streams into GPU buffers, or is read whole into wasm memory for the CPU
      const cpuOptions = opts.threads === undefined ? {} : { threads: opts.threads };
      const loadOptions = { nCtx: opts.nCtx ?? 0, ...(opts.pooling ? { pooling: opts.pooling } : {}) };
      engine = await createEngine(opts.backend ?? 'auto', cpuOptions);
      try {
        await engine.load(source, loadOptions);
      } catch (e) {
        // 'auto' runs on the CPU what the WebGPU backend cannot (a weight type without a kernel, an
        // op it lacks); the CPU's own refusal, if any, is then the error
        if ((opts.backend ?? 'auto') !== 'auto' || engine.backend !== 'webgpu' || !(e instanceof HearthError) || e.type !== 'unsupported') throw e;
        engine.dispose();
        engine = await createEngine('cpu', cpuOptions);
        await engine.load(source, loadOptions);
      }
    } catch (e) {
      engine?.dispose();
      throw e;
    } finally {
      await source.close?.();
    }
    this.setEngine(engine as ChatEngine, {
      model: id,
      ...(opts.contextOverflow ? { contextOverflow: opts.contextOverflow } : {}),
      chatTemplate: opts.chatTemplate ?? record?.chat_template ?? null,
    });
    this.#modelId = id;
    report(1, `Finish loading ${id} on ${engine.backend} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  }

  /** The loaded model's id, backend and ModelInfo; null when none is loaded. */
  modelInfo(): LoadedModel | null {
    let engine: ChatEngine;
    try {
      engine = this.engine;
    } catch {
      return null;
    }
    const info = engine.info;
    if (!info || this.#modelId === null) return null;
    return { ...info, model_id: this.#modelId, backend: engine.backend };
  }

  /** Frees the model; requests fail until the next reload(). */
  unload(): void {
    let current: ChatEngine | null = null;
    try {
      current = this.engine;
    } catch {
      // none loaded
    }
    this.setEngine(null);
    this.#modelId = null;
    current?.dispose();
  }
}

/** WebLLM's CreateMLCEngine, for hearth: an engine with `model` loaded. */
export async function CreateEngine(model: ModelArgument, options: EngineOptions = {}): Promise<HearthEngine> {
  const engine = new HearthEngine(options);
  await engine.reload(model);
  return engine;
}

