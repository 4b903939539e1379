// `hearth serve` seen from a page of another origin in headless Chromium (the test server's origin
// calling hearth serve on a second local port): the page reads a reply only when its origin is
// listed in --cors-origins; otherwise fetch fails and the server refused the request (403, in its
// log) rather than generating for a page that cannot read the result.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launchChromium } from './browsers.mjs';
import { startServer } from './server.mjs';
import { startServe } from '../test/serve_process.mjs';

const TEMPLATE = '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}';
const state = {};
before(async () => {
  state.site = await startServer();
  state.listed = await startServe(['--cors-origins', state.site.origin]);
  state.unlisted = await startServe([]);
  state.keyed = await startServe(['--cors-origins', state.site.origin, '--api-key', 'k1']);
  state.browser = await launchChromium({ webgpu: false });
  state.page = await state.browser.newPage();
  await state.page.goto(`${state.site.origin}/web/package.json`);
});
after(async () => {
  await state.browser?.close();
  await Promise.all([state.listed, state.unlisted, state.keyed].map((s) => s?.stop()));
  await state.site?.close();
});

/** A chat request from the page: its JSON reply, or the error fetch failed with. */
const fromPage = (base, headers = {}) => state.page.evaluate(async ({ base, headers, template }) => {
  try {
    const r = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Zoo' }], chat_template: template, temperature: 0, max_tokens: 8 }),
    });
    return { status: r.status, body: await r.json() };
  } catch (e) {
    return { error: `${e.name}: ${e.message}` };
  }
}, { base, headers, template: TEMPLATE });

test('a listed origin reads the reply; an unlisted one cannot, and the server did not generate for it', async () => {
  const ok = await fromPage(state.listed.origin);
  assert.equal(ok.status, 200, JSON.stringify(ok));
  assert.equal(ok.body.choices[0].finish_reason, 'length');
  // a JSON request is preflighted: the preflight is refused, the request never sent
  const refused = await fromPage(state.unlisted.origin);
  assert.match(refused.error ?? '', /TypeError/, JSON.stringify(refused));
  // a "simple" request (text/plain, no preflight) reaches the server, which refuses to run it
  const simple = await fromPage(state.unlisted.origin, { 'Content-Type': 'text/plain' });
  assert.match(simple.error ?? '', /TypeError/, JSON.stringify(simple));
  await new Promise((r) => setTimeout(r, 100));
  const log = state.unlisted.stderr();
  assert.match(log, /OPTIONS \/v1\/chat\/completions 403 .*origin_not_allowed/);
  assert.match(log, /POST \/v1\/chat\/completions 403 .*origin_not_allowed/);
  assert.doesNotMatch(log, /POST \/v1\/chat\/completions 200/);
});

test('with an API key, a listed origin needs the key too (its preflight passes, the request does not)', async () => {
  const noKey = await fromPage(state.keyed.origin);
  assert.equal(noKey.status, 401, JSON.stringify(noKey));
  assert.equal(noKey.body.error.code, 'invalid_api_key');
  const withKey = await fromPage(state.keyed.origin, { Authorization: 'Bearer k1' });
  assert.equal(withKey.status, 200, JSON.stringify(withKey));
});
