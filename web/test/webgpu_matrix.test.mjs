// The GPU correctness matrix: for every tiny architecture preset × every GPU weight type, the WebGPU
// forward pass against the core's CPU reference (engine.cpuLogits), relative error < 1e-3 (all GPU
// arithmetic is f32) at every position of a prompt and of 16 decode steps. The prompt (37 tokens) goes
// through the batched prefill (evalBatch with allLogits: a full chunk of PREFILL_CHUNK = 32 tokens,
// then a partial one of 5), and the decode steps read the K/V rows the chunks appended. KV prefix
// reuse (truncate, then evalBatch of a new suffix across the chunk boundary) is checked once per
// architecture. Synthetic models come from the native `build/bin/hearth gen`. One engine for the
// whole matrix (SwiftShader is slow: tiny prompts).
// Q4_0/Q8_0/Q4_K/Q6_K matmuls also run with int8 activations (the default fast path, dot4I8Packed): that
// rounding of the activations is bounded by INT8_BOUND instead (measured about 1.3e-2 here), and the
// matvecs sharing one dispatch (SEGMENTS: q/k/v, gate/up) give the logits of one dispatch each (1e-5).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { createEngine } from '../dist/index.mjs';
import { gpuContext } from '../dist/gpu/context.mjs';
import { GpuExecutor, PREFILL_CHUNK } from '../dist/gpu/executor.mjs';
import { GpuWeights } from '../dist/gpu/weights.mjs';
import { bytesSource } from '../dist/byte_source.mjs';

const HEARTH = fileURLToPath(new URL('../../build/bin/hearth', import.meta.url));
const PRESETS = ['tiny-llama', 'tiny-qwen2', 'tiny-qwen3', 'tiny-phi3', 'tiny-gemma2', 'tiny-gemma3'];
// q4_k_m: Q4_K + Q6_K (+ Q5_K where the recipe gives layers more bits); q4_0's output matrix is Q6_K
const TYPES = ['f32', 'f16', 'bf16', 'q8_0', 'q4_0', 'q4_k_m', 'q6_k'];
/** A full prefill chunk and a partial one. */
const PROMPT_LENGTH = 37;
const REUSE_AT = 20; // truncate here and re-evaluate the rest of the prompt
const DECODE_STEPS = 16;
const INT8_BOUND = 5e-2;
const INT8_PATH = new Set(['q8_0', 'q4_0', 'q4_k_m', 'q6_k']); // types whose matmuls have the int8 path
const skip = existsSync(HEARTH) ? false : 'build/bin/hearth is not built';

let dir;
let engine;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hearth-matrix-'));
  if (!skip) engine = await createEngine('webgpu');
});
after(() => {
  engine?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

function generate(preset, type) {
  const file = join(dir, `${preset}-${type}.gguf`);
  const g = spawnSync(HEARTH, ['gen', '--arch', preset, '--type', type, '-o', file], { encoding: 'utf8' });
  assert.equal(g.status, 0, g.stderr);
  return new Uint8Array(readFileSync(file));
}

/** The tokens of a prompt and 16 decode steps: 1, 5, 17, 42, 7, then tokens drawn from a fixed LCG. */
function sequence(nVocab) {
  const tokens = [1, 5, 17, 42, 7];
  let s = 12345;
  while (tokens.length < PROMPT_LENGTH + DECODE_STEPS) {
    s = (s * 1103515245 + 12345) % 2147483648;
    tokens.push(s % nVocab);
  }
  return tokens;
}

function relativeError(gpu, cpu) {
  let maxRef = 0, maxErr = 0;
  for (let i = 0; i < cpu.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(cpu[i]));
    const e = Math.abs(gpu[i] - cpu[i]);
    if (!(e <= maxErr)) maxErr = e;  // NaN sticks
  }
  assert.ok(maxRef > 0, 'the reference logits are all zero');
  return maxErr / maxRef;
}

/** GPU logits of every position: the first `promptLength` tokens as a batched prefill, then one token a step. */
async function gpuLogits(exec, tokens, promptLength = PROMPT_LENGTH) {
  exec.reset();
  const out = await exec.evalBatch(tokens.slice(0, promptLength), { allLogits: true });
  assert.equal(out.length, promptLength);
  for (const t of tokens.slice(promptLength)) out.push(await exec.eval(t, true));
  return out;
}

function check(label, gpu, cpu, bound = 1e-3, promptLength = PROMPT_LENGTH, first = 0) {
  assert.equal(gpu.length, cpu.length);
  for (let t = 0; t < cpu.length; t++) {
    const err = relativeError(gpu[t], cpu[t]);
    assert.ok(err < bound, `${label} position ${first + t}${first + t < promptLength ? ' (prompt)' : ' (decode)'}: relative error ${err}`);
  }
}

async function uploadWeights(bytes, plan, options = {}) {
  return GpuWeights.upload(await gpuContext(), plan.nodes.flatMap((n) => (n.weight ? [n.weight] : [])), plan.config.data_offset,
    bytesSource(bytes), options);
}

test('the matrix prompt spans a full prefill chunk and a partial one', () => {
  assert.ok(PROMPT_LENGTH > PREFILL_CHUNK && PROMPT_LENGTH % PREFILL_CHUNK !== 0 && REUSE_AT < PREFILL_CHUNK);
});

for (const preset of PRESETS) {
  test(`webgpu matrix: ${preset} × ${TYPES.join(', ')} vs CPU, batched prefill of ${PROMPT_LENGTH} + ${DECODE_STEPS} decode steps`, { skip }, async () => {
    const ctx = await gpuContext();
    for (const type of TYPES) {
      const bytes = generate(preset, type);
      const info = await engine.load(bytes, { keepCpuWeights: true });
      const tokens = sequence(info.n_vocab);
      const cpu = engine.cpuLogits(tokens);
      const plan = engine.executor.plan;
      const weights = await uploadWeights(bytes, plan);
      try {
        for (const int8 of INT8_PATH.has(type) ? [false, true] : [false]) {
          const exec = GpuExecutor.create(ctx, plan, weights, { int8Activations: int8 });
          try {
            const logits = await gpuLogits(exec, tokens);
            check(`${preset} ${type}${int8 ? ' int8 activations' : ''}`, logits, cpu, int8 ? INT8_BOUND : 1e-3);
            if (type === TYPES[0]) {
              // KV prefix reuse: keep REUSE_AT positions, prefill the rest of the prompt again
              exec.truncate(REUSE_AT);
              const again = await exec.evalBatch(tokens.slice(REUSE_AT, PROMPT_LENGTH), { allLogits: true });
              check(`${preset} ${type} after truncate(${REUSE_AT})`, again, cpu.slice(REUSE_AT, PROMPT_LENGTH), 1e-3, PROMPT_LENGTH, REUSE_AT);
              // the last logits alone, and the same values left in logitsBuffer's position
              exec.truncate(REUSE_AT);
              const [lastOnly] = await exec.evalBatch(tokens.slice(REUSE_AT, PROMPT_LENGTH));
              check(`${preset} ${type} last logits`, [lastOnly], [cpu[PROMPT_LENGTH - 1]], 1e-3, PROMPT_LENGTH, PROMPT_LENGTH - 1);
              assert.equal(exec.nPast, PROMPT_LENGTH);
            }
            if (int8) {
              // matvecs sharing a dispatch (q/k/v, gate/up: SEGMENTS) do each row's arithmetic as alone
              const single = GpuExecutor.create(ctx, plan, weights, { int8Activations: true, segments: false });
              try {
                // (phi3's q/k/v and gate/up are single fused tensors already: nothing to group)
                if (preset === 'tiny-phi3') assert.equal(exec.dispatchCount, single.dispatchCount);
                else assert.ok(exec.dispatchCount < single.dispatchCount, `${preset} ${type}: ${exec.dispatchCount} vs ${single.dispatchCount} dispatches`);
                // the same arithmetic per row, but a GPU compiler may contract the two shader variants'
                // multiply-adds differently. Integer-exact formulas (Q8_0, Q4_0, Q6_K: the offsets are
                // subtracted in i32) stay within 1e-5; Q4_K subtracts dmin * min * sum(x) in f32, and a
                // last-bit difference there can flip the int8 rounding of the next layer's activations
                // (a step of 1/127 of a block's max): ~1e-2 on the H100 (0.0066 and 0.010 measured), so
                // it gets the int8 bound. A row reading the wrong matrix is off by O(1).
                const bound = type === 'q4_k_m' ? INT8_BOUND : 1e-5;
                check(`${preset} ${type} segmented vs one dispatch each`, logits, await gpuLogits(single, tokens), bound);
              } finally {
                single.dispose();
              }
            }
          } finally {
            exec.dispose();
          }
        }
      } finally {
        weights.dispose();
      }
    }
  });
}

test('webgpu: weights split in several buffers (tiny maxStorageBufferBindingSize), prefill attention in several dispatches, a decode step in three submissions: the same logits', { skip }, async () => {
  const bytes = generate('tiny-llama', 'q4_0');
  await engine.load(bytes, { keepCpuWeights: true });
  const plan = engine.executor.plan;
  // 4 KiB parts: the token embedding (512 rows) and output matrix land in dozens of buffers
  const weights = await uploadWeights(bytes, plan, { maxBindingBytes: 4096 });
  // and prefill attention scores for 5 (token, head) pairs at a time: a chunk's attention in many dispatches
  // and each decode step submitted as three command buffers (stepSubmissions)
  const exec = GpuExecutor.create(await gpuContext(), plan, weights, { int8Activations: false, prefillScoresBytes: 5 * plan.config.n_ctx * 4, stepSubmissions: 3 });
  try {
    // the first and last embedding rows inside the prompt (the prefill's embed over split parts), then in decode
    const seq = sequence(plan.config.n_vocab);
    const tokens = [0, plan.config.n_vocab - 1, ...seq.slice(2, PROMPT_LENGTH), 0, plan.config.n_vocab - 1];
    check('split tiny-llama q4_0', await gpuLogits(exec, tokens), engine.cpuLogits(tokens));
  } finally {
    exec.dispose();
    weights.dispose();
  }
});

test('webgpu: SHADER_F16 kernels exactly where the device has shader-f16 (else the unpack2x16float fallback)', { skip }, async () => {
  const ctx = await gpuContext();
  const bytes = generate('tiny-llama', 'f16');
  await engine.load(bytes, { keepCpuWeights: true });
  const plan = engine.executor.plan;
  const weights = await uploadWeights(bytes, plan);
  const tokens = sequence(plan.config.n_vocab).slice(0, 8);
  const cpu = engine.cpuLogits(tokens);
  try {
    for (const shaderF16 of [true, false]) {
      const exec = GpuExecutor.create(ctx, plan, weights, { shaderF16 });
      try {
        const f16Matvecs = exec.kernelVariants.filter((v) => v.startsWith('matvec|') && v.includes('TYPE_F16') && v.includes('SHADER_F16'));
        assert.equal(f16Matvecs.length > 0, shaderF16 && ctx.features.has('shader-f16'), exec.kernelVariants.join(' ; '));
        check(`tiny-llama f16 shaderF16=${shaderF16}`, await gpuLogits(exec, tokens, 4), cpu, 1e-3, 4);
      } finally {
        exec.dispose();
      }
    }
  } finally {
    weights.dispose();
  }
});

test('webgpu: decode attention as flash-decoding over shares of the positions (some empty at short positions), windowed and soft-capped: the CPU logits', { skip }, async () => {
  for (const preset of ['tiny-llama', 'tiny-gemma2']) {
    const bytes = generate(preset, 'q8_0');
    await engine.load(bytes, { keepCpuWeights: true });
    const plan = engine.executor.plan;
    const weights = await uploadWeights(bytes, plan);
    try {
      // a 3-token prompt, then 30 decode steps: positions 3..32 over 8 shares (shares past the
      // position are empty early on); f32 activations, so the CPU bound applies; int8 output of the
      // merge into the o-projection checked at the int8 bound
      const tokens = sequence(plan.config.n_vocab).slice(0, 33);
      const cpu = engine.cpuLogits(tokens);
      // (and once with the rope as its own dispatch instead of inside the attention kernel: ROPE)
      for (const [splits, int8, fuseRope] of [[8, false, true], [3, false, true], [8, true, true], [1, false, false]]) {
        const exec = GpuExecutor.create(await gpuContext(), plan, weights, { int8Activations: int8, attentionSplits: splits, fuseRope });
        try {
          // shares > 1: flash_decode.wgsl (a workgroup a KV head and share) and the merge; 1: attention.wgsl
          const kernels = exec.kernelVariants.map((v) => v.split('|')[0]);
          assert.equal(kernels.includes('flash_decode'), splits > 1, `${preset}: flash_decode with ${splits} shares`);
          assert.equal(kernels.includes('attention_combine'), splits > 1);
          check(`${preset} attention in ${splits} shares${int8 ? ' (int8)' : ''}${fuseRope ? '' : ', rope dispatch'}`, await gpuLogits(exec, tokens, 3), cpu,
            int8 ? INT8_BOUND : 1e-3, 3);
        } finally {
          exec.dispose();
        }
      }
    } finally {
      weights.dispose();
    }
  }
});

test('webgpu: rms_norm and glu computed in the epilogue of the matvecs before them (three dispatches fewer a llama layer): the logits of separate dispatches', { skip }, async () => {
  for (const [preset, type] of [['tiny-llama', 'q4_0'], ['tiny-qwen3', 'q4_k_m'], ['tiny-gemma2', 'q8_0']]) {
    const bytes = generate(preset, type);
    await engine.load(bytes, { keepCpuWeights: true });
    const plan = engine.executor.plan;
    const weights = await uploadWeights(bytes, plan);
    const tokens = sequence(plan.config.n_vocab).slice(0, 12);
    const cpu = engine.cpuLogits(tokens);
    const ctx = await gpuContext();
    const fused = GpuExecutor.create(ctx, plan, weights);
    const separate = GpuExecutor.create(ctx, plan, weights, { fuseNormGlu: false });
    try {
      const variants = fused.kernelVariants.join(' ; ');
      // gemma2 normalizes each sublayer's output before the residual add: only its glu moves
      const normOut = preset !== 'tiny-gemma2';
      assert.equal(variants.includes('NORM_OUT'), normOut, variants);
      assert.equal(variants.includes('X_NORM'), normOut, variants);
      assert.ok(variants.includes('GLU_OUT'), variants);
      assert.ok(!separate.kernelVariants.join(' ; ').includes('Q8_BLOCK_OUT'));
      // llama-like: per layer the ffn norm and the glu, the next layer's attention norm (the first
      // layer's reads the embedding) and the output norm after the last
      if (normOut) assert.equal(separate.dispatchCount - fused.dispatchCount, 3 * plan.config.n_layer, `${preset}: dispatches`);
      else assert.equal(separate.dispatchCount - fused.dispatchCount, plan.config.n_layer, `${preset}: dispatches`);
      const got = await gpuLogits(fused, tokens, 4);
      check(`${preset} ${type} fused vs CPU`, got, cpu, INT8_BOUND, 4);
      // the same function as separate dispatches: h * norm_w quantized, then 1/rms, is the norm's
      // output quantized up to f32 rounding (~2e-7), except where that rounding moves an activation
      // across a rounding step of its int8 half block (one position in 12 of tiny-llama, 6e-3): most
      // positions agree to 1e-5, all within the int8 bound
      const want = await gpuLogits(separate, tokens, 4);
      check(`${preset} ${type} fused vs separate dispatches`, got, want, INT8_BOUND, 4);
      const close = got.filter((g, t) => relativeError(g, want[t]) < 1e-5).length;
      assert.ok(close >= 0.75 * got.length, `${preset} ${type}: ${close} of ${got.length} positions within 1e-5 of separate dispatches`);
    } finally {
      fused.dispose();
      separate.dispose();
      weights.dispose();
    }
  }
});
