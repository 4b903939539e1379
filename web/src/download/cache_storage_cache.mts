// The browser's Cache Storage as a model cache. A file is stored as fixed-size chunk entries (32 MiB
// by default) plus a metadata entry, under synthetic keys that hold the model URL and the chunk
// index:
//   https://hearth.cache/chunk/<i>/<encoded url>    chunk i = bytes [i*C, (i+1)*C)
//   https://hearth.cache/meta/<encoded url>         JSON: url, model id, total, validators, chunks
// Chunks make an interrupted download resumable at the last complete chunk (one Response cannot
// be appended to), and a read assembles a Blob from the chunk Blobs, which the browser keeps on
// disk: nothing is copied into memory until the engine reads a range.
import { blobSource } from '../byte_source.mjs';
import type { ByteSource } from '../byte_source.mjs';
import { HearthError } from '../errors.mjs';
import type { CacheBackend, CachedModel, EntryInfo, PartialEntry } from './cache_backend.mjs';
import { browserAvailableBytes, browserStorageError, checkSpace } from './quota.mjs';

export const DEFAULT_CHUNK_BYTES = 32 << 20;
const CACHE_NAME = 'hearth-models';
const KEY_ORIGIN = 'https://hearth.cache';
const WHERE = 'Cache Storage';

interface Meta extends EntryInfo {
  complete: boolean;
  chunkBytes: number;
  /** Complete chunks stored (all chunks once complete; the last one may be short). */
  chunks: number;
  /** Bytes in those chunks. */
  bytes: number;
}

const chunkKey = (url: string, i: number) => `${KEY_ORIGIN}/chunk/${i}/${encodeURIComponent(url)}`;
const metaKey = (url: string) => `${KEY_ORIGIN}/meta/${encodeURIComponent(url)}`;

const storageError = (e: unknown, what: string, needed: number | null) => browserStorageError(e, WHERE, what, needed);

export class CacheStorageCache implements CacheBackend {
  readonly kind = 'cache-storage' as const;
  readonly chunkBytes: number;
  #cache: Promise<Cache> | null = null;

  constructor(chunkBytes = DEFAULT_CHUNK_BYTES) {
    if (typeof caches === 'undefined') throw new HearthError('unsupported', `${WHERE} is not available here (it needs a secure context: https or localhost)`);
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0) throw new HearthError('invalid_argument', `cacheChunkBytes must be a positive integer, got ${chunkBytes}`);
    this.chunkBytes = chunkBytes;
  }

  cache(): Promise<Cache> {
    this.#cache ??= caches.open(CACHE_NAME);
    return this.#cache;
  }

  async readMeta(url: string): Promise<Meta | null> {
    const response = await (await this.cache()).match(metaKey(url));
    if (!response) return null;
    try {
      const meta = (await response.json()) as Meta;
      return meta.url === url ? meta : null;
    } catch {
      return null;
    }
  }

  async writeMeta(meta: Meta): Promise<void> {
    try {
      await (await this.cache()).put(metaKey(meta.url), new Response(JSON.stringify(meta), { headers: { 'Content-Type': 'application/json' } }));
    } catch (e) {
      throw await storageError(e, 'writing metadata', meta.total === null || meta.complete ? null : meta.total - meta.bytes);
    }
  }

  async chunkBlob(url: string, i: number): Promise<Blob | null> {
    const response = await (await this.cache()).match(chunkKey(url, i));
    return response ? response.blob() : null;
  }

  async putChunk(url: string, i: number, bytes: Uint8Array, needed: number | null): Promise<void> {
    try {
      await (await this.cache()).put(chunkKey(url, i), new Response(bytes as BlobPart, { headers: { 'Content-Type': 'application/octet-stream' } }));
    } catch (e) {
      throw await storageError(e, `writing chunk ${i}`, needed);
    }
  }

  async open(url: string): Promise<{ source: ByteSource; info: EntryInfo } | null> {
    const meta = await this.readMeta(url);
    if (!meta?.complete) return null;
    const parts: Blob[] = [];
    for (let i = 0; i < meta.chunks; i++) {
      const blob = await this.chunkBlob(url, i);
      if (!blob) return null; // evicted or deleted piece by piece: not complete any more
      parts.push(blob);
    }
    const blob = new Blob(parts);
    if (meta.total !== null && blob.size !== meta.total) return null;
    return { source: blobSource(blob, meta.model_id ?? url), info: infoOf(meta) };
  }

  async begin(url: string, model_id: string | undefined): Promise<PartialEntry> {
    let meta = await this.readMeta(url);
    if (!meta || meta.complete || meta.chunkBytes !== this.chunkBytes) {
      await this.delete(url);
      meta = { url, total: null, complete: false, chunkBytes: this.chunkBytes, chunks: 0, bytes: 0 };
    }
    // the chunks the metadata counts must all be there (metadata is written after each chunk)
    let chunks = 0;
    while (chunks < meta.chunks && (await (await this.cache()).match(chunkKey(url, chunks)))) chunks++;
    meta = { ...meta, chunks, bytes: chunks * this.chunkBytes }; // a partial entry's chunks are all full
    if (model_id !== undefined) meta.model_id = model_id;
    delete meta.sha256;
    await this.writeMeta(meta);
    return new CacheStoragePartialEntry(this, meta);
  }

  async markVerified(url: string, sha256: string): Promise<void> {
    const meta = await this.readMeta(url);
    if (meta?.complete) await this.writeMeta({ ...meta, sha256: sha256.toLowerCase() });
  }

  async ensureSpace(bytes: number): Promise<void> {
    checkSpace(WHERE, bytes, await browserAvailableBytes());
  }

  async has(url: string): Promise<boolean> {
    return (await this.open(url)) !== null;
  }

  async delete(url: string): Promise<void> {
    const cache = await this.cache();
    const suffix = `/${encodeURIComponent(url)}`;
    // every key of this URL, chunks beyond the metadata's count (an interrupted write) included
    const keys = (await cache.keys()).filter((r) => r.url.startsWith(KEY_ORIGIN) && r.url.endsWith(suffix));
    await Promise.all(keys.map((r) => cache.delete(r)));
  }

  async list(): Promise<CachedModel[]> {
    const cache = await this.cache();
    const out: CachedModel[] = [];
    for (const request of await cache.keys()) {
      if (!request.url.startsWith(`${KEY_ORIGIN}/meta/`)) continue;
      const meta = await this.readMeta(decodeURIComponent(request.url.slice(`${KEY_ORIGIN}/meta/`.length)));
      if (!meta) continue;
      let size = 0;
      for (let i = 0; i < meta.chunks; i++) size += (await this.chunkBlob(meta.url, i))?.size ?? 0;
      out.push({ url: meta.url, ...(meta.model_id !== undefined ? { model_id: meta.model_id } : {}), size, complete: meta.complete });
    }
    return out;
  }
}

class CacheStoragePartialEntry implements PartialEntry {
  readonly #cache: CacheStorageCache;
  #meta: Meta;
  #buffer: Uint8Array; // the chunk being filled
  #buffered = 0;

  constructor(cache: CacheStorageCache, meta: Meta) {
    this.#cache = cache;
    this.#meta = meta;
    this.#buffer = new Uint8Array(meta.chunkBytes);
  }

  get size(): number {
    return this.#meta.bytes + this.#buffered;
  }

  get info(): EntryInfo {
    return infoOf(this.#meta);
  }

  async setInfo(info: EntryInfo): Promise<void> {
    this.#meta = { ...info, complete: false, chunkBytes: this.#meta.chunkBytes, chunks: this.#meta.chunks, bytes: this.#meta.bytes };
    await this.#cache.writeMeta(this.#meta);
  }

  async append(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) {
      const take = Math.min(bytes.length - at, this.#buffer.length - this.#buffered);
      this.#buffer.set(bytes.subarray(at, at + take), this.#buffered);
      this.#buffered += take;
      at += take;
      if (this.#buffered === this.#buffer.length) await this.#flushChunk();
    }
  }

  async #flushChunk(): Promise<void> {
    const needed = this.#meta.total === null ? null : this.#meta.total - this.#meta.bytes;
    await this.#cache.putChunk(this.#meta.url, this.#meta.chunks, this.#buffer.subarray(0, this.#buffered), needed);
    this.#meta = { ...this.#meta, chunks: this.#meta.chunks + 1, bytes: this.#meta.bytes + this.#buffered };
    this.#buffered = 0;
    await this.#cache.writeMeta(this.#meta);
  }

  async reset(): Promise<void> {
    await this.#cache.delete(this.#meta.url);
    this.#buffered = 0;
    this.#meta = { url: this.#meta.url, total: null, complete: false, chunkBytes: this.#meta.chunkBytes, chunks: 0, bytes: 0,
      ...(this.#meta.model_id !== undefined ? { model_id: this.#meta.model_id } : {}) };
    await this.#cache.writeMeta(this.#meta);
  }

  async *readStored(): AsyncIterable<Uint8Array> {
    for (let i = 0; i < this.#meta.chunks; i++) {
      const blob = await this.#cache.chunkBlob(this.#meta.url, i);
      if (!blob) throw new HearthError('io_error', `${WHERE}: chunk ${i} of ${this.#meta.url} is missing`);
      yield new Uint8Array(await blob.arrayBuffer());
    }
    if (this.#buffered > 0) yield this.#buffer.subarray(0, this.#buffered);
  }

  async suspend(): Promise<void> {
    // the chunk being filled is dropped: a resume continues at the last complete chunk
    this.#buffered = 0;
  }

  async complete(): Promise<ByteSource> {
    if (this.#buffered > 0) await this.#flushChunk();
    this.#meta = { ...this.#meta, complete: true, total: this.#meta.total ?? this.size };
    await this.#cache.writeMeta(this.#meta);
    const opened = await this.#cache.open(this.#meta.url);
    if (!opened) throw new HearthError('io_error', `${WHERE}: ${this.#meta.url} vanished right after it was stored`);
    return opened.source;
  }

  async discard(): Promise<void> {
    this.#buffered = 0;
    await this.#cache.delete(this.#meta.url);
  }
}

function infoOf(meta: Meta): EntryInfo {
  const { complete: _c, chunkBytes: _b, chunks: _n, bytes: _s, ...info } = meta;
  return info;
}
