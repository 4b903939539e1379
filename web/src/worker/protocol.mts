// The messages between a worker engine's client (the page) and its handler (a Web Worker or a
// Service Worker). Every call is a request with an id; the handler answers it with one result or one
// error, and a streaming create() answers with a result {stream: true}, then chunks, then an end (or
// an error). Errors cross as plain {type, message, param, code} and are rebuilt on the client as the
// same classes (HearthError, InvalidRequestError), so `instanceof` and `.type`/`.param` still work.
import { HearthError, type HearthErrorType } from '../errors.mjs';
import { InvalidRequestError } from '../openai/errors.mjs';
import type { InitProgressReport } from '../openai/hearth_engine.mjs';

/** The engine methods a client can call. */
export type Method =
  | 'reload'
  | 'unload'
  | 'chat.completions.create'
  | 'completions.create'
  | 'embeddings.create'
  | 'interruptGenerate'
  | 'getMessage'
  | 'runtimeStatsText'
  /** The loaded model's id, backend and ModelInfo (null when none is loaded). */
  | 'modelInfo'
  /** The ids of the calls the handler is answering now (a service worker client's heartbeat). */
  | 'ping';

/** Marks hearth's messages, so a handler ignores whatever else the page posts to its worker. */
export const CHANNEL = 'hearth-engine';

/** Client → handler. */
export type ClientMessage =
  | { channel: typeof CHANNEL; kind: 'call'; id: string; method: Method; params: unknown[] }
  | { channel: typeof CHANNEL; kind: 'abort'; id: string };

/** Handler → client. */
export type HandlerMessage =
  | { channel: typeof CHANNEL; kind: 'result'; id: string; value: unknown }
  | { channel: typeof CHANNEL; kind: 'chunk'; id: string; chunk: unknown }
  | { channel: typeof CHANNEL; kind: 'progress'; id: string; report: ProgressReport }
  | { channel: typeof CHANNEL; kind: 'end'; id: string }
  | { channel: typeof CHANNEL; kind: 'error'; id: string; error: ErrorPayload };

/** A model-loading progress report, posted during a reload to the client's initProgressCallback:
 * the engine's own InitProgressReport (WebLLM's shape plus hearth's download bytes). */
export type ProgressReport = InitProgressReport;

/** The value of a 'result' for a streaming create(): chunks follow under the same id. */
export const STREAM_STARTED = { stream: true } as const;

export interface ErrorPayload {
  type: string;
  message: string;
  param: string | null;
  code: string | null;
}

/** The code of the error a call fails with when its service worker was stopped before answering it
 * (the restarted worker does not know it): the call is lost; the next one reloads the model. */
export const LOST = 'worker_restarted';

/** The code of the error a handler answers with when it holds no model (a service worker that was
 * stopped and restarted lost it): the client reloads and retries the call once. */
export const NOT_LOADED = 'model_not_loaded';

export function errorPayload(e: unknown): ErrorPayload {
  if (e instanceof InvalidRequestError) return { type: e.type, message: e.message, param: e.param, code: e.code };
  if (e instanceof HearthError) return { type: e.type, message: e.message, param: null, code: (e as { code?: string }).code ?? null };
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return { type: 'internal', message, param: null, code: null };
}

/** The error a payload describes, as the class the handler threw. */
export function errorFromPayload(p: ErrorPayload): HearthError {
  if (p.type === 'invalid_request_error') return new InvalidRequestError(p.param, p.message, p.code);
  const e = new HearthError(p.type as HearthErrorType, p.message);
  if (p.code) Object.assign(e, { code: p.code });
  return e;
}

const onChannel = (m: unknown): boolean => typeof m === 'object' && m !== null && (m as { channel?: unknown }).channel === CHANNEL;

export function isHandlerMessage(m: unknown): m is HandlerMessage {
  return onChannel(m);
}

export function isClientMessage(m: unknown): m is ClientMessage {
  return onChannel(m);
}
