// What the downloader needs from a place that keeps model files: complete entries read in ranges,
// partial entries appended to (and resumed from), listing and deletion. Backends: Cache Storage
// and OPFS (browser), the file system (Node), memory (cache: 'none').
import type { ByteSource } from '../byte_source.mjs';

export type CacheKind = 'cache-storage' | 'opfs' | 'fs' | 'none';

/** What is known about an entry besides its bytes. */
export interface EntryInfo {
  url: string;
  model_id?: string;
  /** The full size the server announced, null while unknown. */
  total: number | null;
  /** The server's validators, compared on a resume to notice that the file changed. */
  etag?: string;
  lastModified?: string;
  /** A sha256 (hex) the complete bytes were verified against. */
  sha256?: string;
}

export interface CachedModel {
  url: string;
  model_id?: string;
  /** Bytes stored (the full size when complete). */
  size: number;
  complete: boolean;
}

/** An entry being written. Appends are sequential; `size` is where a resume continues. */
export interface PartialEntry {
  readonly size: number;
  readonly info: EntryInfo;
  /** Records what the server said (total, validators) so a later resume can check it. */
  setInfo(info: EntryInfo): Promise<void>;
  append(bytes: Uint8Array): Promise<void>;
  /** Drops the stored bytes (the server restarted from 0 or the file changed). */
  reset(): Promise<void>;
  /** The stored bytes in order (a resume hashes them before continuing). */
  readStored(): AsyncIterable<Uint8Array>;
  /** Makes what was appended durable and releases the entry, for a later resume. */
  suspend(): Promise<void>;
  /** Marks the entry complete and returns its bytes as a source. */
  complete(): Promise<ByteSource>;
  /** Deletes the entry (integrity failure). */
  discard(): Promise<void>;
}

export interface CacheBackend {
  readonly kind: CacheKind;
  /** Holds `url` against other processes sharing the cache (fs), calling `onWait` with the pid
   * it waits for; resolves to the release. */
  acquire?(url: string, signal?: AbortSignal, onWait?: (pid: number) => void): Promise<() => Promise<void>>;
  /** A complete entry, or null. */
  open(url: string): Promise<{ source: ByteSource; info: EntryInfo } | null>;
  /** The entry to write `url` into, holding what an earlier interrupted attempt left. */
  begin(url: string, model_id: string | undefined): Promise<PartialEntry>;
  /** Records that a complete entry's bytes match `sha256`. */
  markVerified(url: string, sha256: string): Promise<void>;
  /** Throws a QuotaExceededError when `bytes` more cannot fit (checked before a download). */
  ensureSpace(bytes: number): Promise<void>;
  has(url: string): Promise<boolean>;
  delete(url: string): Promise<void>;
  list(): Promise<CachedModel[]>;
}
