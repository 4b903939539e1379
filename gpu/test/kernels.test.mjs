// Every kernel against a float64 JS reference of the same math, on random tiny inputs (SwiftShader is
// slow). Error measure: max |gpu - ref| / max |ref| over the output (< 1e-4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runKernel, packParams, grid, pipelineKey, pipelineCacheSize, getPipeline } from '../runner.mjs';
import { quantizeQ8_0, quantizeQ4_0, dequantize } from '../testing/ggml_quant.mjs';
import * as ref from '../testing/reference.mjs';

const TOL = 1e-4;

// Deterministic random numbers (mulberry32), uniform in [-1, 1) times `scale`.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function randomF32(n, seed, scale = 1) {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (2 * r() - 1) * scale);
}

function assertClose(got, want, what) {
  assert.equal(got.length >= want.length, true, `${what}: output too short`);
  let maxRef = 0, maxErr = 0, at = -1;
  for (let i = 0; i < want.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(want[i]));
    const e = Math.abs(got[i] - want[i]);
    if (!(e <= maxErr)) { maxErr = e; at = i; }  // NaN counts as the worst
  }
  const rel = maxErr / Math.max(maxRef, 1e-30);
  assert.ok(rel < TOL, `${what}: relative error ${rel} at ${at} (gpu ${got[at]}, ref ${want[at]})`);
}

test('preprocessor variants share one generic cache key', async () => {
  assert.equal(pipelineKey('matvec', { WG_SIZE: 64, TYPE_Q4_0: true }), 'matvec|TYPE_Q4_0,WG_SIZE=64');
  assert.equal(pipelineKey('matvec', { TYPE_Q4_0: true, WG_SIZE: 64 }), 'matvec|TYPE_Q4_0,WG_SIZE=64');
  const a = await getPipeline('matvec', { WG_SIZE: 64, TYPE_F32: true });
  const n = pipelineCacheSize();
  const b = await getPipeline('matvec', { TYPE_F32: true, WG_SIZE: 64 });
  assert.equal(a, b);
  assert.equal(pipelineCacheSize(), n);
});

// ---- matvec ----
async function checkMatvec(type, nrows, ncols, seed, wg = 64) {
  const wf = randomF32(nrows * ncols, seed);
  const x = randomF32(ncols, seed + 1);
  let bytes, wref;
  if (type === 'F32') { bytes = wf; wref = Float64Array.from(wf); }
  else {
    bytes = type === 'Q8_0' ? quantizeQ8_0(wf) : quantizeQ4_0(wf);
    wref = dequantize(type, bytes, nrows * ncols);
  }
  const [y] = await runKernel({
    shader: 'matvec', defines: { WG_SIZE: wg, [`TYPE_${type}`]: true },
    params: packParams([['u32', ncols], ['u32', nrows], ['u32', 0], ['u32', 0]]),
    outputs: [nrows * 4], inputs: [bytes, x], workgroups: grid(nrows),
  });
  assertClose(y, ref.matvec(wref, x, nrows, ncols), `matvec ${type} ${nrows}x${ncols}`);
}

for (const type of ['F32', 'Q8_0', 'Q4_0']) {
  test(`matvec ${type} 64x256`, () => checkMatvec(type, 64, 256, 11));
  // 3 blocks per row: rows start at byte offsets that are not multiples of 4
  test(`matvec ${type} 7x96 (unaligned rows), WG_SIZE 32`, () => checkMatvec(type, 7, 96, 23, 32));
}
