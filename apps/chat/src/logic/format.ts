// Numbers as people read them: sizes, durations, rates and a reply's statistics line.

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1234567 → "1.2 MB" (decimal units, as file sizes on the hub are shown). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v.toFixed(0) : v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ${UNITS[u]}`;
}

/** Seconds → "850 ms", "4.2 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds - 60 * m)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Tokens a second with sensible precision. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '–';
  return perSecond < 10 ? perSecond.toFixed(2) : perSecond < 100 ? perSecond.toFixed(1) : Math.round(perSecond).toString();
}

/** What the app records of a finished (or stopped) reply. */
export interface ReplyStats {
  backend: 'cpu' | 'webgpu';
  model: string;
  finish: 'stop' | 'length' | 'abort' | 'error' | 'tool_calls';
  prompt_tokens: number;
  cached_tokens: number;
  completion_tokens: number;
  time_to_first_token_s: number;
  prefill_tokens_per_s: number;
  decode_tokens_per_s: number;
  dropped_messages?: number;
}

/** The line under a reply: "TTFT 0.12 s · prefill 850 tok/s · decode 45.2 tok/s · 57 tokens · WebGPU". */
export function statsLine(s: ReplyStats): string {
  const parts = [
    `TTFT ${formatDuration(s.time_to_first_token_s)}`,
    `prefill ${formatRate(s.prefill_tokens_per_s)} tok/s`,
    `decode ${formatRate(s.decode_tokens_per_s)} tok/s`,
    `${s.completion_tokens} token${s.completion_tokens === 1 ? '' : 's'}`,
    s.backend === 'webgpu' ? 'WebGPU' : 'CPU',
  ];
  if (s.finish === 'length') parts.push('hit the token limit');
  if (s.finish === 'abort') parts.push('stopped');
  if (s.dropped_messages) parts.push(`${s.dropped_messages} oldest message${s.dropped_messages === 1 ? '' : 's'} left out to fit the context`);
  return parts.join(' · ');
}

/** "3.2 MB of 491 MB · 12.5 MB/s · about 31 s left" for a download in progress. */
export function downloadLine(loaded: number, total: number, bytesPerSecond: number | null, etaSeconds: number | null): string {
  const parts = [total > 0 ? `${formatBytes(loaded)} of ${formatBytes(total)}` : formatBytes(loaded)];
  if (bytesPerSecond !== null && bytesPerSecond > 0) parts.push(`${formatBytes(bytesPerSecond)}/s`);
  if (etaSeconds !== null && Number.isFinite(etaSeconds)) parts.push(`about ${formatDuration(etaSeconds)} left`);
  return parts.join(' · ');
}
