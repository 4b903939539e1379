// A static HTTP server for the browser tests, on 127.0.0.1 and a free port: the repository at /
// (web/dist, the test pages under /web/browser-test/pages/) and the shared directory at /shared/
// (HEARTH_SHARED_DIR, else ../shared beside the checkout). Every reply carries COOP/COEP so pages
// are cross-origin isolated (SharedArrayBuffer, wasm threads), as a real deployment would be.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const SHARED = resolve(process.env.HEARTH_SHARED_DIR ?? join(REPO, '..', 'shared'));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.wgsl': 'text/plain; charset=utf-8',
  '.gguf': 'application/octet-stream',
};

const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** The file a URL path names, or null when it lies outside the served roots. `extra`: URL prefix
 * ('/gen/') -> directory, served before the repository. */
function fileOf(pathname, extra) {
  const roots = [...Object.entries(extra), ['/shared/', SHARED]];
  const hit = roots.find(([prefix]) => pathname.startsWith(prefix));
  const [root, rest] = hit ? [resolve(hit[1]), pathname.slice(hit[0].length)] : [REPO, pathname.slice(1)];
  const file = resolve(root, rest);
  return file === root || file.startsWith(root + sep) ? file : null;
}

/** Starts the server; resolves to { origin, close() }. `extraRoots`: more directories to serve, by
 * URL prefix (e.g. { '/gen/': a temporary directory of generated models }). */
export async function startServer(extraRoots = {}) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const file = fileOf(decodeURIComponent(url.pathname), extraRoots);
    let info;
    try {
      info = file && (await stat(file));
    } catch {
      info = null;
    }
    if (!file || !info?.isFile()) {
      res.writeHead(404, { ...ISOLATION, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    // ?isolation=off: a page served without COOP/COEP (not cross-origin isolated), as many hosts do
    const headers = url.searchParams.get('isolation') === 'off' ? {} : ISOLATION;
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': info.size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
