// The Node cache: one directory ($HEARTH_CACHE_DIR or ~/.cache/hearth) holding, per URL,
//   <key>.partial  the bytes of an unfinished download (appended to, resumed from its length)
//   <key>          the complete file (renamed from .partial once every byte is there)
//   <key>.json     what is known: url, model id, total size, validators, verified sha256, complete
//   <key>.lock     the pid of the process downloading it (fs_lock.mts)
// <key> is a hash of the URL plus its file name, so the directory stays readable. Metadata is
// written to a temporary file and renamed, so a crash never leaves a half-written json.
import type { FileHandle } from 'node:fs/promises';

import { fileSource } from '../byte_source.mjs';
import type { ByteSource } from '../byte_source.mjs';
import { HearthError } from '../errors.mjs';
import type { CacheBackend, CachedModel, EntryInfo, PartialEntry } from './cache_backend.mjs';
import { checkSpace, quotaErrorFor } from './quota.mjs';
import { cacheKey } from './cache_key.mjs';
import { acquireFileLock } from './fs_lock.mjs';

interface Meta extends EntryInfo {
  complete: boolean;
}

const fsp = () => import('node:fs/promises');
const pathMod = () => import('node:path');

/** The default cache directory: $HEARTH_CACHE_DIR, else ~/.cache/hearth. */
export async function defaultCacheDir(): Promise<string> {
  if (process.env.HEARTH_CACHE_DIR) return process.env.HEARTH_CACHE_DIR;
  const { homedir } = await import('node:os');
  return (await pathMod()).join(homedir(), '.cache', 'hearth');
}

export class FsCache implements CacheBackend {
  readonly kind = 'fs' as const;
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async #paths(url: string) {
    const { join } = await pathMod();
    const key = cacheKey(url);
    return { data: join(this.dir, key), partial: join(this.dir, `${key}.partial`), meta: join(this.dir, `${key}.json`) };
  }

  async #readMeta(path: string): Promise<Meta | null> {
    try {
      const meta = JSON.parse(await (await fsp()).readFile(path, 'utf8')) as Meta;
      return typeof meta.url === 'string' ? meta : null;
    } catch {
      return null; // missing or unreadable: as if there were no entry
    }
  }

  async #writeMeta(path: string, meta: Meta): Promise<void> {
    const { writeFile, rename, mkdir } = await fsp();
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(`${path}.tmp`, JSON.stringify(meta, null, 1));
      await rename(`${path}.tmp`, path);
    } catch (e) {
      throw this.#error(e, `writing ${path}`, null);
    }
  }

  #error(e: unknown, what: string, needed: number | null): HearthError {
    if (e instanceof HearthError) return e;
    return quotaErrorFor(e, this.dir, needed, null) ?? new HearthError('io_error', `model cache: ${what} failed: ${(e as Error).message}`);
  }

  async acquire(url: string, signal?: AbortSignal, onWait?: (pid: number) => void): Promise<() => Promise<void>> {
    const { mkdir } = await fsp();
    const { join } = await pathMod();
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (e) {
      throw this.#error(e, `creating ${this.dir}`, null);
    }
    return acquireFileLock(join(this.dir, `${cacheKey(url)}.lock`), signal, onWait);
  }

  async open(url: string): Promise<{ source: ByteSource; info: EntryInfo } | null> {
    const p = await this.#paths(url);
    const meta = await this.#readMeta(p.meta);
    if (!meta?.complete || meta.url !== url) return null;
    let size: number;
    try {
      size = (await (await fsp()).stat(p.data)).size;
    } catch {
      return null;
    }
    if (meta.total !== null && size !== meta.total) return null; // truncated behind our back
    const source = await fileSource(p.data);
    return { source, info: stripComplete(meta) };
  }

  async begin(url: string, model_id: string | undefined): Promise<PartialEntry> {
    const { mkdir, open, rm, stat } = await fsp();
    const p = await this.#paths(url);
    try {
      await mkdir(this.dir, { recursive: true });
    } catch (e) {
      throw this.#error(e, `creating ${this.dir}`, null);
    }
    const old = await this.#readMeta(p.meta);
    // a complete file without complete metadata is a crash between rename and json: start over
    await rm(p.data, { force: true });
    let handle: FileHandle;
    try {
      handle = await open(p.partial, 'a+'); // appends, and reads back for a resume's hash
    } catch (e) {
      throw this.#error(e, `opening ${p.partial}`, null);
    }
    let size = (await stat(p.partial)).size;
    let info: EntryInfo = old && old.url === url && size > 0 ? stripComplete(old) : { url, total: null };
    if (model_id !== undefined) info.model_id = model_id;
    if (info.total !== null && size > info.total) {
      await handle.truncate(0);
      size = 0;
      info = { url, total: null, ...(model_id !== undefined ? { model_id } : {}) };
    }
    delete info.sha256;
    await this.#writeMeta(p.meta, { ...info, complete: false });
    return new FsPartialEntry(this, p, handle, size, info);
  }

  /** Used by FsPartialEntry (same module). */
  async writeMeta(path: string, meta: Meta): Promise<void> {
    return this.#writeMeta(path, meta);
  }

  error(e: unknown, what: string, needed: number | null): HearthError {
    return this.#error(e, what, needed);
  }

  async markVerified(url: string, sha256: string): Promise<void> {
    const p = await this.#paths(url);
    const meta = await this.#readMeta(p.meta);
    if (meta?.complete) await this.#writeMeta(p.meta, { ...meta, sha256: sha256.toLowerCase() });
  }

  async ensureSpace(bytes: number): Promise<void> {
    const { mkdir, statfs } = await fsp();
    let available: number | null = null;
    try {
      await mkdir(this.dir, { recursive: true });
      const s = await statfs(this.dir);
      available = s.bavail * s.bsize;
    } catch {
      // statfs unsupported here: the writes themselves will report ENOSPC
    }
    checkSpace(this.dir, bytes, available);
  }

  async has(url: string): Promise<boolean> {
    const entry = await this.open(url);
    await entry?.source.close?.();
    return entry !== null;
  }

  async delete(url: string): Promise<void> {
    const { rm } = await fsp();
    const p = await this.#paths(url);
    await Promise.all([rm(p.data, { force: true }), rm(p.partial, { force: true }), rm(p.meta, { force: true })]);
  }

  async list(): Promise<CachedModel[]> {
    const { readdir, stat } = await fsp();
    const { join } = await pathMod();
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: CachedModel[] = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const meta = await this.#readMeta(join(this.dir, name));
      if (!meta) continue;
      const p = await this.#paths(meta.url);
      const size = await stat(meta.complete ? p.data : p.partial).then((s) => s.size, () => -1);
      if (size < 0) continue;
      out.push({ url: meta.url, ...(meta.model_id !== undefined ? { model_id: meta.model_id } : {}), size, complete: meta.complete });
    }
    return out;
  }
}

class FsPartialEntry implements PartialEntry {
  readonly #cache: FsCache;
  readonly #paths: { data: string; partial: string; meta: string };
  readonly #handle: FileHandle;
  #size: number;
  #info: EntryInfo;
  #closed = false;

  constructor(cache: FsCache, paths: { data: string; partial: string; meta: string }, handle: FileHandle, size: number, info: EntryInfo) {
    this.#cache = cache;
    this.#paths = paths;
    this.#handle = handle;
    this.#size = size;
    this.#info = info;
  }

  get size(): number {
    return this.#size;
  }

  get info(): EntryInfo {
    return this.#info;
  }

  async setInfo(info: EntryInfo): Promise<void> {
    this.#info = { ...info };
    await this.#cache.writeMeta(this.#paths.meta, { ...this.#info, complete: false });
  }

  async append(bytes: Uint8Array): Promise<void> {
    try {
      let done = 0;
      while (done < bytes.length) {
        const { bytesWritten } = await this.#handle.write(bytes, done, bytes.length - done);
        done += bytesWritten;
        this.#size += bytesWritten;
      }
    } catch (e) {
      const needed = this.#info.total === null ? null : this.#info.total - this.#size;
      throw this.#cache.error(e, `writing ${this.#paths.partial}`, needed);
    }
  }

  async reset(): Promise<void> {
    await this.#handle.truncate(0);
    this.#size = 0;
    await this.setInfo({ url: this.#info.url, total: null, ...(this.#info.model_id !== undefined ? { model_id: this.#info.model_id } : {}) });
  }

  async *readStored(): AsyncIterable<Uint8Array> {
    const chunk = 4 << 20;
    for (let off = 0; off < this.#size; off += chunk) {
      const buf = new Uint8Array(Math.min(chunk, this.#size - off));
      const { bytesRead } = await this.#handle.read(buf, 0, buf.length, off);
      if (bytesRead !== buf.length) throw new HearthError('io_error', `${this.#paths.partial} is shorter than expected`);
      yield buf;
    }
  }

  async #close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#handle.sync();
    } catch {
      // a device that cannot fsync (e.g. a character device) still keeps what it took
    }
    await this.#handle.close();
  }

  async suspend(): Promise<void> {
    await this.#close();
  }

  async complete(): Promise<ByteSource> {
    await this.#close();
    const { rename } = await fsp();
    await rename(this.#paths.partial, this.#paths.data);
    if (this.#info.total === null) this.#info.total = this.#size;
    await this.#cache.writeMeta(this.#paths.meta, { ...this.#info, complete: true });
    return fileSource(this.#paths.data);
  }

  async discard(): Promise<void> {
    await this.#close();
    await this.#cache.delete(this.#info.url);
  }
}

function stripComplete(meta: Meta): EntryInfo {
  const { complete: _complete, ...info } = meta;
  return info;
}
