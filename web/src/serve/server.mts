// `hearth serve`: an OpenAI-compatible HTTP server over an OpenAIEngine (Node's http module).
//   POST /v1/chat/completions, POST /v1/completions: the request body as OpenAI's; `stream: true`
//     answers with server-sent events, `data: <chunk JSON>\n\n` per chunk and `data: [DONE]\n\n`.
//   POST /v1/embeddings: OpenAI's embeddings request, for an embedding model.
//   GET /v1/models, GET /v1/models/<id>: the one model loaded.
// Errors are OpenAI error objects with 400 (bad request), 401 (API key), 403 (origin), 404, 405,
// 413, 421 (host), 429 (queue full, with Retry-After) or 500. Who may call the API: access.mts. The
// engine runs one generation at a time, so requests queue (request_queue.mts: bounded, with a time
// limit); a client that disconnects aborts its request (waiting or generating: the generation ends
// at its next step). Each API request is logged as one line (method, path, status, seconds, tokens),
// never with its prompt or reply.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { OpenAIEngine } from '../openai/openai_engine.mjs';
import { Access, type AccessOptions } from './access.mjs';
import { errorResponse, HttpError } from './error_body.mjs';
import { RequestQueue, type QueueOptions } from './request_queue.mjs';
import type { StaticApp } from './static_app.mjs';

export interface ServeOptions {
  /** The id /v1/models lists (requests may name any model: there is one). */
  modelId: string;
  /** Largest request body accepted (default 16 MiB). */
  maxBodyBytes?: number;
  /** The chat app, served beside the API (serve --app). */
  app?: StaticApp;
  /** API key, allowed origins, bound host (access.mts); default: no key, no other origin, loopback. */
  access?: AccessOptions;
  /** The queue's bound and time limit (request_queue.mts). */
  queue?: QueueOptions;
  /** Where the one-line request log goes (default: nowhere). */
  log?: (line: string) => void;
}

async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > maxBytes) throw new HttpError(413, `the request body is larger than ${maxBytes} bytes`);
    parts.push(part);
  }
  const text = Buffer.concat(parts).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `the request body is not valid JSON: ${(e as Error).message}`);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** The tokens a reply's usage counts, for the log ('' when there is none). */
function usageNote(result: unknown): string {
  const u = (result as { usage?: { prompt_tokens?: number; completion_tokens?: number } } | null)?.usage;
  return u ? ` prompt=${u.prompt_tokens} completion=${u.completion_tokens}` : '';
}

export function createOpenAIServer(engine: OpenAIEngine, options: ServeOptions): Server {
  const maxBody = options.maxBodyBytes ?? 16 << 20;
  const created = Math.floor(Date.now() / 1000);
  const model = { id: options.modelId, object: 'model', created, owned_by: 'hearth' };
  const access = new Access(options.access ?? { host: '127.0.0.1' });
  const queue = new RequestQueue(options.queue);

  /** Runs the request; resolves to a note for the log (its token counts). */
  async function generate(req: IncomingMessage, res: ServerResponse, kind: 'chat' | 'completion', clientGone: AbortSignal, cors: Record<string, string>): Promise<string> {
    const body = await readJson(req, maxBody);
    return queue.run(clientGone, async (signal) => {
      const result =
        kind === 'chat'
          ? await engine.chat.completions.create(body as never, { signal })
          : await engine.completions.create(body as never, { signal });
      if (!(Symbol.asyncIterator in (result as object))) {
        sendJson(res, 200, result, cors);
        return usageNote(result);
      }
      // the stream has started once headers are out: later errors go out as an error event
      res.writeHead(200, { ...cors, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
      let last: unknown = null;
      try {
        // after a disconnect the signal ends the generation at its next step; draining the rest
        // (rather than breaking off) lets the engine record the request's stats
        for await (const chunk of result as AsyncIterable<unknown>) {
          last = chunk;
          if (!res.destroyed) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        }
        if (!res.destroyed) res.write('data: [DONE]\n\n');
      } catch (e) {
        if (!res.destroyed) res.write(`data: ${JSON.stringify(errorResponse(e).body)}\n\n`);
      }
      res.end();
      return usageNote(last);
    });
  }

  async function embed(req: IncomingMessage, res: ServerResponse, clientGone: AbortSignal, cors: Record<string, string>): Promise<string> {
    const body = await readJson(req, maxBody);
    return queue.run(clientGone, async () => {
      const result = await engine.embeddings.create(body as never);
      sendJson(res, 200, result, cors);
      return ` prompt=${result.usage.prompt_tokens} inputs=${result.data.length}`;
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<string> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const cors = access.corsHeaders(req);
    access.check(req, { needsKey: method !== 'OPTIONS' });
    if (method === 'OPTIONS') {
      res.writeHead(204, cors);
      res.end();
      return '';
    }
    const allow = (m: string): void => {
      if (method !== m) throw new HttpError(405, `${path} takes ${m}, not ${method}`, 'invalid_request_error', 'method_not_allowed');
    };
    if (path === '/v1/chat/completions') {
      allow('POST');
      return generate(req, res, 'chat', signal, cors);
    }
    if (path === '/v1/completions') {
      allow('POST');
      return generate(req, res, 'completion', signal, cors);
    }
    if (path === '/v1/embeddings') {
      allow('POST');
      return embed(req, res, signal, cors);
    }
    if (path === '/v1/models') {
      allow('GET');
      sendJson(res, 200, { object: 'list', data: [model] }, cors);
      return '';
    }
    if (path.startsWith('/v1/models/')) {
      allow('GET');
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      if (id !== model.id) throw new HttpError(404, `The model '${id}' does not exist`, 'invalid_request_error', 'model_not_found');
      sendJson(res, 200, model, cors);
      return '';
    }
    throw new HttpError(404, `no route ${method} ${path}`, 'invalid_request_error', 'not_found');
  }

  const server = createServer(async (req, res) => {
    // the chat app's own files (serve --app) are the page a person opens: no key, same-origin
    if (options.app) {
      try {
        if (await options.app.handle(req, res)) return;
      } catch (e) {
        if (!res.headersSent) sendJson(res, 500, errorResponse(e).body, {});
        else res.end();
        return;
      }
    }
    const started = performance.now();
    const aborter = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborter.abort();
    });
    const line = (status: number, note: string): void =>
      options.log?.(`${req.method} ${(req.url ?? '/').split('?')[0]} ${status} ${((performance.now() - started) / 1000).toFixed(2)}s${note}`);
    handle(req, res, aborter.signal).then(
      (note) => line(res.statusCode, note),
      (e: unknown) => {
        const { status, body } = errorResponse(e);
        line(res.headersSent ? res.statusCode : status, ` ${body.error.code ?? body.error.type}`);
        if (res.headersSent) {
          res.end();
          return;
        }
        if (res.destroyed) return;
        sendJson(res, status, body, { ...access.corsHeaders(req), ...(e instanceof HttpError ? e.headers : {}) });
      },
    );
  });
  // a client must send its whole request in time (headers, then the body): slow senders do not hold sockets
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  return server;
}
