// hearth in headless Chromium: stories260K's known greedy text on the CPU backend (wasm) and on
// WebGPU (Dawn on SwiftShader), and the automatic choice of the CPU when the browser has no WebGPU.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { launchChromium, openPage } from './browsers.mjs';
import { startServer } from './server.mjs';
import { ZOO_57 } from './stories260k.mjs';

let server;
before(async () => (server = await startServer()));
after(() => server?.close());

describe('chromium with WebGPU', () => {
  let browser, page;
  before(async () => {
    browser = await launchChromium();
    page = await openPage(browser, server.origin, '/web/browser-test/pages/engine.html', 'chromium');
  });
  after(() => browser?.close());

  test('the page is cross-origin isolated and has a WebGPU adapter', async () => {
    assert.equal(await page.evaluate(() => window.crossOriginIsolated_), true);
    assert.equal(await page.evaluate(() => window.webgpuAdapter()), true);
  });

  test('webgpu backend: stories260K greedy continuation of "Zoo"', async () => {
    const r = await page.evaluate((a) => window.greedy(a), { backend: 'webgpu', prompt: 'Zoo', maxTokens: 57 });
    assert.equal(r.backend, 'webgpu');
    assert.equal(r.tokens, 57);
    assert.equal(r.text, ZOO_57);
  });

  test('cpu backend: stories260K greedy continuation of "Zoo"', async () => {
    const r = await page.evaluate((a) => window.greedy(a), { backend: 'cpu', prompt: 'Zoo', maxTokens: 57 });
    assert.equal(r.backend, 'cpu');
    assert.equal(r.tokens, 57);
    assert.equal(r.text, ZOO_57);
  });
});

describe('chromium without WebGPU', () => {
  let browser, page;
  before(async () => {
    browser = await launchChromium({ webgpu: false });
    page = await openPage(browser, server.origin, '/web/browser-test/pages/engine.html', 'chromium-no-webgpu');
  });
  after(() => browser?.close());

  test('auto picks the CPU backend and gives the same text', async () => {
    assert.equal(await page.evaluate(() => window.webgpuAdapter()), false);
    const r = await page.evaluate((a) => window.greedy(a), { backend: 'auto', prompt: 'Zoo', maxTokens: 57 });
    assert.equal(r.backend, 'cpu');
    assert.equal(r.text, ZOO_57);
  });
});
