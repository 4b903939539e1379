// The browser model caches in headless Chromium and Firefox: for Cache Storage (small chunks so a resume
// lands on a chunk boundary) and OPFS, a download over a local server that drops the connection
// midway is resumed with a Range request; a second open is a cache hit without a request; an
// abort keeps the partial bytes and the next open resumes from them; a sha256 mismatch removes
// the entry; has/list/delete; stories260K read back from the cache gives its greedy text; and a
// Service Worker downloads into the Cache Storage the page then reads; in Chromium, a lowered
// origin quota gives quota_exceeded.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { startServer } from '../test/download_server.mjs';
import { launchChromium, launchFirefox, openPage } from './browsers.mjs';
import { ZOO_57 } from './stories260k.mjs';

const REPO = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const SHARED = process.env.HEARTH_SHARED_DIR ?? `${REPO}/../shared`;
const STORIES = readFileSync(`${SHARED}/models/stories260K.gguf`);
const CHUNK = 256 << 10; // Cache Storage chunk entries of 256 KiB: the 1.5 MB files span several
const sha = (b) => createHash('sha256').update(b).digest('hex');

const KINDS = ['cache-storage', 'opfs'];
const BROWSERS = { chromium: () => launchChromium({ webgpu: false }), firefox: launchFirefox };
const files = {};
const routes = {};
for (const b of Object.keys(BROWSERS)) {
  routes[`/${b}/sw/stories260K.gguf`] = { body: STORIES };
  routes[`/${b}/quota/known.bin`] = { body: randomBytes(3_000_000) };
  routes[`/${b}/quota/unknown.bin`] = { body: randomBytes(3_000_000), noLength: true };
  for (const k of KINDS) {
    files[`${b}/${k}`] = { dropped: randomBytes(1_500_000), aborted: randomBytes(1_500_000) };
    routes[`/${b}/${k}/dropped.bin`] = { body: files[`${b}/${k}`].dropped, dropAfter: 600_000 };
    routes[`/${b}/${k}/aborted.bin`] = { body: files[`${b}/${k}`].aborted, stallAfter: 700_000 };
    routes[`/${b}/${k}/stories260K.gguf`] = { body: STORIES };
  }
}

let server;
before(async () => (server = await startServer(routes, { staticRoot: REPO })));
after(() => server?.close());

/** Polls `fn(arg)` in the page until it is true (the two drivers' waitForFunction differ). */
async function waitInPage(page, fn, arg) {
  while (!(await page.evaluate(fn, arg))) await new Promise((r) => setTimeout(r, 20));
}

for (const [browserName, launch] of Object.entries(BROWSERS)) {
  describe(browserName, () => {
    let browser, page;
    before(async () => {
      browser = await launch();
      page = await openPage(browser, server.url(''), '/web/browser-test/pages/download.html', `download-${browserName}`);
    });
    after(() => browser?.close());

    const open_ = (args) => page.evaluate((a) => window.openModel_(a), args);
    const requestsFor = (path) => server.requests.filter((r) => r.path === path).map((r) => r.range);
    const files_ = (cache) => files[`${browserName}/${cache}`];

    for (const cache of KINDS) {
      describe(cache, () => {
        const dropped = `/${browserName}/${cache}/dropped.bin`;
        const aborted = `/${browserName}/${cache}/aborted.bin`;
        const stories = `/${browserName}/${cache}/stories260K.gguf`;
        const open = (path, extra = {}) => page.evaluate((a) => window.openModel_(a), { url: server.url(path), cache, cacheChunkBytes: CHUNK, ...extra });

        test('a dropped connection is resumed with a Range request; the cached bytes equal the original', async () => {
          // the server drops the connection once the page has read the 600 000 bytes it sent
          // (Chromium discards bytes still buffered when the connection fails)
          let readAll;
          routes[dropped].dropWhen = new Promise((resolve) => (readAll = resolve));
          const pending = open(dropped, { sha256: sha(files_(cache).dropped) });
          await waitInPage(page, (u) => window.bytesSeen[u] >= 600_000, server.url(dropped));
          readAll();
          const r = await pending;
          assert.equal(r.error, undefined, JSON.stringify(r.error));
          assert.equal(r.size, files_(cache).dropped.length);
          assert.equal(r.sha256, sha(files_(cache).dropped));
          const ranges = requestsFor(dropped);
          assert.equal(ranges.length, 2);
          assert.equal(ranges[0], null);
          const offset = Number(/^bytes=(\d+)-$/.exec(ranges[1])?.[1]);
          assert.ok(offset > 0 && offset <= 600_000, `resumed at ${offset}`);
          const last = r.events.at(-1);
          assert.deepEqual([last.loaded, last.total, last.progress], [r.size, r.size, 1]);
        });

        test('a second open is served from the cache without a request; has and list see it', async () => {
          const r = await open(dropped);
          assert.equal(r.sha256, sha(files_(cache).dropped));
          assert.equal(requestsFor(dropped).length, 2);
          assert.equal(await page.evaluate(([u, c]) => window.has_(u, c), [server.url(dropped), cache]), true);
          const listed = await page.evaluate((c) => window.list_(c), cache);
          assert.deepEqual(listed.find((e) => e.url === server.url(dropped)), { url: server.url(dropped), size: files_(cache).dropped.length, complete: true });
        });

        test('an abort keeps the partial download and the next open resumes from it', async () => {
          const body = files_(cache).aborted;
          const first = await open(aborted, { abortAfter: 700_000 });
          assert.equal(first.error?.type, 'aborted', JSON.stringify(first.error));
          const partial = (await page.evaluate((c) => window.list_(c), cache)).find((e) => e.url === server.url(aborted));
          assert.equal(partial.complete, false);
          // Cache Storage keeps whole chunks only (two of 256 KiB); OPFS keeps every byte written
          assert.equal(partial.size, cache === 'cache-storage' ? 2 * CHUNK : 700_000);
          assert.equal(await page.evaluate(([u, c]) => window.has_(u, c), [server.url(aborted), cache]), false);
          const second = await open(aborted, { sha256: sha(body) });
          assert.equal(second.error, undefined, JSON.stringify(second.error));
          assert.equal(second.sha256, sha(body));
          assert.equal(requestsFor(aborted).at(-1), `bytes=${partial.size}-`);
        });

        test('a sha256 mismatch is an integrity_error and removes the entry', async () => {
          const r = await open(stories, { sha256: sha(Buffer.from('something else')) });
          assert.equal(r.error?.type, 'integrity_error');
          assert.equal(await page.evaluate(([u, c]) => window.has_(u, c), [server.url(stories), cache]), false);
          assert.equal((await page.evaluate((c) => window.list_(c), cache)).some((e) => e.url === server.url(stories)), false);
        });

        test('stories260K read back from the cache gives its greedy text on the CPU engine', async () => {
          const r = await open(stories, { sha256: sha(STORIES) });
          assert.equal(r.sha256, sha(STORIES));
          const n = requestsFor(stories).length;
          assert.equal(await page.evaluate((a) => window.greedyFromCache(a), { url: server.url(stories), cache }), ZOO_57);
          assert.equal(requestsFor(stories).length, n, 'read from the cache');
        });

        test('deleteModelFromCache removes the entries', async () => {
          for (const path of [dropped, aborted, stories]) await page.evaluate(([u, c]) => window.delete_(u, c), [server.url(path), cache]);
          assert.deepEqual(await page.evaluate((c) => window.list_(c), cache), []);
          assert.equal(await page.evaluate(([u, c]) => window.has_(u, c), [server.url(dropped), cache]), false);
        });
      });
    }

    test('service worker: openModel downloads into Cache Storage there, and the page then opens it from the cache', async () => {
      const url = server.url(`/${browserName}/sw/stories260K.gguf`);
      const r = await page.evaluate((a) => window.openInServiceWorker_(a), { url, cache: 'cache-storage' });
      assert.equal(r.error, undefined, JSON.stringify(r.error));
      assert.deepEqual([r.size, r.sha256], [STORIES.length, sha(STORIES)]);
      assert.equal(requestsFor(`/${browserName}/sw/stories260K.gguf`).length, 1);
      const inPage = await page.evaluate((u) => window.openModel_({ url: u, cache: 'cache-storage' }), url);
      assert.equal(inPage.sha256, sha(STORIES));
      assert.equal(requestsFor(`/${browserName}/sw/stories260K.gguf`).length, 1, 'the page found the worker\'s download in the cache');
      await page.evaluate((u) => window.delete_(u, 'cache-storage'), url);
    });

    // Chromium only: the quota override is a Chrome DevTools Protocol command
    if (browserName === 'chromium') test('quota: with the origin quota lowered (CDP Storage.overrideQuotaForOrigin) a download that does not fit is quota_exceeded', async () => {
      const cdp = await page.context().newCDPSession(page);
      const origin = server.url('');
      try {
        for (const cache of KINDS) {
          // 2 MB beyond what the origin already uses (deleted entries may still count for a while)
          const { usage } = await page.evaluate(() => navigator.storage.estimate());
          await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 2_000_000 });
          // the size is known: the error says how much was still needed (Chromium's estimate() does
          // not reflect the override, so it is the write that fails, not the check before it)
          const known = await open_({ url: server.url(`/${browserName}/quota/known.bin`), cache, cacheChunkBytes: CHUNK });
          assert.equal(known.error?.type, 'quota_exceeded', `${cache}: ${JSON.stringify(known.error)}`);
          assert.ok(known.error.needed > 0 && known.error.needed <= 3_000_000, `${cache}: needed ${known.error.needed}`);
          assert.match(known.error.message, /not enough storage .*needs .*bytes/);
          // the size is unknown (chunked): the browser's QuotaExceededError while writing is mapped
          const unknown = await open_({ url: server.url(`/${browserName}/quota/unknown.bin`), cache, cacheChunkBytes: CHUNK });
          assert.equal(unknown.error?.type, 'quota_exceeded', `${cache}: ${JSON.stringify(unknown.error)}`);
          assert.equal(unknown.error.needed, null);
          assert.match(unknown.error.message, /not enough storage/);
          for (const path of [`/${browserName}/quota/known.bin`, `/${browserName}/quota/unknown.bin`]) await page.evaluate(([u, c]) => window.delete_(u, c), [server.url(path), cache]);
        }
      } finally {
        await cdp.send('Storage.overrideQuotaForOrigin', { origin }); // back to the default quota
        await cdp.detach();
      }
    });
  });
}
