// hearth in headless Firefox ESR (WebDriver BiDi): stories260K's known greedy text on WebGPU (wgpu
// over lavapipe here) and on the CPU backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { launchFirefox } from './browsers.mjs';
import { pageFixture } from './page_fixture.mjs';
import { assertGreedyZoo } from './stories260k.mjs';

const browser = pageFixture(launchFirefox, '/web/browser-test/pages/engine.html', 'firefox');

test('firefox: the page is cross-origin isolated and has a WebGPU adapter', async () => {
  assert.equal(await browser.page.evaluate(() => window.crossOriginIsolated_), true);
  assert.equal(await browser.page.evaluate(() => window.webgpuAdapter()), true);
});

test('firefox webgpu backend: stories260K greedy continuation of "Zoo"', async () => {
  await assertGreedyZoo(browser.page, 'webgpu');
});

test('firefox cpu backend: stories260K greedy continuation of "Zoo"', async () => {
  await assertGreedyZoo(browser.page, 'cpu');
});
