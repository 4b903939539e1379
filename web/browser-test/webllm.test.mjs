// hearth/webllm in headless Chromium: WebLLM's get-started-web-worker and service-worker flows
// (CreateWebWorkerMLCEngine with WebWorkerMLCEngineHandler, CreateServiceWorkerMLCEngine with
// ServiceWorkerMLCEngineHandler), written with WebLLM's calls over stories260K from appConfig; each
// worker's replies equal the page's own MLCEngine's, errors keep their names and fields.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { launchChromium } from './browsers.mjs';
import { pageFixture } from './page_fixture.mjs';
import { ZOO_57 } from './stories260k.mjs';

const browser = pageFixture(launchChromium, '/web/browser-test/pages/webllm.html', 'webllm');

test('get-started-web-worker: CreateWebWorkerMLCEngine streams the page engine\'s reply, with progress and stats', async () => {
  const progress = await browser.page.evaluate(() => window.startWorker());
  assert.ok(progress.length >= 2 && progress.at(-1) === 1, JSON.stringify(progress));
  const inWorker = await browser.page.evaluate(() => window.stream('worker', 'Zoo', { max_tokens: 57 }));
  const inPage = await browser.page.evaluate(() => window.stream('page', 'Zoo', { max_tokens: 57 }));
  assert.equal(inWorker.text, ZOO_57);
  assert.equal(inWorker.text, inPage.text);
  assert.ok(inWorker.chunks > 5);
  assert.equal(inWorker.finish, 'length');
  assert.equal(inWorker.usage.completion_tokens, 57);
  assert.ok(inWorker.usage.extra.e2e_latency_s > 0 && inWorker.usage.extra.time_per_output_token_s > 0);
  assert.equal(inWorker.message, ZOO_57);
  assert.match(inWorker.stats, /^prefill: [\d.]+ tokens\/sec, decoding: [\d.]+ tokens\/sec$/);
});

test('web worker: JSON schema as JSON text, errors by name, unload and reload', async () => {
  const schema = JSON.stringify({ type: 'object', properties: { n: { type: 'integer', minimum: 0, maximum: 9 } }, required: ['n'], additionalProperties: false });
  const json = await browser.page.evaluate((s) => window.chat('worker', {
    messages: [{ role: 'user', content: 'Once' }], temperature: 1, seed: 3, max_tokens: 60, response_format: { type: 'json_object', schema: s },
  }), schema);
  const v = JSON.parse(json.text);
  assert.ok(Number.isInteger(v.n) && v.n >= 0 && v.n <= 9 && Object.keys(v).length === 1, json.text);
  assert.equal(json.model, 'stories-chat');
  const bad = await browser.page.evaluate(() => window.chatError('worker', { messages: [{ role: 'user', content: 'x' }], temperature: 5 }));
  assert.equal(bad.name, 'InvalidRequestError');
  assert.equal(bad.param, 'temperature');
  const unknown = await browser.page.evaluate(() => window.failure(window.call('worker', 'reload', 'no-such-model')));
  assert.equal(unknown.name, 'ModelNotFoundError');
  // an id that is not in appConfig fails before anything is unloaded: the model still answers
  assert.equal((await browser.page.evaluate(() => window.stream('worker', 'Zoo', { max_tokens: 57 }))).text, ZOO_57);
  await browser.page.evaluate(() => window.call('worker', 'unload'));
  const none = await browser.page.evaluate(() => window.chatError('worker', { messages: [{ role: 'user', content: 'x' }] }));
  assert.equal(none.name, 'ModelNotLoadedError');
  await browser.page.evaluate(() => window.call('worker', 'reload', 'stories-chat'));
  const again = await browser.page.evaluate(() => window.stream('worker', 'Zoo', { max_tokens: 57 }));
  assert.equal(again.text, ZOO_57);
});

test('service-worker: CreateServiceWorkerMLCEngine gives the page engine\'s reply', async () => {
  const progress = await browser.page.evaluate(() => window.startServiceWorker());
  assert.equal(progress.at(-1), 1);
  const inSw = await browser.page.evaluate(() => window.stream('sw', 'Zoo', { max_tokens: 57 }));
  assert.equal(inSw.text, ZOO_57);
  assert.equal(inSw.finish, 'length');
  const c = await browser.page.evaluate(() => window.chat('sw', { messages: [{ role: 'user', content: 'Zoo' }], max_tokens: 57 }));
  assert.equal(c.text, ZOO_57);
  const e = await browser.page.evaluate(() => window.failure(window.call('sw', 'forwardTokensAndSample', [1], true)));
  assert.equal(e.type, 'unsupported');
});
