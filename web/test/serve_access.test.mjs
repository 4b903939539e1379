// `hearth serve` on a shared machine: --api-key (or HEARTH_API_KEY) needed on every API route, the
// official openai client with and without it; browser origins refused unless listed
// (--cors-origins), preflights, DNS-rebinding Host names; --max-queue's 429 with Retry-After;
// --timeout ending a running request; the request log without prompt text.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, test } from 'node:test';

import OpenAI from 'openai';

import { startServe } from './serve_process.mjs';

const TEMPLATE = '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}';
const chat = (content, extra = {}) => ({ model: 'm', messages: [{ role: 'user', content }], chat_template: TEMPLATE, temperature: 0, max_tokens: 20, ...extra });
const servers = [];
after(() => Promise.all(servers.map((s) => s.stop())));
async function serve(args, env) {
  const s = await startServe(args, env);
  servers.push(s);
  return s;
}

const post = (s, path, body, headers = {}) =>
  fetch(`${s.origin}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

test('--api-key: the openai client with the key works, without it or with another one gets 401', async () => {
  const s = await serve(['--api-key', 'sesame']);
  assert.match(s.stderr(), /an API key is required/);
  const good = new OpenAI({ baseURL: s.baseURL, apiKey: 'sesame', maxRetries: 0 });
  const r = await good.chat.completions.create(chat('Zoo'));
  assert.equal(r.choices[0].finish_reason, 'length');
  assert.equal((await good.models.list()).data.length, 1);
  for (const apiKey of ['wrong', 'sesame2', 'sesam']) {
    const bad = new OpenAI({ baseURL: s.baseURL, apiKey, maxRetries: 0 });
    await assert.rejects(bad.chat.completions.create(chat('Zoo')), (e) => {
      assert.ok(e instanceof OpenAI.AuthenticationError, String(e));
      assert.equal(e.status, 401);
      assert.equal(e.code, 'invalid_api_key');
      return true;
    });
    await assert.rejects(bad.models.list(), (e) => e.status === 401);
  }
  // raw: no Authorization at all, on every route (unknown ones too)
  for (const [method, path] of [['POST', '/v1/chat/completions'], ['POST', '/v1/completions'], ['GET', '/v1/models'], ['GET', '/v1/models/m'], ['GET', '/v1/nope']]) {
    const res = await fetch(`${s.origin}${path}`, { method, ...(method === 'POST' ? { body: '{}' } : {}) });
    assert.equal(res.status, 401, `${method} ${path}`);
    assert.equal((await res.json()).error.code, 'invalid_api_key');
  }
});

test('HEARTH_API_KEY sets the key too', async () => {
  const s = await serve([], { HEARTH_API_KEY: 'from-env' });
  assert.equal((await post(s, '/v1/chat/completions', chat('Zoo'))).status, 401);
  assert.equal((await post(s, '/v1/chat/completions', chat('Zoo'), { Authorization: 'Bearer from-env' })).status, 200);
});

test('browser origins: refused unless listed; listed ones get CORS headers; preflights; rebinding Host names', async () => {
  const open = await serve([]);
  assert.match(open.stderr(), /browser origins allowed: only its own/);
  const evil = await post(open, '/v1/chat/completions', chat('Zoo'), { Origin: 'http://evil.example' });
  assert.equal(evil.status, 403);
  assert.equal(evil.headers.get('access-control-allow-origin'), null);
  assert.equal((await evil.json()).error.code, 'origin_not_allowed');
  // the server's own origin (a page it serves) and clients without an Origin are fine
  assert.equal((await post(open, '/v1/chat/completions', chat('Zoo'), { Origin: open.origin })).status, 200);
  assert.equal((await post(open, '/v1/chat/completions', chat('Zoo'))).status, 200);
  // a preflight from an origin not listed gets no allow header
  const pre = await fetch(`${open.origin}/v1/chat/completions`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST' } });
  assert.equal(pre.headers.get('access-control-allow-origin'), null);
  // DNS rebinding: a page on evil.example whose name resolves to 127.0.0.1 sends Host: evil.example
  const port = new URL(open.origin).port;
  const rebound = await new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/models', headers: { Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` } }, (res) => {
      res.resume();
      ok(res.statusCode);
    });
    req.on('error', fail);
    req.end();
  });
  assert.equal(rebound, 421);

  const listed = await serve(['--cors-origins', 'http://localhost:5173,https://app.example']);
  const ok = await post(listed, '/v1/chat/completions', chat('Zoo'), { Origin: 'https://app.example' });
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example');
  assert.match(ok.headers.get('vary'), /Origin/);
  const pre2 = await fetch(`${listed.origin}/v1/chat/completions`, { method: 'OPTIONS', headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' } });
  assert.equal(pre2.status, 204);
  assert.equal(pre2.headers.get('access-control-allow-origin'), 'http://localhost:5173');
  assert.match(pre2.headers.get('access-control-allow-headers'), /Authorization/);
  assert.equal((await post(listed, '/v1/chat/completions', chat('Zoo'), { Origin: 'http://evil.example' })).status, 403);

  const any = await serve(['--cors-origins', '*']);
  const star = await post(any, '/v1/chat/completions', chat('Zoo'), { Origin: 'http://anything.example' });
  assert.equal(star.status, 200);
  assert.equal(star.headers.get('access-control-allow-origin'), '*');
  // the flag's value is checked
  await assert.rejects(startServe(['--cors-origins', 'localhost:5173']), /--cors-origins takes origins/);
});

test('--max-queue: past it a request is refused at once with 429 and Retry-After; the others are answered', async () => {
  const s = await serve(['--max-queue', '1']);
  const long = chat('Once', { max_tokens: 400, ignore_eos: true });
  const replies = await Promise.all(Array.from({ length: 6 }, () => post(s, '/v1/chat/completions', long)));
  const statuses = replies.map((r) => r.status);
  const busy = replies.filter((r) => r.status === 429);
  assert.ok(busy.length >= 1, `statuses ${statuses}`);
  assert.ok(statuses.filter((x) => x === 200).length >= 2, `statuses ${statuses}`);
  assert.ok(statuses.every((x) => x === 200 || x === 429), `statuses ${statuses}`);
  for (const r of busy) {
    assert.ok(Number.isInteger(Number(r.headers.get('retry-after'))) && Number(r.headers.get('retry-after')) >= 1);
    const e = (await r.json()).error;
    assert.equal(e.code, 'queue_full');
    assert.equal(e.type, 'rate_limit_error');
  }
  for (const r of replies.filter((x) => x.status === 200)) assert.equal((await r.json()).choices[0].finish_reason, 'length');
  // and the server goes on
  assert.equal((await post(s, '/v1/chat/completions', chat('Zoo'))).status, 200);
});

test('--timeout ends a running request with finish_reason abort; the request log has no prompt text', async () => {
  const s = await serve(['--timeout', '0.001']);
  const r = await (await post(s, '/v1/chat/completions', chat('PURPLE-ELEPHANT', { max_tokens: 400, ignore_eos: true }))).json();
  assert.equal(r.choices[0].finish_reason, 'abort');
  assert.ok(r.usage.completion_tokens < 400);
  await post(s, '/v1/completions', { prompt: 'PURPLE-ELEPHANT', max_tokens: 3 });
  await fetch(`${s.origin}/v1/nope`);
  await new Promise((ok) => setTimeout(ok, 100)); // the last log line
  const log = s.stderr();
  assert.match(log, /POST \/v1\/chat\/completions 200 \d+\.\d\ds prompt=\d+ completion=\d+/);
  assert.match(log, /POST \/v1\/completions 200 /);
  assert.match(log, /GET \/v1\/nope 404 \d+\.\d\ds not_found/);
  assert.ok(!log.includes('PURPLE'), 'no prompt text in the log');
  const quiet = await serve(['--quiet']);
  await post(quiet, '/v1/completions', { prompt: 'Zoo', max_tokens: 3 });
  assert.ok(!/POST/.test(quiet.stderr()));
});
