// `hearth serve --app DIR`: the chat app's built files beside the OpenAI API, so one command gives a
// page and an endpoint. Every reply carries COOP/COEP (the page is cross-origin isolated: the
// threaded CPU build), and the served model is offered to the app as its default:
//   GET /hearth-app.json    {"default_model": ModelRecord with url "models/<file>"}
//   GET /models/<file>      the model file, with Range (206) and validators, so the app's download
//                           cache can resume it
//   GET /<path>             DIR/<path> (DIR/index.html for /); nothing outside DIR is served
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, extname, resolve, sep } from 'node:path';

import type { ModelRecord } from '../models/model_record.mjs';

export const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
  '.gguf': 'application/octet-stream',
};

export interface AppOptions {
  /** The built app (apps/chat/dist). */
  dir: string;
  /** The model file offered as the app's default, and its record's fields. */
  model: { path: string; record: Omit<ModelRecord, 'url' | 'size'> };
}

export interface StaticApp {
  /** Answers `req` when it is the app's (true), else leaves it to the API (false). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

export async function staticApp(options: AppOptions): Promise<StaticApp> {
  const root = resolve(options.dir);
  const index = await stat(resolve(root, 'index.html')).catch(() => null);
  if (!index?.isFile()) throw new Error(`${root} has no index.html (build the app first: bash scripts/build_app.sh)`);
  const modelFile = basename(options.model.path);
  const modelStat = await stat(options.model.path);
  const config = JSON.stringify({
    default_model: { ...options.model.record, url: `models/${encodeURIComponent(modelFile)}`, size: modelStat.size },
  });

  return {
    async handle(req, res) {
      const method = req.method ?? 'GET';
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      if (path.startsWith('/v1/') || path === '/v1') return false;
      if (method !== 'GET' && method !== 'HEAD') return false;
      if (path === '/hearth-app.json') {
        res.writeHead(200, { ...ISOLATION, 'Content-Type': 'application/json', 'Cache-Control': 'no-cache', 'Content-Length': Buffer.byteLength(config) });
        res.end(method === 'HEAD' ? undefined : config);
        return true;
      }
      if (path === `/models/${modelFile}`) {
        await sendFile(req, res, options.model.path, { ranges: true, cache: 'no-cache' });
        return true;
      }
      const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
      if (file !== root && !file.startsWith(root + sep)) return false;
      const info = await stat(file).catch(() => null);
      if (!info?.isFile()) return false;
      // hashed build assets never change; the page and the service worker must be revalidated
      const immutable = /[\\/]assets[\\/][^\\/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(file);
      await sendFile(req, res, file, { ranges: false, cache: immutable ? 'public, max-age=31536000, immutable' : 'no-cache' });
      return true;
    },
  };
}

async function sendFile(req: IncomingMessage, res: ServerResponse, file: string, opts: { ranges: boolean; cache: string }): Promise<void> {
  const info = await stat(file);
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers: Record<string, string | number> = {
    ...ISOLATION,
    'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Cache-Control': opts.cache,
    ETag: etag,
    'Last-Modified': info.mtime.toUTCString(),
  };
  if (opts.ranges) headers['Accept-Ranges'] = 'bytes';
  const range = opts.ranges ? /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '') : null;
  let start = 0;
  let end = info.size - 1;
  let status = 200;
  if (range) {
    start = Number(range[1]);
    end = range[2] ? Math.min(Number(range[2]), info.size - 1) : info.size - 1;
    if (start >= info.size || start > end) {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${info.size}` });
      res.end();
      return;
    }
    status = 206;
    headers['Content-Range'] = `bytes ${start}-${end}/${info.size}`;
  }
  headers['Content-Length'] = Math.max(0, end - start + 1);
  res.writeHead(status, headers);
  if (req.method === 'HEAD' || info.size === 0) {
    res.end();
    return;
  }
  await new Promise<void>((ok) => {
    const stream = createReadStream(file, { start, end });
    stream.on('error', () => {
      res.destroy();
      ok();
    });
    res.on('close', () => {
      stream.destroy();
      ok();
    });
    stream.pipe(res);
  });
}
