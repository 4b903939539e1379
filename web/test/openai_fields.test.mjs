// The engine surface and request fields beyond the basics, on stories260K under Node (CPU):
// CreateEngine / reload / unload / interruptGenerate / getMessage / runtime stats, n choices,
// logprobs (chat and legacy completions), max_completion_tokens, top_k / min_p /
// repetition_penalty, finish_reason stop on end-of-generation, and context overflow (the
// context_length_exceeded error, and the drop_oldest policy).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { CreateEngine, HearthError, InvalidRequestError } from '../dist/index.mjs';

const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));
// The user turns' text, one after another (stories260K continues prose); <s> + "Zoo" = completions' "Zoo".
const TEMPLATE = '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}';
const ZOO = [{ role: 'user', content: 'Zoo' }];

const reports = [];
const engine = await CreateEngine(MODEL, { backend: 'cpu', initProgressCallback: (r) => reports.push(r) });

async function drain(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

function rejectsWith(promise, param, code) {
  return assert.rejects(promise, (e) => {
    assert.ok(e instanceof InvalidRequestError, String(e));
    assert.equal(e.param, param);
    if (code) assert.equal(e.code, code);
    return true;
  });
}

test('CreateEngine loads with progress; getMessage and runtime stats describe the last request', async () => {
  assert.equal(engine.modelId, 'stories260K');
  assert.equal(reports[0].progress, 0);
  assert.equal(reports.at(-1).progress, 1);
  assert.ok(reports.every((r, i) => i === 0 || r.progress >= reports[i - 1].progress));
  assert.match(reports.at(-1).text, /stories260K on cpu/);
  const r = await engine.chat.completions.create({ messages: ZOO, chat_template: TEMPLATE, temperature: 0, max_tokens: 12 });
  assert.equal(r.model, 'stories260K');
  assert.equal(await engine.getMessage(), r.choices[0].message.content);
  const stats = await engine.getRuntimeStats();
  assert.equal(stats.completion_tokens, 12);
  assert.equal(stats.prompt_tokens, r.usage.prompt_tokens);
  assert.ok(stats.decode_tokens_per_s > 0 && stats.prefill_tokens_per_s > 0);
  assert.match(await engine.runtimeStatsText(), /^prefill: \d+\.\d{4} tokens\/sec, decoding: \d+\.\d{4} tokens\/sec$/);
});

test('reload from bytes, unload, and reload again; requests fail while unloaded', async () => {
  const before = await engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 10 });
  await engine.reload(new Uint8Array(readFileSync(MODEL)));
  assert.equal(engine.modelId, 'model');
  const after = await engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 10 });
  assert.equal(after.choices[0].text, before.choices[0].text);
  assert.equal(after.usage.prompt_tokens_details.cached_tokens, 0); // a fresh engine: nothing cached
  engine.unload();
  assert.equal(engine.modelId, null);
  await assert.rejects(engine.completions.create({ prompt: 'Zoo' }), (e) => e instanceof HearthError && /no model is loaded/.test(e.message));
  await assert.rejects(engine.reload('/nonexistent/model.gguf'), (e) => e instanceof HearthError && e.message.includes('/nonexistent/model.gguf'));
  await engine.reload(MODEL);
  assert.equal(engine.modelId, 'stories260K');
  const again = await engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 10 });
  assert.equal(again.choices[0].text, before.choices[0].text);
});

test('a model from an http URL, with progress; a failed fetch is an io_error', async () => {
  const bytes = readFileSync(MODEL);
  const server = createServer((req, res) => {
    if (req.url !== '/models/stories260K.gguf') return res.writeHead(404).end();
    res.writeHead(200, { 'content-length': bytes.length }).end(bytes);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const base = `http://127.0.0.1:${server.address().port}/models`;
    const seen = [];
    const e = await CreateEngine(`${base}/stories260K.gguf`, { backend: 'cpu', cache: 'none', initProgressCallback: (r) => seen.push(r.progress) });
    assert.equal(e.modelId, 'stories260K');
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b));
    assert.equal(seen.at(-1), 1);
    const r = await e.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 6 });
    assert.equal(r.model, 'stories260K');
    const fromFile = await engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 6 });
    assert.equal(r.choices[0].text, fromFile.choices[0].text);
    assert.ok(r.choices[0].text.startsWith(' was a little'));
    e.unload();
    await assert.rejects(CreateEngine(`${base}/missing.gguf`, { backend: 'cpu', cache: 'none' }), (err) => err instanceof HearthError && /404/.test(err.message));
  } finally {
    server.close();
  }
});

test('interruptGenerate ends a stream with finish_reason abort; the engine goes on', async () => {
  const stream = await engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 200, stream: true, stream_options: { include_usage: true } });
  const chunks = [];
  for await (const c of stream) {
    chunks.push(c);
    if (chunks.length === 3) engine.interruptGenerate();
  }
  assert.equal(chunks.findLast((c) => c.choices.length).choices[0].finish_reason, 'abort');
  assert.ok(chunks.at(-1).usage.completion_tokens < 200);
  const next = await engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 4 });
  assert.equal(next.choices[0].finish_reason, 'length');
});

test('an abort from a timer reaches a non-stream request: steps let the event loop in', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 0);
  const r = await engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 2000, ignore_eos: true }, { signal: controller.signal });
  assert.equal(r.choices[0].finish_reason, 'abort');
  assert.ok(r.usage.completion_tokens < 2000, String(r.usage.completion_tokens));
  setTimeout(() => engine.interruptGenerate(), 0);
  const i = await engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 2000, ignore_eos: true });
  assert.equal(i.choices[0].finish_reason, 'abort');
});

test('n choices: choice i is the n = 1 generation seeded seed + i; streamed by index', async () => {
  const req = { messages: ZOO, chat_template: TEMPLATE, temperature: 1, seed: 5, max_tokens: 15 };
  const r = await engine.chat.completions.create({ ...req, n: 3 });
  assert.equal(r.choices.length, 3);
  assert.deepEqual(r.choices.map((c) => c.index), [0, 1, 2]);
  for (let i = 0; i < 3; i++) {
    const one = await engine.chat.completions.create({ ...req, seed: 5 + i });
    assert.equal(r.choices[i].message.content, one.choices[0].message.content, `choice ${i}`);
  }
  assert.notEqual(r.choices[0].message.content, r.choices[1].message.content);
  assert.equal(r.usage.completion_tokens, 45);
  assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + 45);

  const chunks = await drain(await engine.chat.completions.create({ ...req, n: 3, stream: true, stream_options: { include_usage: true } }));
  for (let i = 0; i < 3; i++) {
    const mine = chunks.filter((c) => c.choices.length && c.choices[0].index === i);
    assert.deepEqual(mine[0].choices[0].delta, { role: 'assistant', content: '' });
    assert.equal(mine.at(-1).choices[0].finish_reason, 'length');
    assert.equal(mine.map((c) => c.choices[0].delta.content ?? '').join(''), r.choices[i].message.content);
  }
  assert.equal(chunks.at(-1).usage.completion_tokens, 45);

  const t = await engine.completions.create({ prompt: 'Zoo', temperature: 1, seed: 9, max_tokens: 8, n: 2 });
  const t1 = await engine.completions.create({ prompt: 'Zoo', temperature: 1, seed: 10, max_tokens: 8 });
  assert.equal(t.choices[1].text, t1.choices[0].text);
});

test('chat logprobs: the sampled token and its top alternatives, the same streamed', async () => {
  const req = { messages: ZOO, chat_template: TEMPLATE, temperature: 0, max_tokens: 20, logprobs: true, top_logprobs: 3 };
  const r = await engine.chat.completions.create(req);
  const content = r.choices[0].logprobs.content;
  assert.equal(content.length, r.usage.completion_tokens);
  assert.equal(content.map((c) => c.token).join(''), r.choices[0].message.content);
  for (const c of content) {
    assert.equal(c.top_logprobs.length, 3);
    assert.equal(c.top_logprobs[0].token, c.token); // greedy takes the most likely
    assert.equal(c.top_logprobs[0].logprob, c.logprob);
    assert.deepEqual(c.bytes, [...Buffer.from(c.token, 'utf8')]);
    assert.ok(c.logprob <= 0);
    for (let k = 1; k < 3; k++) assert.ok(c.top_logprobs[k].logprob <= c.top_logprobs[k - 1].logprob);
    assert.ok(c.top_logprobs.reduce((s, t) => s + Math.exp(t.logprob), 0) <= 1 + 1e-6);
  }
  const chunks = await drain(await engine.chat.completions.create({ ...req, stream: true }));
  assert.deepEqual(chunks.flatMap((c) => c.choices[0].logprobs?.content ?? []), content);

  const plain = await engine.chat.completions.create({ ...req, top_logprobs: undefined });
  assert.deepEqual(plain.choices[0].logprobs.content.map((c) => [c.token, c.logprob, c.top_logprobs.length]), content.map((c) => [c.token, c.logprob, 0]));
  const none = await engine.chat.completions.create({ messages: ZOO, chat_template: TEMPLATE, temperature: 0, max_tokens: 5 });
  assert.equal(none.choices[0].logprobs, null);

  // a stop string cuts the text and the logprobs of the tokens wholly in it
  const cut = await engine.chat.completions.create({ ...req, max_tokens: 40, stop: ' girl' });
  assert.equal(cut.choices[0].message.content, ' was a little');
  assert.equal(cut.choices[0].logprobs.content.map((c) => c.token).join(''), ' was a little');
});

test('completions logprobs: the legacy shape, matching chat logprobs for the same prompt', async () => {
  const chat = await engine.chat.completions.create({ messages: ZOO, chat_template: TEMPLATE, temperature: 0, max_tokens: 10, logprobs: true, top_logprobs: 2 });
  const r = await engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 10, logprobs: 2 });
  const lp = r.choices[0].logprobs;
  assert.deepEqual(lp.tokens, chat.choices[0].logprobs.content.map((c) => c.token));
  assert.deepEqual(lp.token_logprobs, chat.choices[0].logprobs.content.map((c) => c.logprob));
  assert.deepEqual(lp.top_logprobs, chat.choices[0].logprobs.content.map((c) => Object.fromEntries(c.top_logprobs.map((t) => [t.token, t.logprob]))));
  let offset = 0;
  lp.tokens.forEach((t, i) => {
    assert.equal(lp.text_offset[i], offset);
    offset += t.length;
  });
  assert.equal(lp.tokens.join(''), r.choices[0].text);
  const zero = await engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 3, logprobs: 0 });
  assert.deepEqual(zero.choices[0].logprobs.top_logprobs, [{}, {}, {}]);
  const chunks = await drain(await engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 10, logprobs: 2, stream: true }));
  assert.deepEqual(chunks.flatMap((c) => c.choices[0].logprobs?.token_logprobs ?? []), lp.token_logprobs);
});

test('max_completion_tokens, top_k, top_p, min_p and the penalties reach the sampler, stream and non-stream alike', async () => {
  const base = { messages: ZOO, chat_template: TEMPLATE };
  const five = await engine.chat.completions.create({ ...base, temperature: 0, max_tokens: 50, max_completion_tokens: 5 });
  assert.equal(five.usage.completion_tokens, 5);
  assert.equal(five.choices[0].finish_reason, 'length');
  const greedy = await engine.chat.completions.create({ ...base, temperature: 0, max_tokens: 60 });
  // top_k 1, min_p 1 and a tiny top_p leave only the most likely token: greedy, whatever the temperature
  for (const extra of [{ top_k: 1 }, { min_p: 1 }, { top_p: 1e-6 }]) {
    const r = await engine.chat.completions.create({ ...base, temperature: 1.5, seed: 3, max_tokens: 60, ...extra });
    assert.equal(r.choices[0].message.content, greedy.choices[0].message.content, JSON.stringify(extra));
  }
  const sampled = await engine.chat.completions.create({ ...base, temperature: 1.5, seed: 3, max_tokens: 60 });
  assert.notEqual(sampled.choices[0].message.content, greedy.choices[0].message.content);
  // greedy repeats itself ("play" ...); a repetition penalty changes the text
  for (const penalty of [{ repetition_penalty: 1.8 }, { frequency_penalty: 2 }, { presence_penalty: 2 }]) {
    const penalised = await engine.chat.completions.create({ ...base, temperature: 0, max_tokens: 60, ...penalty });
    assert.notEqual(penalised.choices[0].message.content, greedy.choices[0].message.content, JSON.stringify(penalty));
    // a penalty of 0 (1 for repetition) changes nothing
    const neutral = Object.fromEntries(Object.keys(penalty).map((k) => [k, k === 'repetition_penalty' ? 1 : 0]));
    const same = await engine.chat.completions.create({ ...base, temperature: 0, max_tokens: 60, ...neutral });
    assert.equal(same.choices[0].message.content, greedy.choices[0].message.content);
  }
  for (const req of [
    { ...base, temperature: 0, max_tokens: 60, repetition_penalty: 1.8, frequency_penalty: 0.5, presence_penalty: 0.5 },
    { ...base, temperature: 1.5, seed: 3, max_tokens: 60, top_k: 5, top_p: 0.9, min_p: 0.1 },
  ]) {
    const whole = await engine.chat.completions.create(req);
    const chunks = await drain(await engine.chat.completions.create({ ...req, stream: true }));
    assert.equal(chunks.map((c) => c.choices[0].delta.content ?? '').join(''), whole.choices[0].message.content);
  }
});

test('tool and developer roles and text parts render through the template', async () => {
  const messages = [
    { role: 'developer', content: 'Once' },
    { role: 'user', content: [{ type: 'text', text: ' upon' }, { type: 'text', text: ' a' }] },
    { role: 'assistant', content: null, tool_calls: [] },
    { role: 'tool', tool_call_id: 'call_1', content: ' time' },
  ];
  const r = await engine.chat.completions.create({ messages, chat_template: '{{ bos_token }}{% for m in messages %}{% if m.content is string %}{{ m.content }}{% elif m.content %}{% for p in m.content %}{{ p.text }}{% endfor %}{% endif %}{% endfor %}', temperature: 0, max_tokens: 10 });
  const c = await engine.completions.create({ prompt: 'Once upon a time', temperature: 0, max_tokens: 10 });
  assert.equal(r.choices[0].message.content, c.choices[0].text);
  assert.equal(r.usage.prompt_tokens, c.usage.prompt_tokens);
});

test('chat_template_kwargs are template variables; the template\'s own names keep their values', async () => {
  const chat_template = '{{ bos_token }}{{ messages[0].content }}{% if greeting is defined %}{{ greeting }}{% endif %}';
  const plain = await engine.chat.completions.create({ messages: ZOO, chat_template, temperature: 0, max_tokens: 1 });
  const more = await engine.chat.completions.create({ messages: ZOO, chat_template, chat_template_kwargs: { greeting: ' Once upon a time' }, temperature: 0, max_tokens: 1 });
  const prompt = await engine.completions.create({ prompt: 'Zoo Once upon a time', temperature: 0, max_tokens: 1 });
  assert.equal(more.usage.prompt_tokens, prompt.usage.prompt_tokens);
  assert.ok(more.usage.prompt_tokens > plain.usage.prompt_tokens);
  const same = await engine.chat.completions.create({ messages: ZOO, chat_template, chat_template_kwargs: { messages: [{ content: 'x' }] }, temperature: 0, max_tokens: 1 });
  assert.equal(same.usage.prompt_tokens, plain.usage.prompt_tokens);
  await rejectsWith(engine.chat.completions.create({ messages: ZOO, chat_template_kwargs: 'enable_thinking' }), 'chat_template_kwargs');
});

test('finish_reason stop on the end-of-generation token, stream and non-stream', async () => {
  const eos = engine.engine.info.eos_id;
  const req = { prompt: 'Zoo', temperature: 0, max_tokens: 20, logit_bias: { [eos]: 100 } };
  const r = await engine.completions.create(req);
  assert.equal(r.choices[0].finish_reason, 'stop');
  assert.equal(r.choices[0].text, '');
  assert.equal(r.usage.completion_tokens, 0);
  const chunks = await drain(await engine.completions.create({ ...req, stream: true }));
  assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
});

test('invalid new fields are errors naming the field', async () => {
  await rejectsWith(engine.chat.completions.create({ messages: ZOO, top_logprobs: 2 }), 'top_logprobs');
  await rejectsWith(engine.chat.completions.create({ messages: ZOO, logprobs: true, top_logprobs: 21 }), 'top_logprobs');
  await rejectsWith(engine.chat.completions.create({ messages: ZOO, logprobs: 2 }), 'logprobs');
  await rejectsWith(engine.completions.create({ prompt: 'Zoo', logprobs: 21 }), 'logprobs');
  await rejectsWith(engine.completions.create({ prompt: 'Zoo', logprobs: true }), 'logprobs');
  await rejectsWith(engine.chat.completions.create({ messages: ZOO, n: 17 }), 'n');
  await rejectsWith(engine.chat.completions.create({ messages: ZOO, n: 1.5 }), 'n');
  await rejectsWith(engine.chat.completions.create({ messages: ZOO, max_completion_tokens: -1 }), 'max_completion_tokens');
  await rejectsWith(engine.chat.completions.create({ messages: ZOO, top_k: -1 }), 'top_k');
  await rejectsWith(engine.chat.completions.create({ messages: ZOO, min_p: 1.5 }), 'min_p');
  await rejectsWith(engine.chat.completions.create({ messages: ZOO, repetition_penalty: 0 }), 'repetition_penalty');
  await rejectsWith(engine.chat.completions.create({ messages: ZOO, context_overflow: 'truncate' }), 'context_overflow');
  await rejectsWith(engine.completions.create({ prompt: 'Zoo', context_overflow: 'drop_oldest' }), 'context_overflow', 'unknown_parameter');
});

test('context overflow: context_length_exceeded by default; drop_oldest drops the oldest turns until it fits', async () => {
  const small = await CreateEngine(MODEL, { backend: 'cpu', nCtx: 64 });
  try {
    const turn = (text) => [{ role: 'user', content: text }, { role: 'assistant', content: ' and then they went home to sleep.' }];
    const messages = [
      { role: 'system', content: 'Once upon a time' },
      ...turn(' there was a dog named Max who liked to run in the park every day.'),
      ...turn(' One day Max saw a big red ball under a tree near the pond.'),
      { role: 'user', content: ' The next morning' },
    ];
    const req = { messages, chat_template: TEMPLATE, temperature: 0, max_tokens: 10 };
    await rejectsWith(small.chat.completions.create(req), 'messages', 'context_length_exceeded');
    await rejectsWith(small.chat.completions.create({ ...req, messages: messages.slice(-1), max_tokens: 64 }), 'messages', 'context_length_exceeded');
    await rejectsWith(small.completions.create({ prompt: 'Zoo', max_tokens: 61 }), 'prompt', 'context_length_exceeded');
    await rejectsWith(small.completions.create({ prompt: 'Zoo '.repeat(70) }), 'prompt', 'context_length_exceeded');

    const dropped = await small.chat.completions.create({ ...req, context_overflow: 'drop_oldest' });
    assert.ok(dropped.usage.extra.dropped_messages > 0);
    assert.ok(dropped.usage.prompt_tokens + 10 <= 64);
    // the same as asking with the kept messages: the system prompt and the newest turns
    const kept = [messages[0], ...messages.slice(1 + dropped.usage.extra.dropped_messages)];
    assert.equal(kept[1].role, 'user');
    const direct = await small.chat.completions.create({ ...req, messages: kept });
    assert.equal(direct.choices[0].message.content, dropped.choices[0].message.content);
    assert.equal(direct.usage.extra.dropped_messages, undefined);

    // as the engine's policy; a last turn that alone does not fit is still an error
    const policy = await CreateEngine(MODEL, { backend: 'cpu', nCtx: 64, contextOverflow: 'drop_oldest' });
    try {
      const p = await policy.chat.completions.create(req);
      assert.equal(p.choices[0].message.content, dropped.choices[0].message.content);
      await rejectsWith(policy.chat.completions.create({ ...req, messages: [...messages.slice(0, -1), { role: 'user', content: ' the end'.repeat(40) }] }), 'messages', 'context_length_exceeded');
      await rejectsWith(policy.chat.completions.create({ ...req, context_overflow: 'error' }), 'messages', 'context_length_exceeded');
    } finally {
      policy.unload();
    }
  } finally {
    small.unload();
  }
});
