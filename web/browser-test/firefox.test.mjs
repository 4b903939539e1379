// hearth in headless Firefox ESR (WebDriver BiDi): stories260K's known greedy text on WebGPU (wgpu
// over lavapipe here) and on the CPU backend.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchFirefox, openPage } from './browsers.mjs';
import { startServer } from './server.mjs';
import { ZOO_57 } from './stories260k.mjs';

let server, browser, page;
before(async () => {
  server = await startServer();
  browser = await launchFirefox();
  page = await openPage(browser, server.origin, '/web/browser-test/pages/engine.html', 'firefox');
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('firefox: the page is cross-origin isolated and has a WebGPU adapter', async () => {
  assert.equal(await page.evaluate(() => window.crossOriginIsolated_), true);
  assert.equal(await page.evaluate(() => window.webgpuAdapter()), true);
});

test('firefox webgpu backend: stories260K greedy continuation of "Zoo"', async () => {
  const r = await page.evaluate((a) => window.greedy(a), { backend: 'webgpu', prompt: 'Zoo', maxTokens: 57 });
  assert.equal(r.backend, 'webgpu');
  assert.equal(r.tokens, 57);
  assert.equal(r.text, ZOO_57);
});

test('firefox cpu backend: stories260K greedy continuation of "Zoo"', async () => {
  const r = await page.evaluate((a) => window.greedy(a), { backend: 'cpu', prompt: 'Zoo', maxTokens: 57 });
  assert.equal(r.backend, 'cpu');
  assert.equal(r.text, ZOO_57);
});
