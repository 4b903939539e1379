// Embeddings through every host under Node, on tiny synthetic embedding models written by `hearth
// gen` (bert: CLS pooling, learned positions; nomic-bert: mean, rope, SwiGLU; a qwen3 decoder
// pooling its last token): the wasm engine's vectors equal the native CLI's (`hearth embed`), float
// and base64 agree, the request fields and errors, the WebGPU encoder against the CPU, a worker engine, `hearth serve` driven by the openai npm client, and hearth/webllm. Agreement with
// llama.cpp itself: tests/llama_cpp.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { after, test } from 'node:test';

import OpenAI from 'openai';

import * as webllm from 'hearth/webllm';
import { CreateEngine, InvalidRequestError, WorkerEngine } from '../dist/index.mjs';
import { MODEL as STORIES, startServe } from './serve_process.mjs';

const HEARTH = fileURLToPath(new URL('../../build/bin/hearth', import.meta.url));
if (!existsSync(HEARTH)) throw new Error('build/bin/hearth is not built (scripts/setup.sh builds it)');
const dir = mkdtempSync(join(tmpdir(), 'hearth-embeddings-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const KINDS = ['tiny-bert', 'tiny-nomic-bert', 'tiny-qwen3-embedding'];
const files = Object.fromEntries(KINDS.map((arch) => {
  const file = join(dir, `${arch}.gguf`);
  const g = spawnSync(HEARTH, ['gen', '--arch', arch, '--type', 'f32', '-o', file], { encoding: 'utf8' });
  assert.equal(g.status, 0, g.stderr);
  return [arch, file];
}));
const TEXTS = ['The cat sat on the mat.', 'Once upon a time, in a quiet village by the sea, there lived an old fisherman.', 'a'];

function nativeEmbed(file, texts, flags = []) {
  const r = spawnSync(HEARTH, ['embed', '--model', file, ...flags], { input: texts.join('\n') + '\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((l) => JSON.parse(l).embedding);
}

function assertClose(a, b, tol, what) {
  assert.equal(a.length, b.length, what);
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
  assert.ok(worst <= tol, `${what}: max |difference| ${worst}`);
}

const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

for (const arch of KINDS) {
  test(`${arch}: the wasm engine's embeddings equal the native CLI's; base64 is the same floats`, async () => {
    const engine = await CreateEngine(files[arch], { backend: 'cpu' });
    assert.notEqual(engine.modelInfo().pooling, 'none');
    const r = await engine.embeddings.create({ input: TEXTS });
    assert.equal(r.object, 'list');
    assert.equal(r.data.length, TEXTS.length);
    const native = nativeEmbed(files[arch], TEXTS);
    r.data.forEach((d, i) => {
      assert.equal(d.object, 'embedding');
      assert.equal(d.index, i);
      assert.equal(d.embedding.length, engine.modelInfo().n_embd);
      assert.ok(Math.abs(norm(d.embedding) - 1) < 1e-5);
      assertClose(d.embedding, native[i], 2e-6, `${arch} input ${i}`);
    });
    const tokens = TEXTS.reduce((n, t) => n + engine.engine.tokenize(t, { addSpecial: true }).length, 0);
    assert.deepEqual(r.usage, { prompt_tokens: tokens, total_tokens: tokens });

    const b = await engine.embeddings.create({ input: TEXTS, encoding_format: 'base64' });
    b.data.forEach((d, i) => {
      const bytes = Buffer.from(d.embedding, 'base64');
      assert.deepEqual(Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4)), r.data[i].embedding.map(Math.fround));
    });
    const short = await engine.embeddings.create({ input: 'The cat sat on the mat.', dimensions: 32 });
    assert.equal(short.data[0].embedding.length, 32);
    assertClose(short.data[0].embedding, nativeEmbed(files[arch], [TEXTS[0]], ['--dimensions', '32'])[0], 2e-6, 'dimensions');
    engine.unload();
  });
}

test('request errors name their field, and the engine keeps working', async () => {
  const engine = await CreateEngine(files['tiny-bert'], { backend: 'cpu' });
  const cases = [
    [{}, 'input'], [{ input: '' }, 'input'], [{ input: [] }, 'input'], [{ input: [1, -3] }, 'input'], [{ input: [['x']] }, 'input'],
    [{ input: 'x', encoding_format: 'hex' }, 'encoding_format'], [{ input: 'x', dimensions: 0 }, 'dimensions'],
    [{ input: 'x', dimensions: 100000 }, 'dimensions'], [{ input: 'x', colour: 1 }, 'colour'],
    [{ input: 'word '.repeat(600) }, 'input'], [{ input: [[1, 2, 999999]] }, 'input'],
  ];
  for (const [request, param] of cases) {
    await assert.rejects(engine.embeddings.create(request), (e) => e instanceof InvalidRequestError && e.param === param, JSON.stringify(request).slice(0, 80));
  }
  const cut = await engine.embeddings.create({ input: 'word '.repeat(600), truncate: true });
  assert.equal(cut.usage.prompt_tokens, 512);
  assert.equal((await engine.embeddings.create({ input: [[101, 500, 102]] })).data.length, 1); // token ids, as given
  engine.unload();

  const lm = await CreateEngine(STORIES, { backend: 'cpu' });
  await assert.rejects(lm.embeddings.create({ input: 'hello' }), (e) => e instanceof InvalidRequestError && e.code === 'model_not_embedding');
  // a language model given a pooling embeds (a decoder used as an embedder)
  const pooled = await CreateEngine(STORIES, { backend: 'cpu', pooling: 'mean' });
  assert.equal((await pooled.embeddings.create({ input: 'hello' })).data[0].embedding.length, pooled.modelInfo().n_embd);
  await assert.rejects(pooled.chat.completions.create({ messages: [{ role: 'user', content: 'x' }] }));
  lm.unload();
  pooled.unload();
});

// WebGPU (SwiftShader here; scripts/web_test.sh points Vulkan at it): the GPU encoder's vectors point
// where the CPU's do. f32 weights; the GPU's sums run in another order, so a bound, not equality.
const cosine = (a, b) => a.reduce((s, x, k) => s + x * b[k], 0) / (norm(a) * norm(b));
const LONG = Array.from({ length: 40 }, (_, i) => `word${i % 7} and more`).join(' '); // past one 32-row bucket
for (const arch of KINDS) {
  test(`${arch}: the WebGPU encoder's embeddings equal the CPU's (cosine >= 0.99999)`, async () => {
    const gpu = await CreateEngine(files[arch], { backend: 'webgpu' });
    assert.equal(gpu.modelInfo().backend, 'webgpu');
    const cpu = await CreateEngine(files[arch], { backend: 'cpu' });
    const input = [...TEXTS, LONG];
    const [g, c] = [await gpu.embeddings.create({ input }), await cpu.embeddings.create({ input })];
    g.data.forEach((d, i) => assert.ok(cosine(d.embedding, c.data[i].embedding) >= 0.99999, `input ${i}: cosine ${cosine(d.embedding, c.data[i].embedding)}`));
    assert.deepEqual(g.usage, c.usage);
    // many inputs: several packed runs, in order
    const many = Array.from({ length: 20 }, (_, i) => `${TEXTS[i % 3]} ${i}`);
    const [gm, cm] = [await gpu.embeddings.create({ input: many, dimensions: 48 }), await cpu.embeddings.create({ input: many, dimensions: 48 })];
    gm.data.forEach((d, i) => assert.ok(cosine(d.embedding, cm.data[i].embedding) >= 0.99999, `many ${i}`));
    await assert.rejects(gpu.chat.completions.create({ messages: [{ role: 'user', content: 'x' }] }));
    gpu.unload();
    cpu.unload();
  });
}

test("backend 'auto' loads an embedding model where it can run (WebGPU when an adapter exists)", async () => {
  const engine = await CreateEngine(files['tiny-nomic-bert'], { backend: 'auto' });
  assert.ok(['webgpu', 'cpu'].includes(engine.modelInfo().backend));
  assert.equal((await engine.embeddings.create({ input: 'hi' })).data.length, 1);
  engine.unload();
});

test('a worker engine computes the same embeddings as the in-process engine', async () => {
  const dist = new URL('../dist/index.mjs', import.meta.url).href;
  const thread = new Worker(`
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.dist).then(({ WebWorkerEngineHandler }) => new WebWorkerEngineHandler(undefined, {
  addEventListener: (type, listener) => parentPort.on('message', (data) => listener({ data })),
  postMessage: (m) => parentPort.postMessage(m),
}));`, { eval: true, workerData: { dist } });
  try {
    let listener = null;
    thread.on('message', (m) => listener?.(m));
    const client = new WorkerEngine({ post: (m) => thread.postMessage(m), listen: (l) => (listener = l) });
    await client.reload(files['tiny-bert'], { backend: 'cpu' });
    const local = await CreateEngine(files['tiny-bert'], { backend: 'cpu' });
    const [a, b] = await Promise.all([client.embeddings.create({ input: TEXTS }), local.embeddings.create({ input: TEXTS })]);
    assert.deepEqual(a.data, b.data);
    await assert.rejects(client.embeddings.create({ input: '' }), (e) => e instanceof InvalidRequestError && e.param === 'input');
    local.unload();
  } finally {
    await thread.terminate();
  }
});

test('hearth serve: the openai client gets the in-process engine\'s embeddings from /v1/embeddings', async () => {
  const served = await startServe(['--model', files['tiny-nomic-bert']]);
  try {
    const client = new OpenAI({ baseURL: served.baseURL, apiKey: 'not-needed', maxRetries: 0 });
    const local = await CreateEngine(files['tiny-nomic-bert'], { backend: 'cpu' });
    const want = await local.embeddings.create({ input: TEXTS });
    const got = await client.embeddings.create({ model: 'nomic', input: TEXTS }); // the client asks for base64 and decodes it
    assert.equal(got.data.length, TEXTS.length);
    got.data.forEach((d, i) => assert.deepEqual(Array.from(d.embedding), want.data[i].embedding.map(Math.fround)));
    assert.deepEqual(got.usage, want.usage);
    const floats = await client.embeddings.create({ model: 'nomic', input: 'hi', encoding_format: 'float', dimensions: 16 });
    assert.equal(floats.data[0].embedding.length, 16);
    await assert.rejects(client.embeddings.create({ model: 'nomic', input: [] }), (e) => e.status === 400 && e.param === 'input');
    const raw = await fetch(`${served.baseURL}/embeddings`);
    assert.equal(raw.status, 405);
    local.unload();
  } finally {
    await served.stop();
  }
  assert.match(served.stderr(), /POST \/v1\/embeddings 200 .*prompt=\d+ inputs=3/);
});

test('hearth/webllm: engine.embeddings.create on an embedding model; a language model refuses with WebLLM\'s error', async () => {
  const appConfig = {
    model_list: [
      { model: files['tiny-bert'], model_id: 'tiny-bert', model_lib: '', model_type: webllm.ModelType.embedding },
      { model: STORIES, model_id: 'stories', model_lib: '' },
    ],
  };
  const e = await webllm.CreateMLCEngine(['tiny-bert', 'stories'], { appConfig, backend: 'cpu', logLevel: 'ERROR' });
  try {
    const r = await e.embeddings.create({ model: 'tiny-bert', input: TEXTS });
    const own = await CreateEngine(files['tiny-bert'], { backend: 'cpu' });
    assert.deepEqual(r.data, (await own.embeddings.create({ input: TEXTS })).data);
    assert.equal(r.model, 'tiny-bert');
    assert.ok(r.usage.extra.prefill_tokens_per_s > 0);
    own.unload();
    await assert.rejects(e.embeddings.create({ model: 'stories', input: 'x' }), (err) => err.name === 'EmbeddingUnsupportedModelError');
  } finally {
    await e.unload();
  }
});

test('hearth info says what an embedding model is, natively and under Node alike', () => {
  const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
  const native = spawnSync(HEARTH, ['info', '--model', files['tiny-bert']], { encoding: 'utf8' });
  const node = spawnSync(process.execPath, [cli, 'info', '--model', files['tiny-bert']], { encoding: 'utf8' });
  assert.equal(native.status, 0, native.stderr);
  assert.equal(node.stdout, native.stdout);
  assert.match(native.stdout, /layer norm eps: 1e-12/);
  assert.match(native.stdout, /embedding model: pooling cls, attention bidirectional/);
  const qwen = spawnSync(HEARTH, ['info', '--model', files['tiny-qwen3-embedding']], { encoding: 'utf8' });
  assert.match(qwen.stdout, /embedding model: pooling last, attention causal/);
});
