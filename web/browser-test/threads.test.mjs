// The threaded CPU path in headless Chromium (WebGPU off, so the CPU runs): a cross-origin isolated
// page loads hearth_core_mt (pthreads on Web Workers) by default and gives stories260K's known text
// with more than one thread; the same page served without COOP/COEP falls back to the
// single-threaded hearth_core and gives the same text.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchChromium, openPage } from './browsers.mjs';
import { startServer } from './server.mjs';
import { ZOO_57 } from './stories260k.mjs';

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launchChromium({ webgpu: false });
});
after(async () => {
  await browser?.close();
  server?.close();
});

describe('chromium, cross-origin isolated page', () => {
  let page;
  before(async () => (page = await openPage(browser, server.origin, '/web/browser-test/pages/engine.html', 'chromium-threads')));

  test('threads are available and the default CPU engine runs the threaded module', async () => {
    assert.equal(await page.evaluate(() => window.crossOriginIsolated_), true);
    assert.equal(await page.evaluate(() => window.threadsAvailable()), true);
    const r = await page.evaluate((a) => window.greedy(a), { backend: 'cpu', prompt: 'Zoo', maxTokens: 57 });
    assert.equal(r.backend, 'cpu');
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    assert.equal(r.threads, Math.min(64, cores)); // 'auto'
    assert.equal(r.text, ZOO_57);
    const wasm = await page.evaluate(() => window.wasmFetched());
    assert.deepEqual(wasm, ['/web/dist/hearth_core_mt.wasm']);
  });

  test('threads: 2 runs two threads with the same text', async () => {
    const r = await page.evaluate((a) => window.greedy(a), { backend: 'cpu', prompt: 'Zoo', maxTokens: 57, threads: 2 });
    assert.equal(r.threads, 2);
    assert.equal(r.text, ZOO_57);
  });
});

describe('chromium, page without COOP/COEP', () => {
  let page;
  before(async () => (page = await openPage(browser, server.origin, '/web/browser-test/pages/engine.html?isolation=off', 'chromium-no-isolation')));

  test('no threads: the single-threaded module gives the same text', async () => {
    assert.equal(await page.evaluate(() => window.crossOriginIsolated_), false);
    assert.equal(await page.evaluate(() => window.threadsAvailable()), false);
    const r = await page.evaluate((a) => window.greedy(a), { backend: 'cpu', prompt: 'Zoo', maxTokens: 57, threads: 2 });
    assert.equal(r.threads, 1);
    assert.equal(r.text, ZOO_57);
    assert.deepEqual(await page.evaluate(() => window.wasmFetched()), ['/web/dist/hearth_core.wasm']);
  });
});
