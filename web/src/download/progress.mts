// Download progress as the caller sees it: bytes, fraction, elapsed time, ETA and a line of text.
// The rate (and so the ETA) counts only the bytes fetched in this call, not those a resume found
// in the cache, so a resumed download does not promise an ETA it cannot keep.

export interface DownloadProgress {
  /** Bytes available so far (cached from an earlier attempt + fetched now). */
  loaded: number;
  /** Total bytes (0 while the server has not said). */
  total: number;
  /** loaded / total in 0..1 (0 while the total is unknown, 1 once done). */
  progress: number;
  /** Seconds since this download started. */
  timeElapsed: number;
  /** Seconds left at the rate of this download, null until it can be estimated. */
  etaSeconds: number | null;
  /** A human-readable line, e.g. "Fetching qwen2.5-0.5b: 120.0 MB of 491.4 MB (24%), 3 s elapsed, about 9 s left". */
  text: string;
}

export type ProgressCallback = (p: DownloadProgress) => void;

/** Emits at most one event per `intervalMs` (plus the first and the last) so multi-GB downloads
 * do not call back for every network chunk. */
export class ProgressReporter {
  readonly #callback: ProgressCallback | undefined;
  readonly #label: string;
  readonly #intervalMs: number;
  readonly #start = now();
  #sessionBytes = 0; // fetched by this call (for the rate)
  #rateStart: number | null = null; // when this call's first byte arrived
  #lastEmit = -Infinity;
  #lastLoaded = -1;
  total = 0;
  loaded = 0;

  constructor(callback: ProgressCallback | undefined, label: string, intervalMs = 100) {
    this.#callback = callback;
    this.#label = label;
    this.#intervalMs = intervalMs;
  }

  /** Sets what is already there (a resume's cached bytes, or 0 after a restart). */
  reset(loaded: number, total: number): void {
    this.loaded = loaded;
    this.total = total;
    this.#lastLoaded = -1; // a restart may go backwards: the next event reports it
    this.emit(true);
  }

  /** Counts `n` freshly fetched bytes. */
  advance(n: number): void {
    if (this.#rateStart === null) this.#rateStart = now();
    this.#sessionBytes += n;
    this.loaded += n;
    this.emit(false);
  }

  /** The final event (loaded = total, progress = 1). */
  finish(text?: string): void {
    this.total = this.loaded;
    this.#emitNow(text ?? `Fetched ${this.#label}: ${formatBytes(this.loaded)} in ${formatSeconds(this.#elapsed())}`, 0, true);
  }

  emit(force: boolean): void {
    if (!this.#callback) return;
    const t = now();
    if (!force && t - this.#lastEmit < this.#intervalMs) return;
    if (!force && this.loaded === this.#lastLoaded) return;
    const eta = this.#eta();
    const pct = this.total > 0 ? ` (${Math.floor((this.loaded / this.total) * 100)}%)` : '';
    const of = this.total > 0 ? ` of ${formatBytes(this.total)}` : '';
    const left = eta === null ? '' : `, about ${formatSeconds(eta)} left`;
    this.#emitNow(`Fetching ${this.#label}: ${formatBytes(this.loaded)}${of}${pct}, ${formatSeconds(this.#elapsed())} elapsed${left}`, eta);
  }

  #emitNow(text: string, eta: number | null, done = false): void {
    if (!this.#callback) return;
    this.#lastEmit = now();
    this.#lastLoaded = this.loaded;
    const progress = done ? 1 : this.total > 0 ? Math.min(1, this.loaded / this.total) : 0;
    this.#callback({ loaded: this.loaded, total: this.total, progress, timeElapsed: this.#elapsed(), etaSeconds: eta, text });
  }

  #elapsed(): number {
    return (now() - this.#start) / 1000;
  }

  #eta(): number | null {
    if (this.total <= 0 || this.#rateStart === null || this.#sessionBytes === 0) return null;
    const seconds = (now() - this.#rateStart) / 1000;
    if (seconds <= 0) return null;
    return Math.max(0, (this.total - this.loaded) / (this.#sessionBytes / seconds));
  }
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

export function formatBytes(n: number): string {
  if (n < 1e3) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
