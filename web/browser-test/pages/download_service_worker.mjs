// A Service Worker that downloads models with openModel (service workers refuse import(): this
// checks that hearth's download path loads and runs there). Message {id, url, cache} -> reply
// {id, size, sha256} or {id, error: {type, message}} to the sending page.
import { Sha256, openModel } from '/web/dist/index.mjs';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
  const { id, url, cache } = event.data ?? {};
  event.waitUntil((async () => {
    let reply;
    try {
      const { source } = await openModel(url, { cache });
      const h = new Sha256();
      for (let off = 0; off < source.size; off += 1 << 20) h.update(await source.read(off, Math.min(1 << 20, source.size - off)));
      reply = { id, size: source.size, sha256: h.hex() };
    } catch (e) {
      reply = { id, error: { type: e?.type, message: e?.message } };
    }
    event.source?.postMessage(reply);
  })());
});
