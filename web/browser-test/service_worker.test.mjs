// CreateServiceWorkerEngine in headless Chromium: stories260K served from a Service Worker
// (ServiceWorkerEngineHandler) gives the page engine's text, aborts mid-stream, and keeps working
// after Chromium stops the service worker (CDP ServiceWorker.stopAllWorkers): the restarted worker
// has lost its engine, answers 'model_not_loaded', and the client reloads and retries.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { launchChromium } from './browsers.mjs';
import { pageFixture } from './page_fixture.mjs';
import { ZOO_57 } from './stories260k.mjs';

const browser = pageFixture(launchChromium, '/web/browser-test/pages/worker.html', 'service-worker', (page) =>
  page.evaluate(() => window.startServiceWorker({ backend: 'cpu' })),
);

const PROMPT = 'Once upon a time, there was a little';

/** Stops the page's service worker as Chromium does an idle one (DevTools protocol), and waits
 * until it reports it stopped. */
async function stopServiceWorkers() {
  const { page } = browser;
  const cdp = await page.context().newCDPSession(page);
  const stopped = new Promise((ok) => cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
    if (versions.some((v) => v.runningStatus === 'stopped')) ok();
  }));
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await stopped;
  await cdp.detach();
}

test('service worker: a streamed chat completion equals the page engine\'s', async () => {
  const inWorker = await browser.page.evaluate((p) => window.streamChat('sw', p), PROMPT);
  const inPage = await browser.page.evaluate((p) => window.streamChat('page', p), PROMPT);
  assert.ok(inWorker.chunks > 5, `only ${inWorker.chunks} content chunks`);
  assert.equal(inWorker.text, inPage.text);
  assert.equal(inWorker.finish, inPage.finish);
});

test('service worker: aborting the signal mid-stream ends it with finish_reason abort', async () => {
  const full = await browser.page.evaluate((p) => window.streamChat('sw', p, { max_tokens: 200, ignore_eos: true }), PROMPT);
  const cut = await browser.page.evaluate((p) => window.streamChat('sw', p, { max_tokens: 200, ignore_eos: true }, 3), PROMPT);
  assert.equal(full.finish, 'length');
  assert.equal(cut.finish, 'abort');
  assert.ok(cut.text.length < full.text.length && full.text.startsWith(cut.text));
});

test('service worker: requests still work after the worker is stopped and restarted', async () => {
  const before_ = await browser.page.evaluate(() => window.probeServiceWorker());
  assert.equal(before_.loads, 1);
  const expected = await browser.page.evaluate((p) => window.streamChat('page', p), PROMPT);

  await stopServiceWorkers();

  const text = await browser.page.evaluate((p) => window.streamChat('sw', p), PROMPT);
  assert.equal(text.text, expected.text);
  // a new instance of the worker, which loaded the model again
  const after_ = await browser.page.evaluate(() => window.probeServiceWorker());
  assert.notEqual(after_.instance, before_.instance);
  assert.equal(after_.loads, 1);
  // and non-stream requests too
  const c = await browser.page.evaluate((p) => window.chat('sw', p), PROMPT);
  assert.equal(c.text, expected.text);
});

test('service worker on WebGPU: a stream cut by a stopped worker fails with worker_restarted; the next call reloads', async () => {
  // WebGPU (slow on SwiftShader) so that the stream is still running when the worker is stopped;
  // a heartbeat every 300 ms notices the lost call
  await browser.page.evaluate(() => window.startServiceWorker({ backend: 'webgpu' }, 300));
  await browser.page.evaluate(() => (window.chunksSoFar = 0));
  const cut = browser.page.evaluate((p) => window.streamChatOrError('sw', p, { max_tokens: 200, ignore_eos: true }), PROMPT);
  await browser.page.waitForFunction(() => window.chunksSoFar >= 2);
  await stopServiceWorkers();
  const r = await cut;
  assert.equal(r.error?.code, 'worker_restarted', JSON.stringify(r));
  assert.equal(r.error.name, 'HearthError');
  assert.ok(r.chunks >= 2 && r.chunks < 200, JSON.stringify(r));
  // greedy: the first 20 tokens of the known 57-token continuation
  const again = await browser.page.evaluate(() => window.complete('sw', 'Zoo', 20));
  assert.ok(again.text.length > 40 && ZOO_57.startsWith(again.text), again.text);
});
