// The server's one-at-a-time generation queue, bounded: the engine runs one generation at a time,
// so requests wait their turn; past `maxWaiting` waiting requests a new one is refused at once with
// 429 and a Retry-After (seconds) from the recent requests' mean duration. A request whose client
// left while it waited is skipped; a running one gets an AbortSignal that also fires after
// `timeoutMs` (its generation then ends with finish_reason 'abort').
import { HttpError } from './error_body.mjs';

export interface QueueOptions {
  /** Requests that may wait behind the running one (default 32). */
  maxWaiting?: number;
  /** A running request's time limit in ms; 0 = none (default 10 minutes). */
  timeoutMs?: number;
}

export class RequestQueue {
  readonly #maxWaiting: number;
  readonly #timeoutMs: number;
  #tail: Promise<unknown> = Promise.resolve();
  #waiting = 0;
  /** Durations (ms) of the last few requests, for Retry-After. */
  #recent: number[] = [];

  constructor(options: QueueOptions = {}) {
    this.#maxWaiting = options.maxWaiting ?? 32;
    this.#timeoutMs = options.timeoutMs ?? 600_000;
  }

  /** Runs `work` after the requests before it, with a signal that fires when `clientGone` does or
   * the time limit passes. */
  run<T>(clientGone: AbortSignal, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.#waiting >= this.#maxWaiting) {
      const mean = this.#recent.length ? this.#recent.reduce((a, b) => a + b, 0) / this.#recent.length : 1000;
      const seconds = Math.min(600, Math.max(1, Math.ceil((mean * (this.#waiting + 1)) / 1000)));
      throw new HttpError(429, `${this.#waiting} requests are waiting already; try again later`, 'rate_limit_error', 'queue_full',
        { 'Retry-After': String(seconds) });
    }
    this.#waiting++;
    const run = this.#tail.then(async () => {
      this.#waiting--;
      if (clientGone.aborted) throw new HttpError(499, 'the client closed the request');
      const started = performance.now();
      const signals = [clientGone, ...(this.#timeoutMs > 0 ? [AbortSignal.timeout(this.#timeoutMs)] : [])];
      try {
        return await work(AbortSignal.any(signals));
      } finally {
        this.#recent = [...this.#recent.slice(-9), performance.now() - started];
      }
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }
}
