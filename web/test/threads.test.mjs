// The threaded wasm module (hearth_core_mt: pthreads on worker_threads) under Node: the same
// stories260K text and logits as one thread, through the API and the CLI's --threads; an engine
// that finds the worker pool spent runs with the threads it got; bad counts are typed errors.
// The process exiting at all checks that idle pool workers do not hold Node's event loop.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { CpuEngine, HearthError, threadsAvailable } from '../dist/index.mjs';

const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
const ZOO_57 =
  ' was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. ' +
  "She wanted to play with it, but she didn't want to play with";

const modelBytes = readFileSync(MODEL);

async function greedyZoo(engine) {
  let text = '';
  for await (const chunk of engine.generate({ prompt: 'Zoo', temperature: 0, maxTokens: 57 })) text += chunk;
  return text;
}

test('threads=2: the same greedy text and logits (within 1e-5) as one thread', async () => {
  assert.equal(threadsAvailable(), true);
  const one = await CpuEngine.create({ threads: 1 });
  const two = await CpuEngine.create({ threads: 2 });
  assert.equal(one.load(modelBytes).n_threads, 1);
  assert.equal(two.load(modelBytes).n_threads, 2);
  assert.equal(await greedyZoo(two), ZOO_57);
  assert.equal(await greedyZoo(one), ZOO_57);

  const tokens = one.tokenize('Once upon a time, there was a little dog', { addSpecial: true });
  assert.ok(tokens.length >= 8); // more than one row per matmul: the prefill splits across threads
  const a = one.cpuLogits(tokens);
  const b = two.cpuLogits(tokens);
  for (let t = 0; t < tokens.length; t++) {
    let maxErr = 0;
    for (let i = 0; i < a[t].length; i++) maxErr = Math.max(maxErr, Math.abs(a[t][i] - b[t][i]));
    assert.ok(maxErr <= 1e-5, `position ${t}: max abs difference ${maxErr}`);
  }
  // a second engine while the first holds the pool's only worker: it runs on the calling thread
  const three = await CpuEngine.create({ threads: 2 });
  assert.equal(three.load(modelBytes).n_threads, 1);
  assert.equal(await greedyZoo(three), ZOO_57);
  three.dispose();
  // reloading returns the first engine's worker to the pool and takes it again
  assert.equal(two.load(modelBytes).n_threads, 2);
  assert.equal(await greedyZoo(two), ZOO_57);
  one.dispose();
  two.dispose();
});

test('threads must be a positive integer or auto', async () => {
  for (const threads of [0, -1, 1.5, '2']) {
    await assert.rejects(CpuEngine.create({ threads }), (e) => e instanceof HearthError && e.type === 'invalid_argument');
  }
});

test('the Node CLI runs --threads 2 on the threaded module with the same text', () => {
  const r = spawnSync(process.execPath, [CLI, 'run', '--model', MODEL, '--prompt', 'Zoo', '-n', '57', '--temp', '0', '--threads', '2'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, ZOO_57);
  assert.match(r.stderr, /\[cpu, 2 threads\]/);
});
