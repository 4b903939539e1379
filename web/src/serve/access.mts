// Who may use `hearth serve`'s API (/v1/*): an API key, the browser origins allowed to call it, and
// the Host names it answers to. A local model is reachable by every web page the user visits (a
// page can send requests to 127.0.0.1), so the defaults keep browsers out:
//
// - Origin: a request with an Origin header (every browser fetch from a page) is refused (403)
//   unless the origin is the server's own (a page it serves, e.g. --app) or listed in corsOrigins.
//   Refusing, not only leaving out the CORS headers, is what matters: a cross-origin "simple" POST
//   runs on the server even when the page cannot read the reply. Listed origins get
//   Access-Control-Allow-Origin (with Vary: Origin); '*' allows every origin.
// - Host: bound to a loopback address, the server answers only Host names of loopback (localhost,
//   127.0.0.1, [::1]); a page on another name that resolves to 127.0.0.1 (DNS rebinding) is refused.
//   Bound elsewhere (0.0.0.0, a LAN address) any Host is answered: use an API key there.
// - API key: when set, every API request needs `Authorization: Bearer KEY` (401, OpenAI's
//   invalid_api_key, otherwise). Compared in constant time.
// Preflights (OPTIONS) carry no key: an allowed origin gets the CORS headers, others none.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { HttpError } from './error_body.mjs';

export interface AccessOptions {
  /** Required as `Authorization: Bearer KEY` on every API request; absent: none needed. */
  apiKey?: string;
  /** Browser origins (scheme://host[:port]) allowed besides the server's own; '*' = any. Default none. */
  corsOrigins?: readonly string[] | '*';
  /** The address the server is bound to (decides the Host check). */
  host: string;
}

const LOOPBACK_BIND = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** The host name of a Host header value ("localhost:8080" -> "localhost", "[::1]:80" -> "[::1]"). */
function hostName(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
}

export class Access {
  readonly #key: Buffer | null;
  readonly #origins: ReadonlySet<string> | '*';
  readonly #loopbackOnly: boolean;

  constructor(options: AccessOptions) {
    this.#key = options.apiKey ? digest(options.apiKey) : null;
    const origins = options.corsOrigins ?? [];
    this.#origins = origins === '*' ? '*' : new Set(origins.map((o) => o.replace(/\/+$/, '').toLowerCase()));
    this.#loopbackOnly = LOOPBACK_BIND.has(options.host.toLowerCase());
  }

  /** Whether `origin` is listed (or everything is); the server's own origin is checked apart. */
  #listed(origin: string): boolean {
    return this.#origins === '*' || this.#origins.has(origin.toLowerCase());
  }

  /** The CORS headers of a reply to `req`: none for a request without an Origin or from one not allowed. */
  corsHeaders(req: IncomingMessage): Record<string, string> {
    const origin = req.headers.origin;
    if (!origin || !this.#listed(origin)) return {};
    return {
      'Access-Control-Allow-Origin': this.#origins === '*' ? '*' : origin,
      'Access-Control-Allow-Headers': 'Authorization, Content-Type',
      'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
      'Access-Control-Max-Age': '600',
      Vary: 'Origin',
    };
  }

  /** Throws the HttpError `req` is refused with (421 host, 403 origin, 401 key); returns when allowed. */
  check(req: IncomingMessage, options: { needsKey: boolean }): void {
    const host = req.headers.host ?? '';
    if (this.#loopbackOnly && !LOOPBACK_NAMES.has(hostName(host).toLowerCase()))
      throw new HttpError(421, `this server answers only loopback host names, not '${host}'`, 'invalid_request_error', 'host_not_allowed');
    const origin = req.headers.origin;
    if (origin !== undefined && !this.#listed(origin) && origin.toLowerCase() !== `http://${host}`.toLowerCase())
      throw new HttpError(403, `requests from the origin ${origin} are not allowed (hearth serve --cors-origins lists the ones that are)`,
        'invalid_request_error', 'origin_not_allowed');
    if (options.needsKey && this.#key && !this.#keyMatches(req.headers.authorization))
      throw new HttpError(401, 'Incorrect or missing API key: send it as "Authorization: Bearer KEY" (hearth serve --api-key)',
        'invalid_request_error', 'invalid_api_key');
  }

  #keyMatches(authorization: string | undefined): boolean {
    const m = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    return m !== null && timingSafeEqual(digest(m[1]!.trim()), this.#key!);
  }
}
