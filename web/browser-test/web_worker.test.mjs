// CreateWebWorkerEngine in headless Chromium: stories260K served from a dedicated Web Worker
// (WebWorkerEngineHandler) gives the same text as the page's own engine for the same requests,
// streams OpenAI chunks, aborts mid-stream, and rethrows the worker's errors as the same classes.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { launchChromium } from './browsers.mjs';
import { pageFixture } from './page_fixture.mjs';
import { ZOO_57 } from './stories260k.mjs';

const browser = pageFixture(launchChromium, '/web/browser-test/pages/worker.html', 'web-worker', (page) =>
  page.evaluate(() => window.startWebWorker({ backend: 'cpu' })),
);

const PROMPT = 'Once upon a time, there was a little';

test('web worker: a streamed chat completion equals the page engine\'s', async () => {
  const inWorker = await browser.page.evaluate((p) => window.streamChat('worker', p), PROMPT);
  const inPage = await browser.page.evaluate((p) => window.streamChat('page', p), PROMPT);
  assert.equal(inWorker.role, 'assistant');
  assert.ok(inWorker.chunks > 5, `only ${inWorker.chunks} content chunks`);
  assert.ok(inWorker.text.length > 20);
  assert.equal(inWorker.text, inPage.text);
  assert.equal(inWorker.finish, inPage.finish);
});

test('web worker: non-stream chat and text completions equal the page engine\'s', async () => {
  const w = await browser.page.evaluate((p) => window.chat('worker', p), PROMPT);
  const p = await browser.page.evaluate((p) => window.chat('page', p), PROMPT);
  assert.equal(w.object, 'chat.completion');
  assert.equal(w.text, p.text);
  assert.equal(w.usage.completion_tokens, p.usage.completion_tokens);
  const wc = await browser.page.evaluate(() => window.complete('worker', 'Zoo'));
  const pc = await browser.page.evaluate(() => window.complete('page', 'Zoo'));
  assert.equal(wc.text, pc.text);
  assert.equal(wc.finish, 'length');
});

test('web worker: aborting the signal mid-stream ends it with finish_reason abort', async () => {
  const full = await browser.page.evaluate((p) => window.streamChat('worker', p, { max_tokens: 200, ignore_eos: true }), PROMPT);
  assert.equal(full.finish, 'length');
  const cut = await browser.page.evaluate((p) => window.streamChat('worker', p, { max_tokens: 200, ignore_eos: true }, 3), PROMPT);
  assert.equal(cut.finish, 'abort');
  assert.ok(cut.text.length < full.text.length, 'the aborted stream is shorter');
  assert.ok(full.text.startsWith(cut.text), 'and a prefix of the full one');
  // the worker's engine is usable after the abort
  const again = await browser.page.evaluate((p) => window.streamChat('worker', p), PROMPT);
  const inPage = await browser.page.evaluate((p) => window.streamChat('page', p), PROMPT);
  assert.equal(again.text, inPage.text);
});

test('web worker: a non-stream request is aborted mid-generation too', async () => {
  const long = { max_tokens: 400, ignore_eos: true };
  const full = await browser.page.evaluate((p) => window.chat('worker', p, { max_tokens: 400, ignore_eos: true }), PROMPT);
  assert.equal(full.finish, 'length');
  const cut = await browser.page.evaluate(([p, x]) => window.chatAbortedAfter('worker', p, x, 20), [PROMPT, long]);
  assert.equal(cut.finish, 'abort');
  assert.ok(cut.tokens < full.usage.completion_tokens && full.text.startsWith(cut.text));
});

test('web worker: errors cross as the same classes with type and param', async () => {
  const e = await browser.page.evaluate(() => window.chatError('worker', { temperature: 5 }));
  assert.ok(e, 'the request failed');
  assert.equal(e.isInvalidRequestError, true);
  assert.equal(e.isHearthError, true);
  assert.equal(e.type, 'invalid_request_error');
  assert.equal(e.param, 'temperature');
  const bad = await browser.page.evaluate(() => window.chatError('worker', { chat_template: '{% for %}' }));
  assert.equal(bad.isHearthError, true);
  assert.notEqual(bad.type, 'internal');
});

test('web worker: getMessage, runtimeStatsText, unload and reload', async () => {
  const s = await browser.page.evaluate((p) => window.streamChat('worker', p), PROMPT);
  assert.equal(await browser.page.evaluate(() => window.call('worker', 'getMessage')), s.text);
  const stats = await browser.page.evaluate(() => window.call('worker', 'runtimeStatsText'));
  assert.match(stats, /prefill: [\d.]+ tokens\/sec, decoding: [\d.]+ tokens\/sec/);
  await browser.page.evaluate(() => window.call('worker', 'unload'));
  const e = await browser.page.evaluate(() => window.chatError('worker', {}));
  assert.equal(e?.code, 'model_not_loaded');
  assert.equal(e.isHearthError, true);
  await browser.page.evaluate(() => window.call('worker', 'reload', window.MODEL_URL, { backend: 'cpu' }));
  const after = await browser.page.evaluate((p) => window.streamChat('worker', p), PROMPT);
  assert.equal(after.text, s.text);
});

test('web worker on WebGPU: stories260K greedy continuation of "Zoo" from a worker\'s own GPU device', async () => {
  await browser.page.evaluate(() => window.startWebWorker({ backend: 'webgpu' }, 'gpuWorker'));
  const r = await browser.page.evaluate(() => window.complete('gpuWorker', 'Zoo', 57));
  assert.equal(r.text, ZOO_57);
  assert.equal(r.finish, 'length');
});

test('web worker: a worker that fails to start rejects CreateWebWorkerEngine instead of hanging', async () => {
  const e = await browser.page.evaluate(() => window.failure(window.startWebWorker({ backend: 'cpu' }, 'broken', 'no_such_worker.mjs')));
  assert.equal(e?.name, 'HearthError');
  assert.equal(e.type, 'internal');
  assert.match(e.message, /worker failed/);
});
