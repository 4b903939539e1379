// The user's settings: what every request and model load uses. Kept per browser (localStorage);
// whatever is stored is checked and clamped here, so a stale or hand-edited value cannot break
// requests.

export type Theme = 'system' | 'light' | 'dark';
export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export interface Settings {
  systemPrompt: string;
  temperature: number;
  topP: number;
  topK: number;
  minP: number;
  maxTokens: number;
  /** Context size in tokens; 0 = the engine's default (min(trained, 4096)). */
  contextSize: number;
  contextOverflow: 'error' | 'drop_oldest';
  backend: BackendChoice;
  theme: Theme;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  systemPrompt: '',
  temperature: 0.7,
  topP: 0.95,
  topK: 40,
  minP: 0.05,
  maxTokens: 512,
  contextSize: 0,
  contextOverflow: 'drop_oldest',
  backend: 'auto',
  theme: 'system',
});

/** Bounds of each number, as the engine accepts them. */
export const LIMITS = {
  temperature: [0, 2],
  topP: [0.01, 1],
  topK: [0, 200],
  minP: [0, 1],
  maxTokens: [1, 32768],
  contextSize: [0, 131072],
} as const;

function num(v: unknown, key: keyof typeof LIMITS): number {
  const [lo, hi] = LIMITS[key];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) return DEFAULT_SETTINGS[key];
  const clamped = Math.min(hi, Math.max(lo, n));
  return key === 'topK' || key === 'maxTokens' || key === 'contextSize' ? Math.round(clamped) : clamped;
}

const oneOf = <T extends string>(v: unknown, options: readonly T[], fallback: T): T =>
  options.includes(v as T) ? (v as T) : fallback;

/** Settings from anything (stored JSON, a form): unknown fields dropped, the rest checked. */
export function sanitizeSettings(raw: unknown): Settings {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    systemPrompt: typeof r.systemPrompt === 'string' ? r.systemPrompt.slice(0, 20000) : DEFAULT_SETTINGS.systemPrompt,
    temperature: num(r.temperature, 'temperature'),
    topP: num(r.topP, 'topP'),
    topK: num(r.topK, 'topK'),
    minP: num(r.minP, 'minP'),
    maxTokens: num(r.maxTokens, 'maxTokens'),
    contextSize: num(r.contextSize, 'contextSize'),
    contextOverflow: oneOf(r.contextOverflow, ['error', 'drop_oldest'] as const, DEFAULT_SETTINGS.contextOverflow),
    backend: oneOf(r.backend, ['auto', 'webgpu', 'cpu'] as const, DEFAULT_SETTINGS.backend),
    theme: oneOf(r.theme, ['system', 'light', 'dark'] as const, DEFAULT_SETTINGS.theme),
  };
}

/** The sampling fields of a chat request (OpenAI names plus hearth's top_k / min_p). */
export function samplingFields(s: Settings): Record<string, number | string> {
  return {
    temperature: s.temperature,
    top_p: s.topP,
    top_k: s.topK,
    min_p: s.minP,
    max_tokens: s.maxTokens,
    context_overflow: s.contextOverflow,
  };
}
