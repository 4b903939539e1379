// Running out of room for a model is its own error: the browser's storage quota (checked with
// navigator.storage.estimate() before a download, and QuotaExceededError while writing) and a full
// disk under Node (ENOSPC/EDQUOT) both become a HearthError 'quota_exceeded' that says how many
// bytes were needed and how many were available.
import { HearthError } from '../errors.mjs';
import { formatBytes } from './progress.mjs';

export class QuotaExceededError extends HearthError {
  /** Bytes the download still needed, null when unknown. */
  readonly needed: number | null;
  /** Bytes the storage had free, null when unknown. */
  readonly available: number | null;

  constructor(where: string, needed: number | null, available: number | null, cause?: string) {
    const n = needed === null ? 'more space' : `${formatBytes(needed)} (${needed} bytes)`;
    const a = available === null ? '' : `, ${formatBytes(available)} (${available} bytes) available`;
    super('quota_exceeded', `not enough storage for the model in ${where}: needs ${n}${a}${cause ? ` (${cause})` : ''}`);
    this.needed = needed;
    this.available = available;
  }
}

/** Whether an error thrown by a storage write means "no room": a DOMException QuotaExceededError
 * (Cache Storage, OPFS) or a Node ENOSPC/EDQUOT. */
export function isOutOfSpace(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { name, code } = e as { name?: unknown; code?: unknown };
  return name === 'QuotaExceededError' || code === 'ENOSPC' || code === 'EDQUOT';
}

/** The QuotaExceededError for `e` when it means "no room", else null. */
export function quotaErrorFor(e: unknown, where: string, needed: number | null, available: number | null): QuotaExceededError | null {
  if (!isOutOfSpace(e)) return null;
  const { message } = e as { message?: unknown };
  return new QuotaExceededError(where, needed, available, typeof message === 'string' ? message : undefined);
}

/** What a failed browser storage call (Cache Storage, OPFS) throws: a HearthError as it is, "no
 * room" as a QuotaExceededError with the origin's free bytes, anything else as an io_error naming
 * `where` and the step (`what`). */
export async function browserStorageError(e: unknown, where: string, what: string, needed: number | null): Promise<HearthError> {
  if (e instanceof HearthError) return e;
  return quotaErrorFor(e, where, needed, await browserAvailableBytes()) ??
    new HearthError('io_error', `${where}: ${what} failed: ${(e as Error).message}`);
}

/** Free bytes the browser lets this origin store, or null where it cannot say. */
export async function browserAvailableBytes(): Promise<number | null> {
  const storage = (globalThis as { navigator?: { storage?: StorageManager } }).navigator?.storage;
  if (!storage?.estimate) return null;
  try {
    const { quota, usage } = await storage.estimate();
    if (quota === undefined) return null;
    return Math.max(0, quota - (usage ?? 0));
  } catch {
    return null;
  }
}

/** Throws a QuotaExceededError when `available` is known and smaller than `needed`. */
export function checkSpace(where: string, needed: number, available: number | null): void {
  if (available !== null && needed > available) throw new QuotaExceededError(where, needed, available);
}
