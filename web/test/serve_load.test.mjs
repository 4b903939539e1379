// A bounded load test of `hearth serve` on 127.0.0.1 against stories260K: 200 requests from 16
// concurrent clients, a fixed mix of chat (streamed and not, greedy and seeded), completions,
// streams the client aborts midway, and malformed requests. Every well-formed request is answered
// with the text a lone request gets, every bad one with its 4xx, and afterwards the server answers
// and its memory is flat. Reports the counts and the server's peak resident memory.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { startServe } from './serve_process.mjs';

const TEMPLATE = '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}';
const CLIENTS = 16;
const REQUESTS = 200;
const server = await startServe(['--quiet']);
after(() => server.stop());

const chatBody = (extra = {}) => ({ messages: [{ role: 'user', content: 'Zoo' }], chat_template: TEMPLATE, temperature: 0, max_tokens: 24, ...extra });
const post = (path, body, signal) =>
  fetch(`${server.origin}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body), signal });

async function sseText(res) {
  const events = (await res.text()).split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
  assert.equal(events.at(-1), '[DONE]');
  return events.slice(0, -1).map((e) => JSON.parse(e).choices[0]?.delta?.content ?? '').join('');
}

/** The request kinds of the mix: each sends one request and checks its reply against `expected`. */
const KINDS = {
  async chat(expected) {
    const r = await post('/v1/chat/completions', chatBody());
    assert.equal(r.status, 200);
    assert.equal((await r.json()).choices[0].message.content, expected.greedy);
  },
  async stream(expected) {
    const r = await post('/v1/chat/completions', chatBody({ stream: true }));
    assert.equal(r.status, 200);
    assert.equal(await sseText(r), expected.greedy);
  },
  async seeded(expected, i) {
    const seed = i % 3;
    const r = await post('/v1/chat/completions', chatBody({ temperature: 1, seed }));
    assert.equal((await r.json()).choices[0].message.content, expected.seeded[seed]);
  },
  async completion(expected) {
    const r = await post('/v1/completions', { prompt: 'Zoo', temperature: 0, max_tokens: 24 });
    assert.equal((await r.json()).choices[0].text, expected.completion);
  },
  async abort() {
    const controller = new AbortController();
    const r = await post('/v1/chat/completions', chatBody({ stream: true, max_tokens: 400, ignore_eos: true }), controller.signal);
    const reader = r.body.getReader();
    await reader.read(); // the first bytes, then the client goes away
    controller.abort();
    await reader.read().catch(() => undefined);
    return 'aborted';
  },
  async badJson() {
    const r = await post('/v1/chat/completions', '{"messages": [');
    assert.equal(r.status, 400);
    return 400;
  },
  async badField() {
    const r = await post('/v1/chat/completions', chatBody({ temperature: 9 }));
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error.param, 'temperature');
    return 400;
  },
  async wrongMethod() {
    const r = await fetch(`${server.origin}/v1/chat/completions`);
    assert.equal(r.status, 405);
    return 405;
  },
  async unknownRoute() {
    const r = await post('/v1/audio/speech', { input: 'x' });
    assert.equal(r.status, 404);
    return 404;
  },
};
// 200 requests: 60 chat, 30 stream, 30 seeded, 20 completion, 20 aborted, 40 malformed (10 each)
const MIX = ['chat', 'stream', 'chat', 'seeded', 'completion', 'chat', 'abort', 'stream', 'badJson', 'seeded', 'chat', 'badField', 'completion',
  'chat', 'wrongMethod', 'stream', 'abort', 'seeded', 'chat', 'unknownRoute'];

test(`${REQUESTS} requests from ${CLIENTS} concurrent clients: every good one answered right, every bad one a 4xx, memory flat`, async (t) => {
  const json = async (path, body) => (await post(path, body)).json();
  const expected = {
    greedy: (await json('/v1/chat/completions', chatBody())).choices[0].message.content,
    completion: (await json('/v1/completions', { prompt: 'Zoo', temperature: 0, max_tokens: 24 })).choices[0].text,
    seeded: await Promise.all([0, 1, 2].map(async (seed) => (await json('/v1/chat/completions', chatBody({ temperature: 1, seed }))).choices[0].message.content)),
  };
  assert.ok(expected.greedy.length > 20);
  const rssBefore = server.rss();
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, server.rss())), 20);

  const counts = {};
  let next = 0;
  const client = async () => {
    while (next < REQUESTS) {
      const i = next++;
      const kind = MIX[i % MIX.length];
      const outcome = await KINDS[kind](expected, i);
      const key = typeof outcome === 'number' ? String(outcome) : outcome ?? 'served';
      counts[key] = (counts[key] ?? 0) + 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, client));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);

  assert.equal(counts.served, 140);
  assert.equal(counts.aborted, 20);
  assert.equal((counts['400'] ?? 0) + (counts['404'] ?? 0) + (counts['405'] ?? 0), 40);
  // alive, and answering as before
  assert.equal((await json('/v1/chat/completions', chatBody())).choices[0].message.content, expected.greedy);
  const rssAfter = server.rss();
  const MiB = 1 << 20;
  t.diagnostic(`served ${counts.served}, aborted ${counts.aborted}, 4xx: 400 x${counts['400']}, 404 x${counts['404']}, 405 x${counts['405']} in ${seconds.toFixed(1)} s; ` +
    `server RSS ${(rssBefore / MiB).toFixed(0)} MiB before, peak ${(peak / MiB).toFixed(0)} MiB, ${(rssAfter / MiB).toFixed(0)} MiB after`);
  assert.ok(rssAfter < rssBefore + 64 * MiB, `RSS grew from ${rssBefore / MiB} to ${rssAfter / MiB} MiB`);
});
