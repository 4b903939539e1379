// A local HTTP server for the download tests (127.0.0.1, a free port): serves byte buffers with
// Range support and can misbehave the ways real servers do — drop the connection after N bytes,
// ignore Range, answer 404/503, stall mid-body — and logs every request it gets.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const TYPES = { '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.map': 'application/json' };
// no-store: a browser's HTTP cache must not answer for the model cache under test
const COMMON = { 'Cache-Control': 'no-store' };

/**
 * routes: { [path]: { body: Buffer, ranges?: boolean (default true), dropAfter?: number,
 *   drops?: number (responses to drop, default 1), dropWhen?: a promise the drop waits for, failWith?: number, failures?: number,
 *   noLength?: boolean (chunked, no Content-Length), stallAfter?: number (send this many bytes, then hang until the client goes away), etag?: string } }
 * staticRoot: other paths are files under this directory (the browser tests' pages and web/dist).
 * Returns { url(path), requests: [{ path, range }], onStall: Promise resolved when a stall begins, close() }.
 */
export async function startServer(routes, { staticRoot } = {}) {
  const requests = [];
  let stalled;
  const onStall = new Promise((resolve) => (stalled = resolve));
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const range = req.headers.range ?? null;
    requests.push({ path, range });
    const route = routes[path];
    if (!route && staticRoot) {
      requests.pop(); // only model requests are logged
      const file = resolve(staticRoot, `.${decodeURIComponent(path)}`);
      if (!file.startsWith(staticRoot + sep)) return res.writeHead(403, COMMON).end();
      readFile(file).then(
        (b) => res.writeHead(200, { ...COMMON, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(b),
        () => res.writeHead(404, COMMON).end('not found'),
      );
      return;
    }
    if (!route) {
      res.writeHead(404, { ...COMMON, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    if (route.failWith && (route.failures ?? 1) > 0) {
      route.failures = (route.failures ?? 1) - 1;
      res.writeHead(route.failWith, COMMON).end();
      return;
    }
    const body = route.body;
    const headers = { ...COMMON, 'Content-Type': 'application/octet-stream' };
    if (route.etag) headers.ETag = route.etag;
    let start = 0;
    let status = 200;
    if (route.ranges !== false) {
      headers['Accept-Ranges'] = 'bytes';
      const m = range && /^bytes=(\d+)-$/.exec(range);
      if (m) {
        start = Number(m[1]);
        if (start >= body.length) {
          res.writeHead(416, { ...COMMON, 'Content-Range': `bytes */${body.length}` }).end();
          return;
        }
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
      }
    }
    const slice = body.subarray(start);
    if (!route.noLength) headers['Content-Length'] = String(slice.length); // else chunked: size unknown
    res.writeHead(status, headers);
    if (route.stallAfter !== undefined && !route.stalledOnce) {
      route.stalledOnce = true;
      res.write(slice.subarray(0, route.stallAfter), () => stalled({ sent: route.stallAfter }));
      return; // never ends: the client aborts
    }
    if (route.dropAfter !== undefined && (route.drops ?? 1) > 0) {
      route.drops = (route.drops ?? 1) - 1;
      // dropWhen: the drop waits for it, so a client that discards buffered bytes on a network
      // error (Chromium) has read them first
      res.write(slice.subarray(0, route.dropAfter), () => Promise.resolve(route.dropWhen).then(() => res.socket.destroy()));
      return;
    }
    res.end(slice);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    onStall,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
