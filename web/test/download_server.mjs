// A local HTTP server for the download tests (127.0.0.1, a free port): serves byte buffers with
// Range support and can misbehave the ways real servers do — drop the connection after N bytes,
// ignore Range, answer 404/503, stall mid-body — and logs every request it gets.
import { createServer } from 'node:http';

/**
 * routes: { [path]: { body: Buffer, ranges?: boolean (default true), dropAfter?: number,
 *   drops?: number (responses to drop, default 1), failWith?: number, failures?: number,
 *   stallAfter?: number (send this many bytes, then hang until the client goes away), etag?: string } }
 * Returns { url(path), requests: [{ path, range }], onStall: Promise resolved when a stall begins, close() }.
 */
export async function startServer(routes) {
  const requests = [];
  let stalled;
  const onStall = new Promise((resolve) => (stalled = resolve));
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const range = req.headers.range ?? null;
    requests.push({ path, range });
    const route = routes[path];
    if (!route) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    if (route.failWith && (route.failures ?? 1) > 0) {
      route.failures = (route.failures ?? 1) - 1;
      res.writeHead(route.failWith).end();
      return;
    }
    const body = route.body;
    const headers = { 'Content-Type': 'application/octet-stream' };
    if (route.etag) headers.ETag = route.etag;
    let start = 0;
    let status = 200;
    if (route.ranges !== false) {
      headers['Accept-Ranges'] = 'bytes';
      const m = range && /^bytes=(\d+)-$/.exec(range);
      if (m) {
        start = Number(m[1]);
        if (start >= body.length) {
          res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
          return;
        }
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
      }
    }
    const slice = body.subarray(start);
    headers['Content-Length'] = String(slice.length);
    res.writeHead(status, headers);
    if (route.stallAfter !== undefined && !route.stalledOnce) {
      route.stalledOnce = true;
      res.write(slice.subarray(0, route.stallAfter), () => stalled({ sent: route.stallAfter }));
      return; // never ends: the client aborts
    }
    if (route.dropAfter !== undefined && (route.drops ?? 1) > 0) {
      route.drops = (route.drops ?? 1) - 1;
      res.write(slice.subarray(0, route.dropAfter), () => res.socket.destroy());
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
