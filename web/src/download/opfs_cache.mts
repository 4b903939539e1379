// The Origin Private File System as a model cache: directory `hearth-models` holding, per URL,
//   <key>.partial  the unfinished download, appended to through one writable stream
//   <key>          the complete file (moved from .partial where the browser can move files)
//   <key>.json     url, model id, total, validators, verified sha256, complete, the data file name
// A writable stream commits its writes when closed, so an abort or a failure closes it (keeping
// the bytes for a resume); a page closed mid-download loses what this session wrote. Reading
// returns the OPFS File, a disk-backed Blob read range by range.
import { blobSource } from '../byte_source.mjs';
import type { ByteSource } from '../byte_source.mjs';
import { HearthError } from '../errors.mjs';
import type { CacheBackend, CachedModel, EntryInfo, PartialEntry } from './cache_backend.mjs';
import { cacheKey } from './cache_key.mjs';
import { browserAvailableBytes, browserStorageError, checkSpace } from './quota.mjs';

const DIR_NAME = 'hearth-models';
const WHERE = 'OPFS';

interface Meta extends EntryInfo {
  complete: boolean;
  /** The data file's name in the directory. */
  file: string;
}

/** The parts of the File System Access API that lib.dom lacks in this TypeScript version. */
interface MovableHandle {
  move?(dir: FileSystemDirectoryHandle, name: string): Promise<void>;
}
interface IterableDirectory {
  keys(): AsyncIterable<string>;
}

const storageError = (e: unknown, what: string, needed: number | null) => browserStorageError(e, WHERE, what, needed);

function isNotFound(e: unknown): boolean {
  return (e as { name?: unknown })?.name === 'NotFoundError';
}

export class OpfsCache implements CacheBackend {
  readonly kind = 'opfs' as const;
  #dir: Promise<FileSystemDirectoryHandle> | null = null;

  constructor() {
    const storage = (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage;
    if (!storage?.getDirectory) throw new HearthError('unsupported', `${WHERE} is not available here (navigator.storage.getDirectory is missing)`);
  }

  dir(): Promise<FileSystemDirectoryHandle> {
    this.#dir ??= navigator.storage.getDirectory().then((root) => root.getDirectoryHandle(DIR_NAME, { create: true }));
    return this.#dir;
  }

  async #file(name: string, create = false): Promise<FileSystemFileHandle | null> {
    try {
      return await (await this.dir()).getFileHandle(name, { create });
    } catch (e) {
      if (isNotFound(e)) return null;
      throw await storageError(e, `opening ${name}`, null);
    }
  }

  async readMeta(key: string): Promise<Meta | null> {
    const handle = await this.#file(`${key}.json`);
    if (!handle) return null;
    try {
      return JSON.parse(await (await handle.getFile()).text()) as Meta;
    } catch {
      return null;
    }
  }

  /** `stored`: bytes of the data file so far (says how much more a quota error needed). */
  async writeMeta(key: string, meta: Meta, stored = 0): Promise<void> {
    const handle = await this.#file(`${key}.json`, true);
    try {
      const writable = await handle!.createWritable();
      await writable.write(JSON.stringify(meta));
      await writable.close(); // the swap file replaces the old json atomically
    } catch (e) {
      throw await storageError(e, `writing ${key}.json`, meta.total === null || meta.complete ? null : meta.total - stored);
    }
  }

  async open(url: string): Promise<{ source: ByteSource; info: EntryInfo } | null> {
    const key = cacheKey(url);
    const meta = await this.readMeta(key);
    if (!meta?.complete || meta.url !== url) return null;
    const handle = await this.#file(meta.file);
    if (!handle) return null;
    const file = await handle.getFile();
    if (meta.total !== null && file.size !== meta.total) return null;
    return { source: blobSource(file, meta.model_id ?? url), info: infoOf(meta) };
  }

  async begin(url: string, model_id: string | undefined): Promise<PartialEntry> {
    const key = cacheKey(url);
    const old = await this.readMeta(key);
    if (old?.complete) await this.delete(url);
    const handle = (await this.#file(`${key}.partial`, true))!;
    if (typeof handle.createWritable !== 'function')
      throw new HearthError('unsupported', `${WHERE}: this browser cannot write files from here (createWritable is missing); use cache: 'cache-storage'`);
    const size = (await handle.getFile()).size;
    let info: EntryInfo = old && !old.complete && old.url === url && size > 0 ? infoOf(old) : { url, total: null };
    if (model_id !== undefined) info.model_id = model_id;
    delete info.sha256;
    let writable: FileSystemWritableFileStream;
    try {
      writable = await handle.createWritable({ keepExistingData: true });
      await writable.seek(size);
    } catch (e) {
      throw await storageError(e, `opening ${key}.partial`, null);
    }
    const entry = new OpfsPartialEntry(this, key, handle, writable, size, info);
    if (info.total !== null && size > info.total) await entry.reset();
    else await this.writeMeta(key, { ...info, complete: false, file: `${key}.partial` });
    return entry;
  }

  async markVerified(url: string, sha256: string): Promise<void> {
    const key = cacheKey(url);
    const meta = await this.readMeta(key);
    if (meta?.complete) await this.writeMeta(key, { ...meta, sha256: sha256.toLowerCase() });
  }

  async ensureSpace(bytes: number): Promise<void> {
    checkSpace(WHERE, bytes, await browserAvailableBytes());
  }

  async has(url: string): Promise<boolean> {
    return (await this.open(url)) !== null;
  }

  async delete(url: string): Promise<void> {
    const dir = await this.dir();
    const key = cacheKey(url);
    for (const name of [key, `${key}.partial`, `${key}.json`]) {
      try {
        await dir.removeEntry(name);
      } catch (e) {
        if (!isNotFound(e)) throw await storageError(e, `deleting ${name}`, null);
      }
    }
  }

  async list(): Promise<CachedModel[]> {
    const dir = await this.dir();
    const names: string[] = [];
    for await (const name of (dir as unknown as IterableDirectory).keys()) if (name.endsWith('.json')) names.push(name);
    const out: CachedModel[] = [];
    for (const name of names.sort()) {
      const meta = await this.readMeta(name.slice(0, -'.json'.length));
      if (!meta) continue;
      const handle = await this.#file(meta.file);
      if (!handle) continue;
      const size = (await handle.getFile()).size;
      out.push({ url: meta.url, ...(meta.model_id !== undefined ? { model_id: meta.model_id } : {}), size, complete: meta.complete });
    }
    return out;
  }
}

class OpfsPartialEntry implements PartialEntry {
  readonly #cache: OpfsCache;
  readonly #key: string;
  readonly #handle: FileSystemFileHandle;
  #writable: FileSystemWritableFileStream | null;
  #size: number;
  #info: EntryInfo;

  constructor(cache: OpfsCache, key: string, handle: FileSystemFileHandle, writable: FileSystemWritableFileStream, size: number, info: EntryInfo) {
    this.#cache = cache;
    this.#key = key;
    this.#handle = handle;
    this.#writable = writable;
    this.#size = size;
    this.#info = info;
  }

  get size(): number {
    return this.#size;
  }

  get info(): EntryInfo {
    return this.#info;
  }

  #stream(): FileSystemWritableFileStream {
    if (!this.#writable) throw new HearthError('internal', `${WHERE}: ${this.#key}.partial was already closed`);
    return this.#writable;
  }

  async setInfo(info: EntryInfo): Promise<void> {
    this.#info = { ...info };
    await this.#cache.writeMeta(this.#key, { ...this.#info, complete: false, file: `${this.#key}.partial` }, this.#size);
  }

  async append(bytes: Uint8Array): Promise<void> {
    try {
      await this.#stream().write(bytes as BufferSource);
    } catch (e) {
      throw await storageError(e, `writing ${this.#key}.partial`, this.#info.total === null ? null : this.#info.total - this.#size);
    }
    this.#size += bytes.length;
  }

  async reset(): Promise<void> {
    await this.#stream().truncate(0);
    this.#size = 0;
    await this.setInfo({ url: this.#info.url, total: null, ...(this.#info.model_id !== undefined ? { model_id: this.#info.model_id } : {}) });
  }

  /** The bytes committed before this entry was opened (the downloader reads them before appending). */
  async *readStored(): AsyncIterable<Uint8Array> {
    const file = await this.#handle.getFile();
    const chunk = 16 << 20;
    for (let off = 0; off < Math.min(file.size, this.#size); off += chunk)
      yield new Uint8Array(await file.slice(off, Math.min(off + chunk, this.#size)).arrayBuffer());
  }

  async #close(): Promise<void> {
    const writable = this.#writable;
    this.#writable = null;
    if (!writable) return;
    try {
      await writable.close();
    } catch (e) {
      throw await storageError(e, `saving ${this.#key}.partial`, null);
    }
  }

  async suspend(): Promise<void> {
    await this.#close();
  }

  async complete(): Promise<ByteSource> {
    await this.#close();
    let file = `${this.#key}.partial`;
    const movable = this.#handle as unknown as MovableHandle;
    if (typeof movable.move === 'function') {
      await movable.move(await this.#cache.dir(), this.#key);
      file = this.#key;
    }
    if (this.#info.total === null) this.#info.total = this.#size;
    await this.#cache.writeMeta(this.#key, { ...this.#info, complete: true, file });
    return blobSource(await this.#handle.getFile(), this.#info.model_id ?? this.#info.url);
  }

  async discard(): Promise<void> {
    const writable = this.#writable;
    this.#writable = null;
    await writable?.abort().catch(() => {});
    await this.#cache.delete(this.#info.url);
  }
}

function infoOf(meta: Meta): EntryInfo {
  const { complete: _c, file: _f, ...info } = meta;
  return info;
}
