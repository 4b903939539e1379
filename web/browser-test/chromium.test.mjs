// hearth in headless Chromium: stories260K's known greedy text on the CPU backend (wasm) and on
// WebGPU (Dawn on SwiftShader), and the automatic choice of the CPU when the browser has no WebGPU.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { launchChromium } from './browsers.mjs';
import { engineWithWebGpuTests } from './engine_page_tests.mjs';
import { pageFixture } from './page_fixture.mjs';
import { assertGreedyZoo } from './stories260k.mjs';

const ENGINE_PAGE = '/web/browser-test/pages/engine.html';

describe('chromium with WebGPU', () => {
  engineWithWebGpuTests(pageFixture(launchChromium, ENGINE_PAGE, 'chromium'));
});

describe('chromium without WebGPU', () => {
  const browser = pageFixture(() => launchChromium({ webgpu: false }), ENGINE_PAGE, 'chromium-no-webgpu');

  test('auto picks the CPU backend and gives the same text', async () => {
    assert.equal(await browser.page.evaluate(() => window.webgpuAdapter()), false);
    await assertGreedyZoo(browser.page, 'auto', 'cpu');
  });
});
