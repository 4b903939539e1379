// The OpenAI-compatible API under Node on stories260K (no chat template of its own): greedy
// determinism, stream = non-stream, usage, max_tokens, stop strings, validation errors with
// `param`, abort, chat templates (the request's, the ChatML fallback, one that raises).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { CpuEngine, HearthError, InvalidRequestError, OpenAIEngine } from '../dist/index.mjs';
import { StopMatcher } from '../dist/openai/stop.mjs';

const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));
const ZOO_PARK = ' was a little girl named Lily. She loved to play outside in the ';
// A minimal template: the user turns' text, one after another (stories260K continues prose).
const TEMPLATE = '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}';

const cpu = await CpuEngine.create();
cpu.load(readFileSync(MODEL));
const engine = new OpenAIEngine(cpu, { model: 'stories260K' });

async function drain(stream) {
  const chunks = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

test('greedy chat completion is deterministic and equals the stream', async () => {
  const req = { messages: [{ role: 'user', content: 'Zoo' }], chat_template: TEMPLATE, temperature: 0, max_tokens: 40 };
  const a = await engine.chat.completions.create(req);
  const b = await engine.chat.completions.create(req);
  assert.equal(a.object, 'chat.completion');
  assert.equal(a.model, 'stories260K');
  assert.match(a.id, /^chatcmpl-/);
  assert.equal(a.choices.length, 1);
  assert.equal(a.choices[0].message.role, 'assistant');
  assert.equal(a.choices[0].logprobs, null);
  assert.equal(a.choices[0].finish_reason, 'length');
  assert.equal(a.choices[0].message.content, b.choices[0].message.content);
  // <s> + "Zoo" rendered by the template: the same prompt as completions' "Zoo" with BOS added
  assert.ok(a.choices[0].message.content.startsWith(ZOO_PARK.slice(0, 20)), a.choices[0].message.content);
  assert.equal(a.usage.prompt_tokens, cpu.tokenize('Zoo', { addSpecial: true }).length);
  assert.equal(a.usage.completion_tokens, 40);
  assert.equal(a.usage.total_tokens, a.usage.prompt_tokens + 40);
  for (const k of ['time_to_first_token_s', 'prefill_tokens_per_s', 'decode_tokens_per_s']) assert.ok(a.usage.extra[k] > 0, k);

  const chunks = await drain(await engine.chat.completions.create({ ...req, stream: true, stream_options: { include_usage: true } }));
  assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
  const last = chunks.at(-2);
  assert.equal(last.choices[0].finish_reason, 'length');
  assert.deepEqual(last.choices[0].delta, {});
  const usage = chunks.at(-1);
  assert.deepEqual(usage.choices, []);
  assert.equal(usage.usage.completion_tokens, 40);
  assert.equal(usage.usage.prompt_tokens, a.usage.prompt_tokens);
  for (const c of chunks) assert.equal(c.object, 'chat.completion.chunk');
  const streamed = chunks.slice(1, -2).map((c) => c.choices[0].delta.content).join('');
  assert.equal(streamed, a.choices[0].message.content);
  assert.ok(chunks.slice(1, -2).every((c) => c.choices[0].finish_reason === null));
});

test('text completion: max_tokens gives finish_reason length and that many tokens; usage matches tokenization', async () => {
  const r = await engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 9 });
  assert.equal(r.object, 'text_completion');
  assert.equal(r.choices[0].finish_reason, 'length');
  assert.equal(r.usage.completion_tokens, 9);
  assert.equal(r.usage.prompt_tokens, cpu.tokenize('Zoo', { addSpecial: true }).length);
  assert.equal(r.usage.prompt_tokens, 4);
  assert.ok(ZOO_PARK.startsWith(r.choices[0].text), r.choices[0].text);
  assert.equal(cpu.tokenize(r.choices[0].text).length > 0, true);
  const zero = await engine.completions.create({ prompt: 'Zoo', max_tokens: 0 });
  assert.equal(zero.choices[0].text, '');
  assert.equal(zero.choices[0].finish_reason, 'length');
  assert.equal(zero.usage.completion_tokens, 0);
});

test('a stop string cuts the text before it and is never emitted', async () => {
  const r = await engine.completions.create({ prompt: 'Zoo', temperature: 0, stop: ['park'], max_tokens: 100 });
  assert.equal(r.choices[0].text, ZOO_PARK);
  assert.equal(r.choices[0].finish_reason, 'stop');
  const chunks = await drain(await engine.completions.create({ prompt: 'Zoo', temperature: 0, stop: 'park', max_tokens: 100, stream: true }));
  const texts = chunks.map((c) => c.choices[0].text);
  assert.equal(texts.join(''), ZOO_PARK);
  assert.ok(texts.every((t) => !/p(a(r(k)?)?)?$/.test(t) || ZOO_PARK.includes(t)), 'no chunk ends in a partial stop string that is not part of the text');
  assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
  // multi-token stop string spanning several steps, in chat
  const c = await engine.chat.completions.create({
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Zo' }, { type: 'text', text: 'o' }] }],
    chat_template: TEMPLATE, temperature: 0, stop: ['She loved', 'zzz'], max_tokens: 100,
  });
  assert.equal(c.choices[0].message.content, ' was a little girl named Lily. ');
  assert.equal(c.choices[0].finish_reason, 'stop');
});

test('StopMatcher holds back possible prefixes and releases them when they do not match', () => {
  const m = new StopMatcher(['park', 'ark!']);
  assert.equal(m.push('the pa'), 'the ');
  assert.equal(m.push('p'), 'pa'); // "pap": "pa" can no longer start "park"; "p" still can
  assert.equal(m.push('a'), '');
  assert.equal(m.push('rk.'), '');
  assert.equal(m.matched, true);
  const n = new StopMatcher(['END']);
  assert.equal(n.push('xE'), 'x');
  assert.equal(n.flush(), 'E');
});

function rejectsWith(promise, param) {
  return assert.rejects(promise, (e) => {
    assert.ok(e instanceof InvalidRequestError, String(e));
    assert.ok(e instanceof HearthError);
    assert.equal(e.type, 'invalid_request_error');
    assert.equal(e.param, param);
    return true;
  });
}

test('invalid requests are OpenAI-style errors naming the field', async () => {
  const messages = [{ role: 'user', content: 'Zoo' }];
  await rejectsWith(engine.chat.completions.create({ messages, temperature: -1 }), 'temperature');
  await rejectsWith(engine.chat.completions.create({ messages, foo: 1 }), 'foo');
  await rejectsWith(engine.chat.completions.create({ temperature: 0 }), 'messages');
  await rejectsWith(engine.chat.completions.create({ messages: [] }), 'messages');
  await rejectsWith(engine.chat.completions.create({ messages: [{ role: 'wizard', content: 'x' }] }), 'messages[0].role');
  await rejectsWith(engine.chat.completions.create({ messages: [{ role: 'user', content: 3 }] }), 'messages[0].content');
  await rejectsWith(engine.chat.completions.create({ messages, n: 0 }), 'n');
  await rejectsWith(engine.chat.completions.create({ messages, top_p: 0 }), 'top_p');
  await rejectsWith(engine.chat.completions.create({ messages, stop: [''] }), 'stop');
  await rejectsWith(engine.chat.completions.create({ messages, logit_bias: { x: 1 } }), 'logit_bias');
  await rejectsWith(engine.chat.completions.create({ messages, stream_options: { include_usage: true } }), 'stream_options');
  await rejectsWith(engine.completions.create({ prompt: 'Zoo', max_tokens: 1.5 }), 'max_tokens');
  await rejectsWith(engine.completions.create({}), 'prompt');
  await rejectsWith(engine.completions.create({ prompt: 'Zoo', messages }), 'messages');
  // the engine stays usable
  const r = await engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 3 });
  assert.equal(r.usage.completion_tokens, 3);
});

test('a chat template that raises, or does not parse, rejects the request', async () => {
  const messages = [{ role: 'user', content: 'Zoo' }];
  await assert.rejects(engine.chat.completions.create({ messages, chat_template: "{{ raise_exception('Only assistants here') }}" }), (e) => {
    assert.ok(e instanceof HearthError);
    assert.equal(e.type, 'invalid_argument');
    assert.equal(e.message, 'Only assistants here');
    return true;
  });
  await assert.rejects(engine.chat.completions.create({ messages, chat_template: '{% if %}', stream: true }), /syntax error/);
});

test('the ChatML fallback is used when the model has no template', async () => {
  assert.equal(
    cpu.chatPrompt({ messages: [{ role: 'user', content: 'Hi' }] }).prompt,
    '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n',
  );
  const r = await engine.chat.completions.create({ messages: [{ role: 'system', content: 'Tell a story.' }, { role: 'user', content: 'Hi' }], max_tokens: 5, seed: 3 });
  assert.equal(r.usage.completion_tokens <= 5, true);
  assert.equal(r.usage.prompt_tokens, cpu.tokenize('<|im_start|>system\nTell a story.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n', { addSpecial: true, parseSpecial: true }).length);
});

test('sampling fields reach the sampler: seed reproduces, logit_bias bans', async () => {
  const req = { prompt: 'Once upon a time', temperature: 1, top_k: 20, top_p: 0.9, min_p: 0.01, seed: 11, max_tokens: 30, presence_penalty: 0.5, frequency_penalty: 0.2, repetition_penalty: 1.1 };
  const a = await engine.completions.create(req);
  const b = await engine.completions.create(req);
  assert.equal(a.choices[0].text, b.choices[0].text);
  // ban every token greedy would pick first; the text changes
  const greedy = await engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 1 });
  const g = cpu.generate({ prompt: 'Zoo', temperature: 0, maxTokens: 1 });
  for await (const _ of g);
  const first = g.tokens[0];
  const banned = await engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 1, logit_bias: { [first]: -100 } });
  assert.notEqual(banned.choices[0].text, greedy.choices[0].text);
});

test('aborting mid-stream ends it with finish_reason abort', async () => {
  const controller = new AbortController();
  const stream = await engine.chat.completions.create(
    { messages: [{ role: 'user', content: 'Zoo' }], chat_template: TEMPLATE, temperature: 0, max_tokens: 200, stream: true, stream_options: { include_usage: true } },
    { signal: controller.signal },
  );
  const chunks = [];
  for await (const c of stream) {
    chunks.push(c);
    if (chunks.length === 4) controller.abort();
  }
  const finish = chunks.findLast((c) => c.choices.length > 0);
  assert.equal(finish.choices[0].finish_reason, 'abort');
  assert.ok(chunks.at(-1).usage.completion_tokens < 200);
  assert.ok(chunks.length <= 7, String(chunks.length));
  // non-stream, aborted before it starts
  const pre = new AbortController();
  pre.abort();
  const r = await engine.completions.create({ prompt: 'Zoo', max_tokens: 10 }, { signal: pre.signal });
  assert.equal(r.choices[0].finish_reason, 'abort');
  assert.equal(r.choices[0].text, '');
});

test('multi-turn chat: the second turn reuses the KV cache prefix, same content as a cold engine', async () => {
  const turn1 = { messages: [{ role: 'user', content: 'Zoo' }], chat_template: TEMPLATE, temperature: 0, max_tokens: 30 };
  const a = await engine.chat.completions.create(turn1);
  const turn2 = {
    ...turn1,
    messages: [...turn1.messages, { role: 'assistant', content: a.choices[0].message.content }, { role: 'user', content: ' Then the dog said' }],
    max_tokens: 25,
  };
  const b = await engine.chat.completions.create(turn2);
  const u = b.usage;
  assert.ok(u.prompt_tokens_details.cached_tokens > a.usage.prompt_tokens, JSON.stringify(u));
  assert.ok(u.prompt_tokens_details.cached_tokens < u.prompt_tokens);
  assert.equal(u.prefill_tokens, u.prompt_tokens - u.prompt_tokens_details.cached_tokens);
  assert.equal(u.total_tokens, u.prompt_tokens + u.completion_tokens);

  const fresh = await CpuEngine.create();
  try {
    fresh.load(readFileSync(MODEL));
    const c = await new OpenAIEngine(fresh).chat.completions.create(turn2);
    assert.equal(c.usage.prompt_tokens_details.cached_tokens, 0);
    assert.equal(c.usage.prefill_tokens, c.usage.prompt_tokens);
    assert.equal(c.usage.prompt_tokens, u.prompt_tokens);
    assert.equal(c.choices[0].message.content, b.choices[0].message.content);
    assert.equal(c.usage.completion_tokens, u.completion_tokens);
  } finally {
    fresh.dispose();
  }
});
