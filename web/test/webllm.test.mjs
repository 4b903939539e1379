// hearth/webllm under Node: the flows of WebLLM's own examples (get-started, streaming,
// multi-round-chat, text-completion, seed-to-reproduce, abort-reload, cache-usage, json-mode,
// json-schema, function-calling-openai), written with the calls those examples make, over
// stories260K given through appConfig (a record with a chat template). Embeddings on an embedding
// model: test/embeddings.test.mjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

import Ajv from 'ajv';

import * as webllm from 'hearth/webllm';
import { CpuEngine, CreateEngine } from '../dist/index.mjs';
import { startServer } from './download_server.mjs';

const SHARED = process.env.HEARTH_SHARED_DIR ?? fileURLToPath(new URL('../../../shared', import.meta.url));
const MODEL = `${SHARED}/models/stories260K.gguf`;
const PLAIN = '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}';
const template = (name) => readFileSync(`${SHARED}/templates/${name}.jinja`, 'utf8');
const ZOO_57 =
  ' was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. ' +
  "She wanted to play with it, but she didn't want to play with";

const record = (model_id, extra = {}) => ({ model: MODEL, model_id, model_lib: 'ignored.wasm', chat_template: PLAIN, ...extra });
const appConfig = {
  model_list: [
    record('stories-chat', { overrides: { context_window_size: 512, temperature: 0 } }),
    record('stories-hermes', { chat_template: template('NousResearch-Hermes-3-Llama-3.1-8B-tool_use'), overrides: { temperature: 1 } }),
    record('stories-qwen3', { chat_template: template('Qwen-Qwen3-0.6B') }),
    { model: 'https://huggingface.co/mlc-ai/Llama-3.2-1B-Instruct-q4f16_1-MLC', model_id: 'mlc-weights', model_lib: 'x.wasm' },
  ],
};
const config = { appConfig, backend: 'cpu', logLevel: 'ERROR' };
const ask = (content) => [{ role: 'user', content }];

const progress = [];
// get-started: CreateMLCEngine(selectedModel, { initProgressCallback, appConfig })
const engine = await webllm.CreateMLCEngine('stories-chat', { ...config, initProgressCallback: (r) => progress.push(r) });
after(() => engine.unload());

test('get-started: CreateMLCEngine with initProgressCallback, then chat.completions.create', async () => {
  assert.ok(progress.length >= 2);
  for (const r of progress) {
    assert.equal(typeof r.text, 'string');
    assert.ok(r.progress >= 0 && r.progress <= 1 && r.timeElapsed >= 0);
  }
  assert.equal(progress.at(-1).progress, 1);
  const reply = await engine.chat.completions.create({ messages: ask('Zoo'), max_tokens: 57 });
  // the record's overrides set temperature 0: stories260K's known greedy text
  assert.equal(reply.choices[0].message.content, ZOO_57);
  assert.equal(reply.choices[0].finish_reason, 'length');
  assert.equal(reply.model, 'stories-chat');
  assert.equal(reply.usage.completion_tokens, 57);
  const x = reply.usage.extra;
  assert.ok(x.e2e_latency_s > 0 && x.decode_tokens_per_s > 0 && x.prefill_tokens_per_s > 0 && x.time_to_first_token_s > 0);
  assert.ok(Math.abs(x.time_per_output_token_s - 1 / x.decode_tokens_per_s) < 1e-9);
  assert.match(await engine.runtimeStatsText(), /^prefill: \d+\.\d{4} tokens\/sec, decoding: \d+\.\d{4} tokens\/sec$/);
  // the same through the engine method WebLLM also exposes
  assert.equal((await engine.chatCompletion({ messages: ask('Zoo'), max_tokens: 57 })).choices[0].message.content, ZOO_57);
});

test('streaming: chunks with include_usage; getMessage() is the streamed text', async () => {
  const chunks = await engine.chat.completions.create({ messages: ask('Zoo'), max_tokens: 57, stream: true, stream_options: { include_usage: true } });
  let text = '';
  let usage;
  for await (const chunk of chunks) {
    text += chunk.choices[0]?.delta.content || '';
    if (chunk.usage) usage = chunk.usage;
  }
  assert.equal(text, ZOO_57);
  assert.equal(usage.completion_tokens, 57);
  assert.ok(usage.extra.e2e_latency_s > 0);
  assert.equal(await engine.getMessage(), ZOO_57);
});

test('multi-round-chat: the second round reuses the first round\'s KV cache', async () => {
  const messages = ask('Zoo');
  const first = await engine.chat.completions.create({ messages, max_tokens: 20 });
  messages.push(first.choices[0].message, { role: 'user', content: ' The end. Once upon a time' });
  const second = await engine.chat.completions.create({ messages, max_tokens: 20 });
  assert.ok(second.usage.prompt_tokens > first.usage.prompt_tokens);
  assert.ok(second.usage.prompt_tokens_details.cached_tokens >= first.usage.prompt_tokens, JSON.stringify(second.usage));
  assert.equal(second.usage.prefill_tokens, second.usage.prompt_tokens - second.usage.prompt_tokens_details.cached_tokens);
});

test('text-completion: completions.create, streamed and not', async () => {
  const c = await engine.completions.create({ prompt: 'Zoo', max_tokens: 57 });
  assert.equal(c.object, 'text_completion');
  assert.equal(c.choices[0].text, ZOO_57);
  let text = '';
  for await (const chunk of await engine.completions.create({ prompt: 'Zoo', max_tokens: 57, stream: true })) text += chunk.choices[0]?.text ?? '';
  assert.equal(text, ZOO_57);
  // logprobs: true (WebLLM's boolean) with top_logprobs alternatives
  const l = await engine.completions.create({ prompt: 'Zoo', max_tokens: 4, logprobs: true, top_logprobs: 2 });
  assert.equal(l.choices[0].logprobs.token_logprobs.length, 4);
  assert.equal(Object.keys(l.choices[0].logprobs.top_logprobs[0]).length, 2);
  await assert.rejects(engine.completions.create({ prompt: 'Zoo', echo: true }), (e) => e.param === 'echo');
});

test('seed-to-reproduce: the same seed gives the same reply at temperature 1, another seed another', async () => {
  const req = (seed) => ({ messages: ask('Once upon a time'), temperature: 1, seed, max_tokens: 40 });
  const a = await engine.chat.completions.create(req(11));
  const b = await engine.chat.completions.create(req(11));
  const c = await engine.chat.completions.create(req(12));
  assert.equal(a.choices[0].message.content, b.choices[0].message.content);
  assert.notEqual(a.choices[0].message.content, c.choices[0].message.content);
});

test('requests to one model run one after another, as in WebLLM (the second waits, neither is aborted)', async () => {
  const req = { messages: ask('Zoo'), max_tokens: 57 };
  const [a, b] = await Promise.all([engine.chat.completions.create(req), engine.chat.completions.create(req)]);
  assert.equal(a.choices[0].finish_reason, 'length');
  assert.equal(b.choices[0].finish_reason, 'length');
  assert.equal(a.choices[0].message.content, ZOO_57);
  assert.equal(b.choices[0].message.content, ZOO_57);
});

test('abort-reload: interruptGenerate() ends a stream with finish_reason abort; unload, then reload works', async () => {
  const local = await webllm.CreateMLCEngine('stories-chat', config);
  const stream = await local.chat.completions.create({ messages: ask('Zoo'), max_tokens: 300, ignore_eos: true, stream: true });
  let chunks = 0;
  let finish;
  for await (const chunk of stream) {
    if (chunk.choices[0]?.delta.content) chunks++;
    if (chunks === 5) local.interruptGenerate();
    finish = chunk.choices[0]?.finish_reason ?? finish;
  }
  assert.equal(finish, 'abort');
  assert.ok(chunks >= 5 && chunks < 300);
  await local.unload();
  await assert.rejects(local.chat.completions.create({ messages: ask('Zoo') }), (e) => e.name === 'ModelNotLoadedError' && /reload/.test(e.message));
  await local.reload('stories-chat');
  assert.equal((await local.chat.completions.create({ messages: ask('Zoo'), max_tokens: 57 })).choices[0].message.content, ZOO_57);
  await local.unload();
});

test('cache-usage: hasModelInCache, a download with progress, deleteModelAllInfoInCache', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-webllm-cache-'));
  const server = await startServer({ '/stories260K.gguf': { body: readFileSync(MODEL) } });
  const saved = process.env.HEARTH_CACHE_DIR;
  process.env.HEARTH_CACHE_DIR = dir;
  try {
    const cfg = { model_list: [{ model: server.url('/stories260K.gguf'), model_id: 'stories-http', model_lib: '', chat_template: PLAIN }] };
    assert.equal(await webllm.hasModelInCache('stories-http', cfg), false);
    const reports = [];
    const e = await webllm.CreateMLCEngine('stories-http', { appConfig: cfg, backend: 'cpu', initProgressCallback: (r) => reports.push(r) });
    assert.ok(reports.some((r) => r.progress > 0 && r.progress < 1), 'download progress was reported');
    assert.equal(await webllm.hasModelInCache('stories-http', cfg), true);
    const r = await e.chat.completions.create({ messages: ask('Zoo'), temperature: 0, max_tokens: 57 });
    assert.equal(r.choices[0].message.content, ZOO_57);
    await e.unload();
    const requests = server.requests.length;
    await (await webllm.CreateMLCEngine('stories-http', { appConfig: cfg, backend: 'cpu' })).unload();
    assert.equal(server.requests.length, requests, 'the second load came from the cache');
    await webllm.deleteModelAllInfoInCache('stories-http', cfg);
    assert.equal(await webllm.hasModelInCache('stories-http', cfg), false);
    await webllm.deleteChatConfigInCache('stories-http', cfg); // nothing separate to delete
    await assert.rejects(webllm.hasModelInCache('no-such-model', cfg), (err) => err.name === 'ModelNotFoundError');
  } finally {
    if (saved === undefined) delete process.env.HEARTH_CACHE_DIR;
    else process.env.HEARTH_CACHE_DIR = saved;
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('json-mode: response_format json_object always parses', async () => {
  for (const seed of [1, 2, 3]) {
    const r = await engine.chat.completions.create({ messages: ask('Once'), temperature: 1, seed, max_tokens: 120, response_format: { type: 'json_object' } });
    const v = JSON.parse(r.choices[0].message.content);
    assert.equal(typeof v, 'object');
    assert.ok(v !== null && !Array.isArray(v));
  }
});

test('json-schema: WebLLM\'s schema as JSON text, and an EBNF/GBNF grammar', async () => {
  const schema = {
    type: 'object',
    properties: { name: { type: 'string', maxLength: 10 }, size: { type: 'integer', minimum: 1, maximum: 9 } },
    required: ['name', 'size'],
    additionalProperties: false,
  };
  const valid = new Ajv({ strict: true }).compile(schema);
  for (const seed of [4, 5, 6]) {
    const r = await engine.chat.completions.create({
      messages: ask('Once'), temperature: 1, seed, max_tokens: 120, response_format: { type: 'json_object', schema: JSON.stringify(schema) },
    });
    const v = JSON.parse(r.choices[0].message.content);
    assert.ok(valid(v), `${r.choices[0].message.content}: ${JSON.stringify(valid.errors)}`);
  }
  await assert.rejects(
    engine.chat.completions.create({ messages: ask('Once'), response_format: { type: 'json_object', schema: '{"type": ' } }),
    (e) => e.name === 'InvalidRequestError' && e.param === 'response_format.schema',
  );
  const grammar = 'root ::= "yes" | "no"';
  const g = await engine.chat.completions.create({ messages: ask('Once'), temperature: 1, seed: 3, response_format: { type: 'grammar', grammar } });
  assert.ok(['yes', 'no'].includes(g.choices[0].message.content), g.choices[0].message.content);
});

test('function-calling-openai: tools with a Hermes template give tool_calls, and a tool result continues', async () => {
  const tools = [{
    type: 'function',
    function: {
      name: 'get_current_weather',
      description: 'Get the current weather in a given location',
      parameters: {
        type: 'object',
        properties: { location: { type: 'string', maxLength: 20 }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
        required: ['location'],
        additionalProperties: false,
      },
    },
  }];
  const e = await webllm.CreateMLCEngine('stories-hermes', config);
  try {
    const messages = [{ role: 'user', content: 'What is the weather like in Paris?' }];
    const reply = await e.chat.completions.create({ messages, tools, tool_choice: 'required', seed: 2, max_tokens: 200 });
    const call = reply.choices[0].message.tool_calls?.[0];
    assert.equal(reply.choices[0].finish_reason, 'tool_calls');
    assert.equal(call.function.name, 'get_current_weather');
    assert.ok(new Ajv({ strict: true }).validate(tools[0].function.parameters, JSON.parse(call.function.arguments)), call.function.arguments);
    // streamed: the call arrives as a tool_calls delta
    let streamedCall;
    for await (const chunk of await e.chat.completions.create({ messages, tools, tool_choice: 'required', seed: 2, max_tokens: 200, stream: true }))
      streamedCall ??= chunk.choices[0]?.delta.tool_calls?.[0];
    assert.equal(streamedCall.function.arguments, call.function.arguments);
    messages.push(reply.choices[0].message, { role: 'tool', tool_call_id: call.id, content: '{"temperature": 21}' });
    // (this template needs its tools even when the model is to answer in prose, as under jinja2)
    const next = await e.chat.completions.create({ messages, tools, max_tokens: 10 });
    assert.ok(['stop', 'length', 'tool_calls'].includes(next.choices[0].finish_reason));
    assert.ok(next.usage.prompt_tokens > reply.usage.prompt_tokens, 'the call and its result are in the prompt');
  } finally {
    await e.unload();
  }
});

test('embeddings.create on a language model refuses with WebLLM\'s EmbeddingUnsupportedModelError', async () => {
  await assert.rejects(engine.embeddings.create({ input: 'hello' }), (e) => e.name === 'EmbeddingUnsupportedModelError' && e.type === 'not_implemented');
});

test('enable_thinking: false (extra_body or top level) renders Qwen3\'s template with thinking off', async () => {
  const e = await webllm.CreateMLCEngine('stories-qwen3', config);
  try {
    const base = { messages: ask('Zoo'), max_tokens: 1 };
    const on = await e.chat.completions.create(base);
    const off = await e.chat.completions.create({ ...base, extra_body: { enable_thinking: false } });
    const offTop = await e.chat.completions.create({ ...base, enable_thinking: false });
    // Qwen3's template adds an empty <think></think> block when thinking is off
    assert.ok(off.usage.prompt_tokens > on.usage.prompt_tokens, `${off.usage.prompt_tokens} vs ${on.usage.prompt_tokens}`);
    assert.equal(offTop.usage.prompt_tokens, off.usage.prompt_tokens);
    await assert.rejects(e.chat.completions.create({ ...base, extra_body: { nope: 1 } }), (err) => err.param === 'extra_body.nope');
  } finally {
    await e.unload();
  }
});

test('several models: requests name one in `model`; without it the engine says which are loaded', async () => {
  const e = await webllm.CreateMLCEngine(['stories-chat', 'stories-qwen3'], config, [{ temperature: 0 }, { temperature: 0 }]);
  try {
    assert.deepEqual(e.loadedModelIds, ['stories-chat', 'stories-qwen3']);
    const r = await e.chat.completions.create({ messages: ask('Zoo'), max_tokens: 57, model: 'stories-chat' });
    assert.equal(r.model, 'stories-chat');
    assert.equal(r.choices[0].message.content, ZOO_57);
    await assert.rejects(e.chat.completions.create({ messages: ask('Zoo') }), (err) => err.name === 'UnclearModelToUseError' && /stories-qwen3/.test(err.message));
    await assert.rejects(e.chat.completions.create({ messages: ask('Zoo'), model: 'other' }), (err) => err.name === 'SpecifiedModelNotFoundError');
    assert.match(await e.runtimeStatsText('stories-chat'), /prefill/);
  } finally {
    await e.unload();
  }
  await assert.rejects(webllm.CreateMLCEngine(['stories-chat'], config, [{}, {}]), (err) => err.name === 'ReloadArgumentSizeUnmatchedError');
});

test('resetChat clears getMessage and, unless keepStats, the stats', async () => {
  await engine.chat.completions.create({ messages: ask('Zoo'), max_tokens: 5 });
  const stats = await engine.runtimeStatsText();
  await engine.resetChat(true);
  assert.equal(await engine.getMessage(), '');
  assert.equal(await engine.runtimeStatsText(), stats);
  await engine.resetChat();
  assert.equal(await engine.runtimeStatsText(), 'prefill: 0.0000 tokens/sec, decoding: 0.0000 tokens/sec');
});

test('forwardTokensAndSample: greedy steps fed back one by one give the known greedy text', async () => {
  const e = await webllm.CreateMLCEngine('stories-chat', config);
  const cpu = await CpuEngine.create();
  cpu.load(readFileSync(MODEL));
  try {
    let next = await e.forwardTokensAndSample(cpu.tokenize('Zoo', { addSpecial: true }), true);
    const out = [next];
    for (let i = 0; i < 19; i++) out.push((next = await e.forwardTokensAndSample([next], false)));
    // (a detokenized sequence drops SentencePiece's leading space)
    assert.ok(ZOO_57.trimStart().startsWith(cpu.detokenize(out)), cpu.detokenize(out));
    assert.ok(cpu.detokenize(out).length > 40);
    await assert.rejects(e.forwardTokensAndSample([], true), TypeError);
  } finally {
    cpu.dispose();
    await e.unload();
  }
});

test('errors: unknown ids, MLC weights, logit processors, requests before a load, images', async () => {
  await assert.rejects(webllm.CreateMLCEngine('no-such-model', config), (e) => e.name === 'ModelNotFoundError' && e instanceof webllm.HearthError);
  await assert.rejects(webllm.CreateMLCEngine('mlc-weights', config), (e) => e.name === 'MLCWeightsNotSupportedError' && /GGUF/.test(e.message));
  const processor = { processLogits: (l) => l, processSampledToken: () => {}, resetState: () => {} };
  assert.throws(() => new webllm.MLCEngine({ logitProcessorRegistry: new Map([['stories-chat', processor]]) }), (e) => e.type === 'unsupported');
  const idle = new webllm.MLCEngine(config);
  await assert.rejects(idle.chat.completions.create({ messages: ask('Zoo') }), (e) => e.name === 'ModelNotLoadedError');
  await assert.rejects(idle.completions.create({ prompt: 'Zoo' }), (e) => e.name === 'ModelNotLoadedError');
  const image = [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA==' } }] }];
  await assert.rejects(engine.chat.completions.create({ messages: image }), (e) => e.name === 'InvalidRequestError' && e.param === 'messages[0].content[1]');
  await assert.rejects(engine.chat.completions.create({ messages: ask('Zoo'), temperature: 5 }), (e) => e.param === 'temperature');
  // and the engine keeps working
  assert.equal((await engine.chat.completions.create({ messages: ask('Zoo'), max_tokens: 57 })).choices[0].message.content, ZOO_57);
});

test('prebuiltAppConfig: WebLLM\'s ids as GGUF files from hearth\'s catalog', () => {
  const ids = webllm.prebuiltAppConfig.model_list.map((r) => r.model_id);
  for (const id of ['Llama-3.1-8B-Instruct-q4f32_1-MLC', 'Phi-3.5-mini-instruct-q4f16_1-MLC', 'Qwen2.5-1.5B-Instruct-q4f16_1-MLC',
    'gemma-2-2b-it-q4f16_1-MLC', 'SmolLM2-360M-Instruct-q4f16_1-MLC', 'Mistral-7B-Instruct-v0.3-q4f16_1-MLC', 'Llama-3.2-1B-Instruct-q0f16-MLC',
    'Llama-3.1-8B-Instruct-q4f16_1-MLC-1k', 'Qwen3-0.6B-q4f32_1-MLC'])
    assert.ok(ids.includes(id), id);
  assert.equal(new Set(ids).size, ids.length);
  for (const r of webllm.prebuiltAppConfig.model_list) {
    assert.match(r.model, /^https:\/\/huggingface\.co\/[^/]+\/[^/]+\/resolve\/main\/[^/]+\.gguf$/, r.model_id);
    assert.match(r.model, r.model_id.includes('-q0f') ? /Q8_0|q8_0/ : /Q4_0|q4_0/, r.model_id);
    assert.ok(r.vram_required_MB > 0 && r.overrides.context_window_size > 0);
  }
  const find = (id) => webllm.prebuiltAppConfig.model_list.find((r) => r.model_id === id);
  const full = find('Llama-3.1-8B-Instruct-q4f16_1-MLC');
  const small = find('Llama-3.1-8B-Instruct-q4f16_1-MLC-1k');
  assert.equal(small.model, full.model);
  assert.equal(small.overrides.context_window_size, 1024);
  assert.ok(small.vram_required_MB < full.vram_required_MB);
  assert.ok(webllm.functionCallingModelIds.every((id) => ids.includes(id)) && webllm.functionCallingModelIds.length > 0);
});

const HEARTH = fileURLToPath(new URL('../../build/bin/hearth', import.meta.url));

test('a synthetic qwen3 with Qwen3\'s template: WebLLM-style requests give what hearth\'s own API gives', { skip: existsSync(HEARTH) ? false : 'build/bin/hearth is not built' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-webllm-qwen3-'));
  try {
    const file = join(dir, 'qwen3.gguf');
    const g = spawnSync(HEARTH, ['gen', '--arch', 'tiny-qwen3', '--type', 'f32', '-o', file], { encoding: 'utf8' });
    assert.equal(g.status, 0, g.stderr);
    const chat_template = template('Qwen-Qwen3-0.6B');
    const cfg = { ...config, appConfig: { model_list: [{ model: file, model_id: 'tiny-qwen3', model_lib: '', chat_template }] } };
    const e = await webllm.CreateMLCEngine('tiny-qwen3', cfg, { temperature: 1, top_p: 0.9 });
    const own = await CreateEngine(file, { backend: 'cpu', chatTemplate: chat_template });
    try {
      const schema = { type: 'object', properties: { k: { type: 'boolean' } }, required: ['k'], additionalProperties: false };
      const webllmStyle = { messages: ask('hi'), seed: 9, max_tokens: 30, response_format: { type: 'json_object', schema: JSON.stringify(schema) }, extra_body: { enable_thinking: false } };
      const hearthStyle = {
        messages: ask('hi'), seed: 9, max_tokens: 30, temperature: 1, top_p: 0.9,
        response_format: { type: 'json_schema', json_schema: { name: 'schema', schema } }, chat_template_kwargs: { enable_thinking: false },
      };
      const a = await e.chat.completions.create(webllmStyle);
      const b = await own.chat.completions.create(hearthStyle);
      assert.equal(a.choices[0].message.content, b.choices[0].message.content);
      assert.equal(typeof JSON.parse(a.choices[0].message.content).k, 'boolean');
      assert.equal(a.usage.prompt_tokens, b.usage.prompt_tokens);
      let streamed = '';
      for await (const chunk of await e.chat.completions.create({ ...webllmStyle, stream: true })) streamed += chunk.choices[0]?.delta.content ?? '';
      assert.equal(streamed, a.choices[0].message.content);
    } finally {
      own.unload();
      await e.unload();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
