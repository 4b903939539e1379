// The WebGPU backend under Node (the `webgpu` package; SwiftShader on CPU-only machines, see
// scripts/web_test.sh): stories260K's known greedy text through the CLI, GPU logits against the
// core's CPU reference at every prompt position, and a typed error when there is no adapter.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { HearthError, createEngine } from '../dist/index.mjs';

const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
const ZOO_57 =
  ' was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. ' +
  "She wanted to play with it, but she didn't want to play with";

test('webgpu CLI: stories260K greedy continuation of "Zoo"', () => {
  const r = spawnSync(process.execPath, [CLI, 'run', '--model', MODEL, '--prompt', 'Zoo', '-n', '57', '--temp', '0', '--backend', 'webgpu'],
    { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, ZOO_57);
});

test('webgpu logits match the CPU reference at every prompt position (rel. error < 1e-3)', async () => {
  const engine = await createEngine('webgpu');
  await engine.load(new Uint8Array(readFileSync(MODEL)), { keepCpuWeights: true });
  const tokens = engine.tokenize('Once upon a time, there was a little dog', { addSpecial: true });
  assert.ok(tokens.length >= 8);
  const gpu = await engine.gpuLogits(tokens);
  const cpu = engine.cpuLogits(tokens);
  for (let t = 0; t < tokens.length; t++) {
    let maxRef = 0, maxErr = 0;
    for (let i = 0; i < cpu[t].length; i++) {
      maxRef = Math.max(maxRef, Math.abs(cpu[t][i]));
      const e = Math.abs(gpu[t][i] - cpu[t][i]);
      if (!(e <= maxErr)) maxErr = e;
    }
    assert.ok(maxErr / maxRef < 1e-3, `position ${t}: relative error ${maxErr / maxRef}`);
  }
  // the engine still generates after the checks
  let text = '';
  for await (const c of engine.generate({ prompt: 'Zoo', temperature: 0, maxTokens: 57 })) text += c;
  assert.equal(text, ZOO_57);
  engine.dispose();
});

// Synthetic models of every architecture and weight type: test/webgpu_matrix.test.mjs.

test('webgpu without an adapter: a typed error from the CLI', () => {
  const env = { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' };
  const r = spawnSync(process.execPath, [CLI, 'run', '--model', MODEL, '--prompt', 'Zoo', '--backend', 'webgpu'], { encoding: 'utf8', env });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /error \(unsupported\): no WebGPU adapter/);
  assert.ok(HearthError);
});
