// The WebGPU backend under Node (the `webgpu` package; SwiftShader on CPU-only machines, see
// scripts/web_test.sh): stories260K's known greedy text through the CLI, GPU logits against the
// core's CPU reference at every prompt position, a typed error when there is no adapter, and the
// CLI's bench on a synthetic model.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { HearthError, createEngine } from '../dist/index.mjs';

const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
const HEARTH = fileURLToPath(new URL('../../build/bin/hearth', import.meta.url));
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

test('webgpu CLI bench: a JSON record of a run, and --no-fuse-norm-glu loads the model with the norms and GLUs as their own dispatches, generate() included', { skip: existsSync(HEARTH) ? false : 'build/bin/hearth is not built' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
  try {
    const model = join(dir, 'tiny-llama-q4_0.gguf');
    const g = spawnSync(HEARTH, ['gen', '--arch', 'tiny-llama', '--type', 'q4_0', '-o', model], { encoding: 'utf8' });
    assert.equal(g.status, 0, g.stderr);
    const bench = (...flags) => {
      const r = spawnSync(process.execPath, [CLI, 'bench', '--model', model, '-p', '8', '-n', '4', '--json', ...flags], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    const fused = bench('--profile');
    const separate = bench('--no-fuse-norm-glu');
    for (const r of [fused, separate]) {
      assert.equal(r.backend, 'webgpu');
      assert.equal(r.decode_tokens, 4);
      assert.ok(r.decode_tok_s > 0 && r.prefill_tok_s > 0 && r.gpu_ms_per_token > 0, JSON.stringify(r));
      // SwiftShader has timestamp queries: the GPU's own time of a step, within the wall time of one
      assert.ok(r.gpu_timestamp_ms_per_token > 0 && r.gpu_timestamp_ms_per_token <= r.gpu_ms_per_token, JSON.stringify(r));
    }
    // the variant is the engine's executor (LoadOptions.gpu), so generate() runs it too
    for (const r of [fused, separate]) assert.ok(r.generate_tok_s > 0, JSON.stringify(r));
    // --profile: every dispatch of the step under its kernel's label, each label's cost (GPU time by
    // timestamps here) a finite, non-negative time
    assert.equal(fused.profile.reduce((n, k) => n + k.count, 0), fused.dispatches_per_token);
    for (const k of fused.profile) assert.ok(Number.isFinite(k.ms) && k.ms >= 0, JSON.stringify(k));
    assert.ok(fused.profile.some((k) => k.ms > 0));
    assert.ok(fused.profile.some((k) => k.label === 'attention') && fused.profile.some((k) => k.label.startsWith('matvec q4_0')));
    // tiny-llama has 2 layers: per layer the ffn norm, the glu and (after the first) the attention
    // norm, and the output norm
    assert.equal(separate.dispatches_per_token - fused.dispatches_per_token, 6);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
