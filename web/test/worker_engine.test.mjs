// The worker engine protocol under Node: a WorkerEngine client drives a WebWorkerEngineHandler in a
// worker_threads thread over stories260K (the default factory reads the model path). Same text as
// an in-process OpenAIEngine, streams, abort and interruptGenerate (finish_reason 'abort'), typed
// errors rebuilt as the same classes, and a handler replaced by a fresh one (what a restarted
// service worker is) answers 'model_not_loaded', on which the client reloads and retries.
// The browser versions (Web Worker, Service Worker) are in web/browser-test/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { after, test } from 'node:test';

import { CpuEngine, HearthError, InvalidRequestError, OpenAIEngine, WorkerEngine } from '../dist/index.mjs';

const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));
const TEMPLATE = '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}';
const DIST = new URL('../dist/index.mjs', import.meta.url).href;

// The thread's script: the handler on the thread's parentPort (a worker global's shape).
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.dist).then(({ WebWorkerEngineHandler }) => new WebWorkerEngineHandler(undefined, {
  addEventListener: (type, listener) => parentPort.on('message', (data) => listener({ data })),
  postMessage: (m) => parentPort.postMessage(m),
}));`;

/** A client whose thread can be replaced, as a service worker is when stopped and started again. */
function threadClient() {
  let listener = null;
  let thread = null;
  const spawn = () => {
    thread = new Worker(THREAD, { eval: true, workerData: { dist: DIST } });
    thread.on('message', (m) => listener?.(m));
  };
  spawn();
  const engine = new WorkerEngine({ post: (m) => thread.postMessage(m), listen: (l) => (listener = l) });
  return {
    engine,
    restart: async () => {
      await thread.terminate();
      spawn();
    },
    close: () => thread.terminate(),
  };
}

const local = await CpuEngine.create();
local.load(readFileSync(MODEL));
const reference = new OpenAIEngine(local);
const client = threadClient();
await client.engine.reload(MODEL, { backend: 'cpu' });
after(() => client.close());

const request = (extra = {}) => ({
  messages: [{ role: 'user', content: 'Once upon a time, there was a little' }], chat_template: TEMPLATE, temperature: 0, max_tokens: 40, ...extra,
});

async function streamed(engine, extra = {}, onChunk = () => {}) {
  const controller = new AbortController();
  const stream = await engine.chat.completions.create({ ...request(extra), stream: true }, { signal: controller.signal });
  let text = '', finish = null, n = 0;
  for await (const chunk of stream) {
    const c = chunk.choices[0];
    if (!c) continue;
    if (c.delta.content) {
      text += c.delta.content;
      await onChunk(++n, controller);
    }
    finish = c.finish_reason ?? finish;
  }
  return { text, finish, n };
}

test('worker engine: stream and non-stream equal the in-process engine', async () => {
  const w = await streamed(client.engine);
  const p = await streamed(reference);
  assert.ok(w.n > 5);
  assert.equal(w.text, p.text);
  assert.equal(w.finish, p.finish);
  const c = await client.engine.chat.completions.create(request());
  assert.equal(c.object, 'chat.completion');
  assert.equal(c.choices[0].message.content, p.text);
  assert.equal(await client.engine.getMessage(), p.text);
  const t = await client.engine.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 20 });
  const tp = await reference.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 20 });
  assert.equal(t.choices[0].text, tp.choices[0].text);
});

test('worker engine: tool calls and json_schema replies equal the in-process engine', async () => {
  const tools = [{ type: 'function', function: { name: 'add', description: 'Adds',
    parameters: { type: 'object', properties: { a: { type: 'integer', minimum: 0, maximum: 99 } }, required: ['a'], additionalProperties: false } } }];
  const req = { ...request(), temperature: 1, seed: 5, max_tokens: 120, tools, tool_choice: 'required', parallel_tool_calls: false };
  const w = await client.engine.chat.completions.create(req);
  const p = await reference.chat.completions.create(req);
  assert.equal(w.choices[0].finish_reason, 'tool_calls');
  assert.equal(w.choices[0].message.tool_calls[0].function.arguments, p.choices[0].message.tool_calls[0].function.arguments);
  const deltas = [];
  for await (const chunk of await client.engine.chat.completions.create({ ...req, stream: true })) deltas.push(chunk.choices[0]?.delta);
  assert.equal(deltas.find((d) => d?.tool_calls)?.tool_calls[0].function.arguments, p.choices[0].message.tool_calls[0].function.arguments);
});

test('worker engine: abort signal and interruptGenerate end a stream with finish_reason abort', async () => {
  const long = { max_tokens: 200, ignore_eos: true };
  const full = await streamed(client.engine, long);
  assert.equal(full.finish, 'length');
  const aborted = await streamed(client.engine, long, (n, c) => n === 3 && c.abort());
  assert.equal(aborted.finish, 'abort');
  assert.ok(aborted.text.length < full.text.length && full.text.startsWith(aborted.text));
  const interrupted = await streamed(client.engine, long, (n) => n === 3 && client.engine.interruptGenerate());
  assert.equal(interrupted.finish, 'abort');
  assert.ok(interrupted.text.length < full.text.length && full.text.startsWith(interrupted.text));
});

test('worker engine: errors are rethrown as the handler\'s classes', async () => {
  await assert.rejects(client.engine.chat.completions.create(request({ top_p: 0 })),
    (e) => e instanceof InvalidRequestError && e.type === 'invalid_request_error' && e.param === 'top_p');
  await assert.rejects(client.engine.chat.completions.create(request({ bogus: 1 })),
    (e) => e instanceof InvalidRequestError && e.param === 'bogus' && e.code === 'unknown_parameter');
  // the default factory (CreateEngine → download/'s openModel) names what it could not resolve
  await assert.rejects(client.engine.reload('/nonexistent/model.gguf', { backend: 'cpu' }),
    (e) => e instanceof HearthError && e.type === 'invalid_argument' && /nonexistent\/model\.gguf/.test(e.message));
  await assert.rejects(client.engine.getMessage(), (e) => e instanceof HearthError && e.code === 'model_not_loaded');
  // the failed reload left no engine: requests say so until a reload succeeds
  await client.engine.reload(MODEL, { backend: 'cpu' });
  assert.equal((await streamed(client.engine)).text, (await streamed(reference)).text);
});

test('worker engine: a fresh handler (a restarted service worker) is reloaded by the client', async () => {
  const expected = await streamed(reference);
  await client.restart();
  assert.equal((await streamed(client.engine)).text, expected.text);
  await client.restart();
  const c = await client.engine.chat.completions.create(request());
  assert.equal(c.choices[0].message.content, expected.text);
  await client.engine.unload();
  await assert.rejects(client.engine.getMessage(), (e) => e instanceof HearthError && e.code === 'model_not_loaded');
  await client.engine.reload(MODEL, { backend: 'cpu' });
});

test('worker engine: reload reports progress to initProgressCallback in the caller\'s thread', async () => {
  const reports = [];
  await client.engine.reload(MODEL, { backend: 'cpu', nCtx: 256, initProgressCallback: (r) => reports.push(r) });
  assert.ok(reports.length >= 2, `${reports.length} reports`);
  assert.equal(reports[0].progress, 0);
  assert.equal(reports.at(-1).progress, 1);
  assert.match(reports.at(-1).text, /on cpu/);
  assert.ok(reports.every((r, i) => i === 0 || r.progress >= reports[i - 1].progress && r.timeElapsed >= reports[i - 1].timeElapsed));
  // a restarted handler is reloaded with the same options, reporting again
  reports.length = 0;
  await client.restart();
  assert.equal((await streamed(client.engine)).text, (await streamed(reference)).text);
  assert.equal(reports.at(-1)?.progress, 1);
});

test('worker engine: a call made while the model loads waits for it (one load, no not-loaded retry)', async () => {
  const finished = [];
  await client.restart();
  const reload = client.engine.reload(MODEL, { backend: 'cpu', initProgressCallback: (r) => r.progress === 1 && finished.push(r) });
  const chat = client.engine.chat.completions.create(request());
  await reload;
  assert.equal((await chat).choices[0].message.content, (await streamed(reference)).text);
  assert.equal(finished.length, 1, 'the model was loaded once');
});

test('worker engine: a non-stream request is aborted mid-generation too (the CPU engine yields to events)', async () => {
  const long = request({ max_tokens: 400, ignore_eos: true });
  const full = await client.engine.chat.completions.create(long);
  assert.equal(full.choices[0].finish_reason, 'length');
  const controller = new AbortController();
  const cut = client.engine.chat.completions.create(long, { signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  const c = await cut;
  assert.equal(c.choices[0].finish_reason, 'abort');
  assert.ok(c.usage.completion_tokens < full.usage.completion_tokens);
  assert.ok(full.choices[0].message.content.startsWith(c.choices[0].message.content));
});
