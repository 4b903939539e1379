// Models in: openModel turns a catalog id, URL, File/Blob, bytes or (Node) path into a ByteSource
// the engines read in ranges, downloading and caching what comes from the network; plus the cache
// management calls. This is the interface CreateEngine/reload use.
import type { ByteSource } from '../byte_source.mjs';
import { HearthError } from '../errors.mjs';
import { modelCatalog } from '../models/catalog.mjs';
import type { ModelRecord } from '../models/model_record.mjs';
import { getCacheBackend, lockName } from './backends.mjs';
import type { CacheBackend, CacheKind } from './cache_backend.mjs';
import { downloadToEntry } from './download.mjs';
import { withLock } from './lock.mjs';
import type { DownloadProgress } from './progress.mjs';
import { resolveModel } from './resolve_model.mjs';
import type { ModelArgument } from './resolve_model.mjs';
import { isSha256Hex } from './sha256.mjs';
import { sha256OfSource, verifySource } from './verify.mjs';

export type { ModelRecord } from '../models/model_record.mjs';
export type { DownloadProgress } from './progress.mjs';
export type { CacheKind, CachedModel } from './cache_backend.mjs';
export { QuotaExceededError } from './quota.mjs';
export { FAMILY_ARCHITECTURE, findModel, modelCatalog } from '../models/catalog.mjs';
export { vramRequiredMB, kvCacheBytes, DEFAULT_CONTEXT } from '../models/vram.mjs';
export { Sha256, sha256Hex } from './sha256.mjs';

export interface CacheOptions {
  /** Where downloads are kept: 'auto' (default) is Cache Storage in browsers and 'fs' under Node. */
  cache?: CacheKind | 'auto';
  /** fs backend: the cache directory (default $HEARTH_CACHE_DIR or ~/.cache/hearth). */
  cacheDir?: string;
  /** cache-storage: bytes per chunk entry (default 32 MiB); an interrupted download resumes at the last whole chunk. */
  cacheChunkBytes?: number;
  /** Where model ids are looked up (default: the built-in modelCatalog). */
  catalog?: readonly ModelRecord[];
}

export interface OpenModelOptions extends CacheOptions {
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Expected hex sha256 of the file (overrides the record's). */
  sha256?: string;
  fetch?: typeof fetch;
  /** Retries of a failed request or dropped connection, each resuming where it stopped (default 3). */
  retries?: number;
  /** Delay before retry k: k times this (default 500 ms). */
  retryDelayMs?: number;
}

function label(url: string, record: ModelRecord | null): string {
  if (record) return record.model_id;
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') || url;
  } catch {
    return url;
  }
}

export interface OpenedModel {
  source: ByteSource;
  /** The catalog record (the given one, or the catalog's for its id or URL); null otherwise. */
  record: ModelRecord | null;
  /** The name the model goes by: the record's model_id, else the file name without .gguf
   * ('model' for bytes and unnamed Blobs). */
  id: string;
}

/** The id of a model known only by a URL, path or file name: its last segment without .gguf. */
export function modelIdOf(ref: string): string {
  let path = ref;
  try {
    path = decodeURIComponent(new URL(ref).pathname);
  } catch {
    // a path or file name
  }
  return (path.split(/[\\/]/).pop() || ref).replace(/\.gguf$/i, '') || 'model';
}

/**
 * The bytes of `model` as a ByteSource: a catalog model_id, an http(s) URL, a ModelRecord, a
 * Blob/File, a Uint8Array or (Node) a file path. URLs are served from the cache when complete
 * there, else downloaded into it (resuming what an earlier attempt left).
 */
export async function openModel(model: ModelArgument, options: OpenModelOptions = {}): Promise<OpenedModel> {
  const expected = options.sha256 ?? (typeof model === 'object' && 'model_id' in model ? model.sha256 : undefined);
  if (expected !== undefined && !isSha256Hex(expected)) throw new HearthError('invalid_argument', `sha256 must be 64 hex digits, got '${expected}'`);
  const resolved = await resolveModel(model, options.catalog ?? modelCatalog);
  if (resolved.kind === 'local') {
    const source = await resolved.open();
    if (expected) await verifySource(source, expected).catch(async (e) => { await source.close?.(); throw e; });
    if (resolved.record) return { source, record: resolved.record, id: resolved.record.model_id };
    const name = typeof model === 'string' ? model : (model as { name?: unknown }).name;
    return { source, record: null, id: typeof name === 'string' && name ? modelIdOf(name) : 'model' };
  }
  const { url, record } = resolved;
  const sha256 = expected ?? record?.sha256;
  const backend = await getCacheBackend(options);
  const name = label(url, record);
  const source = await withLock(lockName(backend, url), async () => {
    if (options.signal?.aborted) throw new HearthError('aborted', `download of ${name} aborted before it started`);
    const release = await backend.acquire?.(url, options.signal, (pid) =>
      options.onProgress?.({ loaded: 0, total: 0, progress: 0, timeElapsed: 0, etaSeconds: null, text: `Waiting for process ${pid}, which is fetching ${name}` }));
    try {
      return await openOrDownload();
    } finally {
      await release?.();
    }
  });
  return { source, record, id: record?.model_id ?? modelIdOf(url) };

  async function openOrDownload(): Promise<ByteSource> {
    const cached = await openCached(backend, url, sha256);
    if (cached) {
      options.onProgress?.({ loaded: cached.size, total: cached.size, progress: 1, timeElapsed: 0, etaSeconds: 0, text: `Loaded ${name} from the cache` });
      return cached;
    }
    const entry = await backend.begin(url, record?.model_id);
    return downloadToEntry(url, backend, entry, {
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      signal: options.signal,
      onProgress: options.onProgress,
      sha256,
      label: name,
      ...(options.retries !== undefined ? { retries: options.retries } : {}),
      ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
    });
  }
}

/** A complete cached entry; with a sha256 it must match (checked once, then remembered), else the
 * entry is dropped so it is downloaded again. */
async function openCached(backend: CacheBackend, url: string, sha256: string | undefined): Promise<ByteSource | null> {
  const cached = await backend.open(url);
  if (!cached) return null;
  if (!sha256 || cached.info.sha256 === sha256.toLowerCase()) return cached.source;
  if ((await sha256OfSource(cached.source)) === sha256.toLowerCase()) {
    await backend.markVerified(url, sha256);
    return cached.source;
  }
  await cached.source.close?.();
  await backend.delete(url);
  return null;
}

async function urlOf(model: string | ModelRecord, options: CacheOptions): Promise<string | null> {
  const resolved = await resolveModel(model, options.catalog ?? modelCatalog).catch(() => null);
  return resolved?.kind === 'url' ? resolved.url : null;
}

/** Whether `model` (model_id or URL) is completely in the cache. */
export async function hasModelInCache(model: string | ModelRecord, options: CacheOptions = {}): Promise<boolean> {
  const url = await urlOf(model, options);
  return url !== null && (await getCacheBackend(options)).has(url);
}

/** Removes `model` (model_id or URL) from the cache, partial downloads included. */
export async function deleteModelFromCache(model: string | ModelRecord, options: CacheOptions = {}): Promise<void> {
  const url = await urlOf(model, options);
  if (url === null) throw new HearthError('invalid_argument', `'${typeof model === 'string' ? model : model.model_id}' is not a catalog model id or a URL`);
  const backend = await getCacheBackend(options);
  await withLock(lockName(backend, url), async () => {
    const release = await backend.acquire?.(url);
    try {
      await backend.delete(url);
    } finally {
      await release?.();
    }
  });
}

/** What the cache holds: complete models and partial downloads, with their sizes in bytes. */
export async function listCachedModels(options: CacheOptions = {}): Promise<Array<{ url: string; model_id?: string; size: number; complete: boolean }>> {
  const catalog = options.catalog ?? modelCatalog;
  const entries = await (await getCacheBackend(options)).list();
  return entries.map((e) => {
    const model_id = e.model_id ?? catalog.find((r) => r.url === e.url)?.model_id;
    return { url: e.url, ...(model_id !== undefined ? { model_id } : {}), size: e.size, complete: e.complete };
  });
}
