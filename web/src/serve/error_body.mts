// An error as OpenAI's HTTP API answers it: a status code and {"error": {message, type, param, code}}.
import { HearthError } from '../errors.mjs';
import { InvalidRequestError } from '../openai/errors.mjs';

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** A failure of the HTTP layer itself (bad JSON, unknown route, body too large, refused access, a full queue). */
export class HttpError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  /** Headers the reply carries (e.g. Retry-After on a 429). */
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, type = 'invalid_request_error', code: string | null = null, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.type = type;
    this.code = code;
    this.headers = headers;
  }
}

/** Bad requests are 400 (the request can be fixed), the engine's own failures 500. */
export function errorResponse(e: unknown): { status: number; body: ErrorBody } {
  if (e instanceof HttpError) return { status: e.status, body: { error: { message: e.message, type: e.type, param: null, code: e.code } } };
  if (e instanceof InvalidRequestError)
    return { status: 400, body: { error: { message: e.message, type: 'invalid_request_error', param: e.param, code: e.code } } };
  if (e instanceof HearthError) {
    const client = e.type === 'invalid_argument' || e.type === 'unsupported' || e.type === 'not_implemented';
    return {
      status: client ? 400 : 500,
      body: { error: { message: e.message, type: client ? 'invalid_request_error' : 'server_error', param: null, code: e.type } },
    };
  }
  return { status: 500, body: { error: { message: (e as Error)?.message ?? String(e), type: 'server_error', param: null, code: 'internal' } } };
}
