// `hearth serve` under Node, driven by the official `openai` npm client: a chat completion streamed
// over SSE equals the non-stream one and the engine called directly; completions; the models list;
// invalid requests as the client's BadRequestError naming the param; raw SSE framing, 404/405; a
// client that disconnects aborts its generation (in-process server, to read the engine's stats).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import OpenAI from 'openai';

import { CreateEngine } from '../dist/index.mjs';
import { createOpenAIServer } from '../dist/serve/server.mjs';
import { MODEL, startServe } from './serve_process.mjs';

const TEMPLATE = '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}';

const served = await startServe();
const { baseURL } = served;
after(() => served.stop());
const client = new OpenAI({ baseURL, apiKey: 'not-needed', maxRetries: 0 });
const direct = await CreateEngine(MODEL, { backend: 'cpu' });

test('the openai client streams a chat completion equal to the non-stream one and to the engine', async () => {
  const req = { model: 'stories260K', messages: [{ role: 'user', content: 'Zoo' }], chat_template: TEMPLATE, temperature: 0, max_tokens: 40 };
  const stream = await client.chat.completions.create({ ...req, stream: true, stream_options: { include_usage: true } });
  let streamed = '';
  let finish = null;
  let usage = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    assert.equal(chunk.object, 'chat.completion.chunk');
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      streamed += c.delta.content ?? '';
      finish = c.finish_reason ?? finish;
    }
  }
  assert.ok(chunks > 10, String(chunks));
  assert.equal(finish, 'length');
  assert.equal(usage.completion_tokens, 40);
  const whole = await client.chat.completions.create(req);
  assert.equal(whole.choices[0].message.content, streamed);
  assert.equal(whole.model, 'stories260K');
  const mine = await direct.chat.completions.create(req);
  assert.equal(mine.choices[0].message.content, streamed);
  assert.ok(streamed.startsWith(' was a little girl named Lily'), streamed);
});

test('the openai client gets a json_schema reply, streamed and not', async () => {
  const schema = { type: 'object', properties: { word: { type: 'string', maxLength: 8 }, n: { type: 'integer', minimum: 1, maximum: 9 } }, required: ['word', 'n'], additionalProperties: false };
  const req = { model: 'stories260K', messages: [{ role: 'user', content: 'Zoo' }], chat_template: TEMPLATE, temperature: 1, seed: 4, max_tokens: 60,
    response_format: { type: 'json_schema', json_schema: { name: 'pair', schema, strict: true } } };
  const whole = await client.chat.completions.create(req);
  const v = JSON.parse(whole.choices[0].message.content);
  assert.deepEqual(Object.keys(v), ['word', 'n']);
  assert.ok(typeof v.word === 'string' && [...v.word].length <= 8 && Number.isInteger(v.n) && v.n >= 1 && v.n <= 9, JSON.stringify(v));
  assert.equal(whole.choices[0].finish_reason, 'stop');
  let streamed = '';
  for await (const chunk of await client.chat.completions.create({ ...req, stream: true })) streamed += chunk.choices[0]?.delta?.content ?? '';
  assert.equal(streamed, whole.choices[0].message.content);
  await assert.rejects(client.chat.completions.create({ ...req, response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { not: { const: 1 } } } } }),
    (e) => e instanceof OpenAI.APIError && /not/.test(e.message));
});

test('the openai client gets tool_calls, streamed and not', async () => {
  const tools = [{ type: 'function', function: { name: 'lookup', description: 'Looks a word up',
    parameters: { type: 'object', properties: { word: { type: 'string', maxLength: 10 } }, required: ['word'], additionalProperties: false } } }];
  const req = { model: 'stories260K', messages: [{ role: 'user', content: 'Zoo' }], chat_template: TEMPLATE, temperature: 1, seed: 2,
    max_tokens: 150, tools, tool_choice: 'required', parallel_tool_calls: false };
  const whole = await client.chat.completions.create(req);
  assert.equal(whole.choices[0].finish_reason, 'tool_calls');
  const [call] = whole.choices[0].message.tool_calls;
  assert.equal(call.function.name, 'lookup');
  const args = JSON.parse(call.function.arguments);
  assert.deepEqual(Object.keys(args), ['word']);
  assert.ok([...args.word].length <= 10, call.function.arguments);
  // the client's own stream helper assembles the deltas into the same call
  const stream = client.chat.completions.stream(req);
  const final = await stream.finalChatCompletion();
  assert.equal(final.choices[0].finish_reason, 'tool_calls');
  assert.equal(final.choices[0].message.tool_calls[0].function.arguments, call.function.arguments);
  // the next turn carries the call and its result
  const next = await client.chat.completions.create({
    ...req, tool_choice: 'auto', max_tokens: 5,
    messages: [...req.messages, whole.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'a place with animals' }],
  });
  assert.ok(next.usage.prompt_tokens > whole.usage.prompt_tokens);
});

test('the ChatML fallback serves a chat with no template given', async () => {
  const req = { model: 'stories260K', messages: [{ role: 'system', content: 'Tell a story.' }, { role: 'user', content: 'Hi' }], temperature: 0, max_tokens: 12 };
  const served = await client.chat.completions.create(req);
  const mine = await direct.chat.completions.create(req);
  assert.equal(served.choices[0].message.content, mine.choices[0].message.content);
  assert.equal(served.usage.prompt_tokens, mine.usage.prompt_tokens);
});

test('completions (stream and not), logprobs and n through the client', async () => {
  const req = { model: 'stories260K', prompt: 'Zoo', temperature: 0, max_tokens: 12, logprobs: 2 };
  const r = await client.completions.create(req);
  const mine = await direct.completions.create(req);
  assert.equal(r.choices[0].text, mine.choices[0].text);
  assert.deepEqual(r.choices[0].logprobs, mine.choices[0].logprobs);
  let text = '';
  for await (const c of await client.completions.create({ ...req, stream: true })) text += c.choices[0]?.text ?? '';
  assert.equal(text, r.choices[0].text);
  const two = await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'Zoo' }], chat_template: TEMPLATE, temperature: 1, seed: 4, max_tokens: 8, n: 2 });
  assert.deepEqual(two.choices.map((c) => c.index), [0, 1]);
});

test('models list and retrieve', async () => {
  const list = await client.models.list();
  assert.deepEqual(list.data.map((m) => m.id), ['stories260K']);
  assert.equal(list.data[0].object, 'model');
  assert.equal((await client.models.retrieve('stories260K')).id, 'stories260K');
  await assert.rejects(client.models.retrieve('gpt-9'), (e) => e instanceof OpenAI.NotFoundError && e.code === 'model_not_found');
});

test('invalid requests reach the client as BadRequestError naming the param', async () => {
  const messages = [{ role: 'user', content: 'Zoo' }];
  const bad = async (body, param, code) =>
    assert.rejects(client.chat.completions.create({ model: 'stories260K', messages, ...body }), (e) => {
      assert.ok(e instanceof OpenAI.BadRequestError, String(e));
      assert.equal(e.status, 400);
      assert.equal(e.param, param);
      assert.equal(e.type, 'invalid_request_error');
      if (code) assert.equal(e.code, code);
      return true;
    });
  await bad({ temperature: 3 }, 'temperature');
  await bad({ frobnicate: true }, 'frobnicate', 'unknown_parameter');
  await bad({ messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role');
  await bad({ stream: true, top_logprobs: 2 }, 'top_logprobs');
  await bad({ max_tokens: 1 << 20 }, 'messages', 'context_length_exceeded');
  // the server goes on
  const ok = await client.chat.completions.create({ model: 'stories260K', messages, chat_template: TEMPLATE, temperature: 0, max_tokens: 3 });
  assert.equal(ok.usage.completion_tokens, 3);
});

test('raw HTTP: SSE framing, bad JSON, unknown route, wrong method', async () => {
  const res = await fetch(`${baseURL}/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'Zoo' }], chat_template: TEMPLATE, temperature: 0, max_tokens: 5, stream: true }),
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/event-stream/);
  const body = await res.text();
  const events = body.split('\n\n');
  assert.equal(events.pop(), '');
  assert.equal(events.pop(), 'data: [DONE]');
  for (const e of events) assert.equal(JSON.parse(e.replace(/^data: /, '')).object, 'chat.completion.chunk');
  const badJson = await fetch(`${baseURL}/completions`, { method: 'POST', body: '{"prompt": ' });
  assert.equal(badJson.status, 400);
  assert.equal((await badJson.json()).error.type, 'invalid_request_error');
  const missing = await fetch(`${baseURL}/audio/speech`, { method: 'POST', body: '{}' });
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, 'not_found');
  const method = await fetch(`${baseURL}/chat/completions`);
  assert.equal(method.status, 405);
});

test('a client that disconnects mid-stream aborts its generation', async () => {
  const server = createOpenAIServer(direct, { modelId: 'stories260K' });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const url = `http://127.0.0.1:${server.address().port}/v1`;
    const local = new OpenAI({ baseURL: url, apiKey: 'x', maxRetries: 0 });
    await direct.completions.create({ prompt: 'Zoo', max_tokens: 0 }); // stats: 0 completion tokens
    const controller = new AbortController();
    const res = await fetch(`${url}/chat/completions`, {
      method: 'POST', signal: controller.signal, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'Zoo' }], chat_template: TEMPLATE, temperature: 0, max_tokens: 2000, ignore_eos: true, stream: true }),
    });
    const reader = res.body.getReader();
    await reader.read(); // the stream has started
    controller.abort(); // the client goes away
    await assert.rejects(reader.read(), { name: 'AbortError' });
    // the engine records the aborted request's stats when it ends: far short of max_tokens
    let stats = await direct.getRuntimeStats();
    while (stats.completion_tokens === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stats = await direct.getRuntimeStats();
    }
    assert.ok(stats.completion_tokens < 2000, String(stats.completion_tokens));
    // and the server goes on
    const next = await local.completions.create({ model: 'stories260K', prompt: 'Zoo', temperature: 0, max_tokens: 2 });
    assert.equal(next.usage.completion_tokens, 2);
  } finally {
    server.close();
  }
});
