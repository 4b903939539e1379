// The worker engines in headless Firefox ESR: a Web Worker engine and a Service Worker engine over
// stories260K give the page engine's text, and a stream aborted mid-way ends with 'abort'.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { launchFirefox } from './browsers.mjs';
import { pageFixture } from './page_fixture.mjs';

const browser = pageFixture(launchFirefox, '/web/browser-test/pages/worker.html', 'firefox-workers');

const PROMPT = 'Once upon a time, there was a little';

for (const [kind, start] of [['worker', 'startWebWorker'], ['sw', 'startServiceWorker']]) {
  test(`firefox ${kind === 'sw' ? 'service worker' : 'web worker'} engine: same text as the page engine, abort mid-stream`, async () => {
    await browser.page.evaluate((f) => window[f]({ backend: 'cpu' }), start);
    const w = await browser.page.evaluate(([k, p]) => window.streamChat(k, p), [kind, PROMPT]);
    const p = await browser.page.evaluate((p) => window.streamChat('page', p), PROMPT);
    assert.ok(w.chunks > 5);
    assert.equal(w.text, p.text);
    const cut = await browser.page.evaluate(([k, p]) => window.streamChat(k, p, { max_tokens: 200, ignore_eos: true }, 3), [kind, PROMPT]);
    assert.equal(cut.finish, 'abort');
  });
}
