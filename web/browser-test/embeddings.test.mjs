// Embeddings in real browsers (headless Chromium and Firefox ESR): a tiny synthetic bert written by
// `hearth gen` (served from build/browser-test-models/) gives the native CLI's vectors in the page's
// own engine (backend 'auto': WebGPU where the browser has it, else the CPU), in a Web Worker engine and in a Service Worker
// engine; a language model refuses with model_not_embedding.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

import { launchChromium, launchFirefox } from './browsers.mjs';
import { pageFixture } from './page_fixture.mjs';

const HEARTH = fileURLToPath(new URL('../../build/bin/hearth', import.meta.url));
const DIR = fileURLToPath(new URL('../../build/browser-test-models/', import.meta.url));
mkdirSync(DIR, { recursive: true });
const FILE = `${DIR}tiny-bert.gguf`;
const g = spawnSync(HEARTH, ['gen', '--arch', 'tiny-bert', '--type', 'q8_0', '-o', FILE], { encoding: 'utf8' });
assert.equal(g.status, 0, g.stderr);
const URL_PATH = '/build/browser-test-models/tiny-bert.gguf';
const INPUT = ['The cat sat on the mat.', 'An embedding in a browser.'];
const native = spawnSync(HEARTH, ['embed', '--model', FILE], { input: INPUT.join('\n') + '\n', encoding: 'utf8' });
assert.equal(native.status, 0, native.stderr);
const want = native.stdout.trim().split('\n').map((l) => JSON.parse(l).embedding);

// the CPU engine gives the native vectors to ~1e-6; a WebGPU engine (sums in another order) to a cosine bound
const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const close = (a, b) => a.length === b.length && a.reduce((s, x, k) => s + x * b[k], 0) / (norm(a) * norm(b)) >= 0.99999;

for (const [name, launch] of [['chromium', launchChromium], ['firefox', launchFirefox]]) {
  describe(name, () => {
    const browser = pageFixture(launch, '/web/browser-test/pages/worker.html', `${name}-embeddings`);
    test(`${name}: page, Web Worker and Service Worker engines give the native CLI's embeddings`, async () => {
      const got = await browser.page.evaluate(([u, i]) => window.embedEverywhere(u, i), [URL_PATH, INPUT]);
      assert.ok(['cpu', 'webgpu'].includes(got.pageBackend));
      for (const where of ['page', 'worker', 'sw']) {
        assert.equal(got[where].length, INPUT.length, where);
        got[where].forEach((v, i) => assert.ok(close(v, want[i]), `${where} input ${i}`));
      }
      assert.deepEqual(got.refusal, { type: 'invalid_request_error', code: 'model_not_embedding' });
    });
  });
}
