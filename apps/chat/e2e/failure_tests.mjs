// Downloads and limits end to end, inside a chat suite: a download cancelled midway and resumed
// from where it stopped (through a slow cross-origin server, as a model host is), a model file
// dropped on the page, the warning before a catalog model too large for this device, and a
// conversation outgrowing a small context under each overflow policy.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';

import { openModels, saveSettings, screenshots, sendAndWatch, siblingPage, status, waitFor, waitReady, waitStatus } from './chat_page.mjs';

/** A model host on another origin that sends `upstream`'s /models/ files slowly (16 KB every
 * 60 ms) with CORS, and records the Range of each request. */
export class SlowModelHost {
  requests = [];
  #server = null;
  port = 0;

  constructor(upstream) {
    this.upstream = upstream;
  }

  get origin() {
    return `http://127.0.0.1:${this.port}`;
  }

  async start() {
    this.#server = createServer(async (req, res) => {
      const cors = {
        'access-control-allow-origin': '*', 'access-control-allow-headers': '*',
        'access-control-expose-headers': 'content-length, content-range, accept-ranges, etag',
        'cross-origin-resource-policy': 'cross-origin',
      };
      if (req.method === 'OPTIONS') return res.writeHead(204, cors).end();
      this.requests.push({ method: req.method, url: req.url, range: req.headers.range ?? null });
      const name = req.url.split('/').pop();
      let up;
      try {
        up = await fetch(`${this.upstream()}/models/stories260K.gguf`, { method: req.method, headers: req.headers.range ? { range: req.headers.range } : {} });
      } catch {
        return res.writeHead(502, cors).end();
      }
      const headers = { ...cors };
      for (const h of ['content-length', 'content-range', 'accept-ranges', 'etag', 'content-type']) if (up.headers.get(h)) headers[h] = up.headers.get(h);
      res.writeHead(name === 'slow-stories.gguf' ? up.status : 404, headers);
      if (req.method === 'HEAD' || !up.body) return res.end();
      const reader = up.body.getReader();
      let closed = false;
      res.on('close', () => {
        closed = true;
        void reader.cancel().catch(() => undefined);
      });
      let buf = new Uint8Array(0);
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ done: true }));
        if (value) buf = Buffer.concat([buf, value]);
        while (buf.length >= 16384 || (done && buf.length > 0)) {
          if (closed) return;
          res.write(buf.subarray(0, 16384));
          buf = buf.subarray(16384);
          await new Promise((r) => setTimeout(r, 60));
        }
        if (done) break;
      }
      res.end();
    });
    await new Promise((ok) => this.#server.listen(0, '127.0.0.1', ok));
    this.port = this.#server.address().port;
  }

  async stop() {
    this.#server?.closeAllConnections();
    await new Promise((ok) => (this.#server ? this.#server.close(ok) : ok()));
  }
}

const clickIn = (page, selector) => page.evaluate((s) => document.querySelector(s).click(), selector);

export function failureTests(name, getPage, host) {
  test('a download cancelled midway resumes from where it stopped when loaded again', async () => {
    const page = getPage();
    await openModels(page);
    await page.evaluate((u) => {
      document.querySelector('[data-testid=url-input]').value = u;
    }, `${host.origin}/models/slow-stories.gguf`);
    await page.click('[data-testid=url-load]');
    // the progress line names the bytes so far and the total
    await waitFor(page, () => /[\d.]+ KB of 1\.\d+ MB/.test(document.querySelector('[data-testid=load-progress]')?.textContent ?? ''));
    await screenshots(page, name, 'downloading');
    await page.click('[data-testid=cancel-load]');
    await waitStatus(page, 'error');
    assert.equal((await status(page)).title, 'Download cancelled');
    await screenshots(page, name, 'cancelled');
    const before = host.requests.length;
    await page.click('[data-testid=reload-model]');
    await waitReady(page);
    assert.equal(await page.evaluate(() => document.querySelector('.model-button-text').textContent), 'slow-stories');
    const resumed = host.requests.slice(before).filter((r) => r.method === 'GET');
    assert.ok(resumed.length >= 1, 'the second load asked the host again');
    const from = Number(/^bytes=(\d+)-/.exec(resumed[0].range ?? '')?.[1] ?? 0);
    assert.ok(from > 0, `the second load asked for the rest, not the whole file (Range: ${resumed[0].range})`);
    const r = await sendAndWatch(page, 'The little bird');
    assert.equal(r.error, null);
  });

  test('a .gguf dropped on the page loads in place', async () => {
    const page = getPage();
    const overlay = await page.evaluate(async () => {
      const bytes = await (await fetch('/models/stories260K.gguf')).blob();
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'dropped-stories.gguf'));
      document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
      const shown = document.querySelector('#app').classList.contains('dropping');
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      return shown;
    });
    assert.equal(overlay, true, 'dragging a file over the page shows the drop target');
    await waitFor(page, () => document.querySelector('.model-button-text')?.textContent === 'dropped-stories' && document.querySelector('[data-testid=backend]'));
    assert.equal(await page.evaluate(() => document.querySelector('#app').classList.contains('dropping')), false);
  });

  test('on a device with 2 GB, a catalog model too large for it is flagged before anything downloads', async () => {
    const page = await siblingPage(getPage(), () => Object.defineProperty(Navigator.prototype, 'deviceMemory', { get: () => 2 }));
    try {
      await page.goto(new URL('/', getPage().url()).href);
      await waitReady(page);
      await openModels(page);
      const id = await page.evaluate(() => document.querySelector('.model-row.fit-too_big')?.dataset.modelId ?? null);
      assert.ok(id, 'the catalog marks some model as too large here');
      const before = await page.evaluate(() => performance.getEntriesByType('resource').length);
      await clickIn(page, `.model-row[data-model-id="${id}"] [data-testid=load-model]`);
      await waitStatus(page, 'error');
      const s = await status(page);
      assert.equal(s.title, `${id} is likely too large for this device`);
      assert.match(s.text, /It needs about [\d.]+ GB of memory; this device looks like it has about 1\.\d+ GB/);
      assert.equal(await page.evaluate(() => Boolean(document.querySelector('[data-testid=load-anyway]'))), true);
      const fetched = await page.evaluate((n) => performance.getEntriesByType('resource').slice(n).map((e) => e.name).filter((u) => /\.gguf/.test(u)), before);
      assert.deepEqual(fetched, [], 'nothing was downloaded');
      await screenshots(page, name, 'too-large');
      // the model loaded before is still there
      assert.equal(await page.evaluate(() => document.querySelector('[data-testid=backend]') !== null), true, 'the loaded model stays');
    } finally {
      await page.close();
    }
  });

  test('a conversation outgrowing the context: an error under "stop", the oldest turns dropped under "drop"', async () => {
    const page = getPage();
    await saveSettings(page, { contextSize: 256, contextOverflow: 'error', maxTokens: 64 });
    await waitReady(page);
    await page.click('[data-testid=new-chat]');
    const long = 'Once upon a time there was a little girl who liked to play in the park with her dog. '.repeat(6);
    const over = await sendAndWatch(page, long);
    assert.match(over.error ?? '', /^The conversation no longer fits the model's context\. .*maximum context length is 256 tokens/);
    await screenshots(page, name, 'context-error');
    await saveSettings(page, { contextOverflow: 'drop_oldest' });
    await page.click('[data-testid=new-chat]');
    const half = 'The dog ran to the big tree and saw a little bird. '.repeat(3);
    const first = await sendAndWatch(page, half);
    assert.equal(first.error, null);
    const second = await sendAndWatch(page, half);
    assert.equal(second.error, null);
    assert.match(second.stats, /· 2 oldest messages left out to fit the context$/);
    await saveSettings(page, { contextSize: 0, maxTokens: 96 });
    await waitReady(page);
  });
}
