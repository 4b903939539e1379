// Fetches a URL into a cache entry: the streamed body is appended as it arrives (never held whole),
// progress is reported, a dropped connection is retried a few times with `Range: bytes=N-` from
// what is stored, and an optional sha256 is computed along the way (over the stored prefix first
// when resuming). The server's answer to a Range request is checked: 206 with a Content-Range that
// starts where we are and names the same total (and unchanged validators) continues; a 200, a
// mismatching 206 or a 416 means start again from byte 0.
import type { ByteSource } from '../byte_source.mjs';
import { HearthError } from '../errors.mjs';
import type { CacheBackend, EntryInfo, PartialEntry } from './cache_backend.mjs';
import { ProgressReporter } from './progress.mjs';
import type { ProgressCallback } from './progress.mjs';
import { Sha256 } from './sha256.mjs';

export interface DownloadOptions {
  fetch: typeof fetch;
  signal?: AbortSignal | undefined;
  onProgress?: ProgressCallback | undefined;
  /** Expected hex sha256 of the whole file. */
  sha256?: string | undefined;
  /** A name for progress text and errors (model id or file name). */
  label: string;
  /** Attempts after a failure that made no progress (a failure after progress starts the count over). */
  retries?: number;
  /** Delay before retry k is k times this. */
  retryDelayMs?: number;
}

/** Parses `bytes START-END/TOTAL` (TOTAL may be `*`). */
export function parseContentRange(header: string | null): { start: number; end: number; total: number | null } | null {
  const m = header ? /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(header.trim()) : null;
  if (!m) return null;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? null : Number(m[3]) };
}

function abortedError(label: string, entry: PartialEntry): HearthError {
  return new HearthError('aborted', `download of ${label} aborted at ${entry.size} bytes (kept for a resume)`);
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Validators that prove the server still has the same file (strong ETag, Last-Modified). */
function validatorsOf(response: Response): Pick<EntryInfo, 'etag' | 'lastModified'> {
  const out: Pick<EntryInfo, 'etag' | 'lastModified'> = {};
  const etag = response.headers.get('etag');
  const lastModified = response.headers.get('last-modified');
  if (etag && !etag.startsWith('W/')) out.etag = etag;
  if (lastModified) out.lastModified = lastModified;
  return out;
}

function sameFile(stored: EntryInfo, now: Pick<EntryInfo, 'etag' | 'lastModified'>): boolean {
  if (stored.etag && now.etag) return stored.etag === now.etag;
  if (stored.lastModified && now.lastModified) return stored.lastModified === now.lastModified;
  return true; // nothing to compare: the total size (and a sha256 if given) are the checks left
}

/** The body's size when it is the file's bytes as stored (no content coding), else null. */
function bodyLength(response: Response): number | null {
  const coding = response.headers.get('content-encoding');
  if (coding && coding !== 'identity') return null;
  const len = response.headers.get('content-length');
  return len !== null && /^\d+$/.test(len) ? Number(len) : null;
}

/**
 * Downloads `url` into `entry` (which may hold an earlier attempt's bytes) and completes it.
 * Rejects with HearthError 'aborted' (entry kept), 'network_error' (entry kept), 'quota_exceeded'
 * (entry kept) or 'integrity_error' (entry deleted).
 */
export async function downloadToEntry(url: string, backend: CacheBackend, entry: PartialEntry, options: DownloadOptions): Promise<ByteSource> {
  const { signal, label } = options;
  const retries = options.retries ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 500;
  const progress = new ProgressReporter(options.onProgress, label);
  let hasher: Sha256 | null = null;
  let failures = 0;
  let restarts = 0;
  let lastError = '';

  const restart = async (why: string) => {
    if (++restarts > 3) throw new HearthError('network_error', `download of ${label} from ${url}: ${why}, and restarting did not help`);
    await entry.reset();
    hasher = options.sha256 ? new Sha256() : null;
  };

  try {
    if (options.sha256) {
      hasher = new Sha256();
      for await (const chunk of entry.readStored()) hasher.update(chunk);
    }
    progress.reset(entry.size, entry.info.total ?? 0);

    for (;;) {
      if (signal?.aborted) throw abortedError(label, entry);
      const offset = entry.size;
      const knownTotal = entry.info.total;
      if (knownTotal !== null && offset === knownTotal && offset > 0) break; // an earlier attempt got everything

      let response: Response;
      try {
        response = await options.fetch(url, { headers: offset > 0 ? { Range: `bytes=${offset}-` } : {}, ...(signal ? { signal } : {}) });
      } catch (e) {
        if (signal?.aborted) throw abortedError(label, entry);
        lastError = (e as Error).message;
        if (++failures > retries) break;
        await sleep(retryDelayMs * failures, signal);
        continue;
      }

      if (response.status === 416 && offset > 0) {
        await response.body?.cancel();
        await restart('the server refused to resume (416)');
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        lastError = `HTTP ${response.status} ${response.statusText}`.trim();
        if (isRetryableStatus(response.status) && ++failures <= retries) {
          await sleep(retryDelayMs * failures, signal);
          continue;
        }
        throw new HearthError('network_error', `download of ${label} failed: ${lastError} for ${url}`);
      }

      const validators = validatorsOf(response);
      let total: number | null;
      if (response.status === 206) {
        const range = parseContentRange(response.headers.get('content-range'));
        const length = bodyLength(response);
        // Content-Range may be hidden from a cross-origin page; Content-Length then gives the total
        total = range ? range.total : length !== null ? offset + length : null;
        const startsRight = range ? range.start === offset : offset > 0;
        const sameTotal = knownTotal === null || total === null || total === knownTotal;
        if (!startsRight || !sameTotal || !sameFile(entry.info, validators)) {
          await response.body?.cancel();
          await restart('the file changed on the server since the partial download');
          progress.reset(0, 0);
          continue;
        }
      } else {
        if (offset > 0) {
          // the server ignored Range: its body starts at byte 0
          await restart('the server does not support resuming');
        }
        total = bodyLength(response);
      }
      await entry.setInfo({ ...entry.info, total, ...validators });
      if (total !== null) await backend.ensureSpace(total - entry.size);
      progress.reset(entry.size, total ?? 0);
      if (!response.body) throw new HearthError('network_error', `download of ${label}: the response has no body`);

      const before = entry.size;
      const reader = response.body.getReader();
      // an abort ends a pending read even where the body does not follow the signal (a custom fetch)
      const stopReading = () => void reader.cancel().catch(() => {});
      signal?.addEventListener('abort', stopReading, { once: true });
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (signal?.aborted) throw abortedError(label, entry);
          if (done) break;
          await entry.append(value);
          (hasher as Sha256 | null)?.update(value);
          progress.advance(value.length);
        }
      } catch (e) {
        if (signal?.aborted) throw abortedError(label, entry);
        if (e instanceof HearthError) throw e; // the cache failed (quota, io): retrying will not help
        await reader.cancel().catch(() => {});
        lastError = (e as Error).message || String(e);
        failures = entry.size > before ? 1 : failures + 1;
        if (failures > retries) break;
        await sleep(retryDelayMs * failures, signal);
        continue;
      } finally {
        signal?.removeEventListener('abort', stopReading);
      }
      if (total !== null && entry.size < total) {
        lastError = `the connection closed at byte ${entry.size} of ${total}`;
        failures = entry.size > before ? 1 : failures + 1;
        if (failures > retries) break;
        continue;
      }
      if (total !== null && entry.size > total) {
        await restart(`the server sent ${entry.size} bytes for a ${total}-byte file`);
        continue;
      }
      break;
    }
    if (failures > retries) {
      throw new HearthError('network_error', `download of ${label} from ${url} failed after ${retries + 1} attempts: ${lastError} (${entry.size} bytes kept for a resume)`);
    }
  } catch (e) {
    await entry.suspend().catch(() => {});
    throw e;
  }

  if (hasher && options.sha256) {
    const got = (hasher as Sha256).hex();
    if (got !== options.sha256.toLowerCase()) {
      await entry.discard().catch(() => {});
      throw new HearthError('integrity_error', `${label}: sha256 of the downloaded file is ${got}, expected ${options.sha256.toLowerCase()}; the cached copy was removed`);
    }
  }
  const source = await entry.complete();
  if (options.sha256) await backend.markVerified(url, options.sha256);
  progress.finish();
  return source;
}
