// cache: 'none' — the download is kept in memory for the caller and nowhere else. Retries inside
// one openModel call still resume from what arrived; nothing survives the call.
import { blobSource, bytesSource } from '../byte_source.mjs';
import type { ByteSource } from '../byte_source.mjs';
import type { CacheBackend, CachedModel, EntryInfo, PartialEntry } from './cache_backend.mjs';

export class MemoryCache implements CacheBackend {
  readonly kind = 'none' as const;

  async open(): Promise<null> {
    return null;
  }

  async begin(url: string, model_id: string | undefined): Promise<PartialEntry> {
    return new MemoryEntry({ url, total: null, ...(model_id !== undefined ? { model_id } : {}) });
  }

  async markVerified(): Promise<void> {}
  async ensureSpace(): Promise<void> {}

  async has(): Promise<boolean> {
    return false;
  }

  async delete(): Promise<void> {}

  async list(): Promise<CachedModel[]> {
    return [];
  }
}

class MemoryEntry implements PartialEntry {
  #chunks: Uint8Array[] = [];
  #size = 0;
  info: EntryInfo;

  constructor(info: EntryInfo) {
    this.info = info;
  }

  get size(): number {
    return this.#size;
  }

  async setInfo(info: EntryInfo): Promise<void> {
    this.info = { ...info };
  }

  async append(bytes: Uint8Array): Promise<void> {
    this.#chunks.push(bytes.slice()); // the stream may reuse its buffer
    this.#size += bytes.length;
  }

  async reset(): Promise<void> {
    this.#chunks = [];
    this.#size = 0;
  }

  async *readStored(): AsyncIterable<Uint8Array> {
    yield* this.#chunks;
  }

  async suspend(): Promise<void> {
    await this.reset(); // nothing outlives the call
  }

  async complete(): Promise<ByteSource> {
    const name = this.info.model_id ?? this.info.url;
    // a Blob lets the browser keep big downloads out of the JS heap; Node gets one buffer
    if (typeof Blob !== 'undefined' && typeof process === 'undefined') return blobSource(new Blob(this.#chunks as BlobPart[]), name);
    const out = new Uint8Array(this.#size);
    let off = 0;
    for (const c of this.#chunks) {
      out.set(c, off);
      off += c.length;
    }
    this.#chunks = [];
    return bytesSource(out, name);
  }

  async discard(): Promise<void> {
    this.#chunks = [];
  }
}
