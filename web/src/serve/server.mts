// `hearth serve`: an OpenAI-compatible HTTP server over an OpenAIEngine (Node's http module).
//   POST /v1/chat/completions, POST /v1/completions: the request body as OpenAI's; `stream: true`
//     answers with server-sent events, `data: <chunk JSON>\n\n` per chunk and `data: [DONE]\n\n`.
//   GET /v1/models, GET /v1/models/<id>: the one model loaded.
// Errors are OpenAI error objects with 400 (bad request), 404, 405, 413 or 500. The engine runs one
// generation at a time, so requests queue; a client that disconnects aborts its request (waiting
// or generating: the generation ends at its next step).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { OpenAIEngine } from '../openai/openai_engine.mjs';
import { errorResponse, HttpError } from './error_body.mjs';
import type { StaticApp } from './static_app.mjs';

export interface ServeOptions {
  /** The id /v1/models lists (requests may name any model: there is one). */
  modelId: string;
  /** Largest request body accepted (default 16 MiB). */
  maxBodyBytes?: number;
  /** The chat app, served beside the API (serve --app). */
  app?: StaticApp;
}

const CORS = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*', 'Access-Control-Allow-Methods': 'GET, POST, OPTIONS' };

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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...CORS, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export function createOpenAIServer(engine: OpenAIEngine, options: ServeOptions): Server {
  const maxBody = options.maxBodyBytes ?? 16 << 20;
  const created = Math.floor(Date.now() / 1000);
  const model = { id: options.modelId, object: 'model', created, owned_by: 'hearth' };
  let queue: Promise<unknown> = Promise.resolve(); // one generation at a time

  /** Runs `work` after the requests before it; skipped when the client left while it waited. */
  function serialized<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const run = queue.then(() => {
      if (signal.aborted) throw new HttpError(499, 'the client closed the request');
      return work();
    });
    queue = run.catch(() => undefined);
    return run;
  }

  async function generate(req: IncomingMessage, res: ServerResponse, kind: 'chat' | 'completion', signal: AbortSignal): Promise<void> {
    const body = await readJson(req, maxBody);
    await serialized(signal, async () => {
      const result =
        kind === 'chat'
          ? await engine.chat.completions.create(body as never, { signal })
          : await engine.completions.create(body as never, { signal });
      if (!(Symbol.asyncIterator in (result as object))) return sendJson(res, 200, result);
      // the stream has started once headers are out: later errors go out as an error event
      res.writeHead(200, { ...CORS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
      try {
        // after a disconnect the signal ends the generation at its next step; draining the rest
        // (rather than breaking off) lets the engine record the request's stats
        for await (const chunk of result as AsyncIterable<unknown>) {
          if (!res.destroyed) res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        }
        if (!res.destroyed) res.write('data: [DONE]\n\n');
      } catch (e) {
        if (!res.destroyed) res.write(`data: ${JSON.stringify(errorResponse(e).body)}\n\n`);
      }
      res.end();
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    if (options.app && (await options.app.handle(req, res))) return;
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    if (method === 'OPTIONS') {
      res.writeHead(204, CORS);
      res.end();
      return;
    }
    const allow = (m: string): void => {
      if (method !== m) throw new HttpError(405, `${path} takes ${m}, not ${method}`, 'invalid_request_error', 'method_not_allowed');
    };
    if (path === '/v1/chat/completions') {
      allow('POST');
      return generate(req, res, 'chat', signal);
    }
    if (path === '/v1/completions') {
      allow('POST');
      return generate(req, res, 'completion', signal);
    }
    if (path === '/v1/models') {
      allow('GET');
      return sendJson(res, 200, { object: 'list', data: [model] });
    }
    if (path.startsWith('/v1/models/')) {
      allow('GET');
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      if (id !== model.id) throw new HttpError(404, `The model '${id}' does not exist`, 'invalid_request_error', 'model_not_found');
      return sendJson(res, 200, model);
    }
    throw new HttpError(404, `no route ${method} ${path}`, 'invalid_request_error', 'not_found');
  }

  return createServer((req, res) => {
    const aborter = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborter.abort();
    });
    handle(req, res, aborter.signal).catch((e: unknown) => {
      if (res.headersSent) {
        res.end();
        return;
      }
      if (res.destroyed) return;
      const { status, body } = errorResponse(e);
      sendJson(res, status, body);
    });
  });
}
