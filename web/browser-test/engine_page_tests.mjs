// The tests every browser with WebGPU runs on pages/engine.html: the page is cross-origin isolated
// and has a WebGPU adapter, and stories260K's greedy "Zoo" text comes out of both backends.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertGreedyZoo } from './stories260k.mjs';

/** `browser`: a pageFixture over pages/engine.html; `prefix`: put before each test's name. */
export function engineWithWebGpuTests(browser, prefix = '') {
  test(`${prefix}the page is cross-origin isolated and has a WebGPU adapter`, async () => {
    assert.equal(await browser.page.evaluate(() => window.crossOriginIsolated_), true);
    assert.equal(await browser.page.evaluate(() => window.webgpuAdapter()), true);
  });

  test(`${prefix}webgpu backend: stories260K greedy continuation of "Zoo"`, async () => {
    await assertGreedyZoo(browser.page, 'webgpu');
  });

  test(`${prefix}cpu backend: stories260K greedy continuation of "Zoo"`, async () => {
    await assertGreedyZoo(browser.page, 'cpu');
  });
}
