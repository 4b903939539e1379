// Every kernel against a float64 JS reference of the same math, on random tiny inputs (SwiftShader is
// slow). Error measure: max |gpu - ref| / max |ref| over the output (< 1e-4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runKernel, packParams, grid, pipelineKey, pipelineCacheSize, getPipeline, getDevice } from '../runner.mjs';
import { quantizeQ8_0, quantizeQ4_0, dequantize, randomKBlocks, f32ToF16, f16ToF32 } from '../testing/ggml_quant.mjs';
import * as ref from '../testing/reference.mjs';
import { randomF32, rng } from '../testing/random.mjs';

const TOL = 1e-4;


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
  else if (type.endsWith('_K')) {
    bytes = randomKBlocks(type, nrows * ncols / 256, rng(seed + 2));
    wref = dequantize(type, bytes, nrows * ncols);
  } else {
    bytes = type === 'Q8_0' ? quantizeQ8_0(wf) : quantizeQ4_0(wf);
    wref = dequantize(type, bytes, nrows * ncols);
  }
  const [y] = await runKernel({
    shader: 'matvec', defines: { WG_SIZE: wg, [`TYPE_${type}`]: true },
    params: packParams([['u32', ncols], ['u32', nrows], ['u32', 0], ['u32', 0], ['u32', 0], ['u32', 0], ['f32', 0], ['u32', 0]]),
    outputs: [nrows * 4], inputs: [bytes, x], workgroups: grid(nrows),
  });
  assertClose(y, ref.matvec(wref, x, nrows, ncols), `matvec ${type} ${nrows}x${ncols}`);
}

for (const type of ['F32', 'Q8_0', 'Q4_0']) {
  test(`matvec ${type} 64x256`, () => checkMatvec(type, 64, 256, 11));
  // 3 blocks per row: rows start at byte offsets that are not multiples of 4
  test(`matvec ${type} 7x96 (unaligned rows), WG_SIZE 32`, () => checkMatvec(type, 7, 96, 23, 32));
}

// ---- int8 block epilogues of the decode matvec (matvec.wgsl Q8_ACT, Q8_BLOCK_OUT, NORM_OUT, GLU_OUT, X_NORM) ----
// x as the int8 matvecs read it (common/q8_block.wgsl): per half block of 16, int8 values (round(v /
// d), d = amax / 127), the f32 scale and the i32 sum (words 8 nb + 2 h, + 1), and (sumsq given, one a
// half) f32 sums of squares at 12 nb + h. Returns the words and the values the kernel sees (q * d).
function q8Blocks(v, sumsq = null) {
  const nb = v.length / 32;
  const words = new Uint32Array(14 * nb + 4);
  const bytes = new Int8Array(words.buffer, 0, 32 * nb);
  const f = new Float32Array(words.buffer);
  const i32 = new Int32Array(words.buffer);
  const seen = new Float64Array(v.length);
  for (let h = 0; h < 2 * nb; h++) {
    let amax = 0;
    for (let j = 0; j < 16; j++) amax = Math.max(amax, Math.abs(v[16 * h + j]));
    const d = Math.fround(amax / 127);
    let sum = 0;
    for (let j = 0; j < 16; j++) {
      const q = d > 0 ? Math.round(v[16 * h + j] / d) : 0;
      bytes[16 * h + j] = q;
      sum += q;
      seen[16 * h + j] = q * d;
    }
    f[8 * nb + 2 * h] = d;
    i32[8 * nb + 2 * h + 1] = sum;
    if (sumsq) f[12 * nb + h] = sumsq[h];
  }
  return { words, seen };
}

// Sums of squares of each half block of 16.
const halfSumsq = (v) => Array.from({ length: v.length / 16 }, (_, h) => v.subarray(16 * h, 16 * h + 16).reduce((s, e) => s + e * e, 0));

// Checks an int8 vector written by a kernel against the values it should hold: each half's scale is
// its amax / 127, each value within half a step (plus `slack` of the half's amax), the sums are the
// int8 values' sums, and (sumsq given) the sums of squares.
function checkQ8Blocks(out, want, what, { slack = 1e-6, sumsq = null } = {}) {
  const nb = want.length / 32;
  const bytes = new Int8Array(out.buffer, 0, 32 * nb);
  const f = new Float32Array(out.buffer);
  const i32 = new Int32Array(out.buffer);
  for (let h = 0; h < 2 * nb; h++) {
    let amax = 0, sum = 0;
    for (let j = 0; j < 16; j++) amax = Math.max(amax, Math.abs(want[16 * h + j]));
    const d = f[8 * nb + 2 * h];
    assert.ok(Math.abs(d - amax / 127) <= (amax / 127) * (1e-5 + slack), `${what}: half ${h} scale ${d}, want ${amax / 127}`);
    for (let j = 0; j < 16; j++) {
      const q = bytes[16 * h + j];
      sum += q;
      assert.ok(Math.abs(q * d - want[16 * h + j]) <= d / 2 + slack * amax + 1e-12, `${what}: half ${h} value ${j}: ${q} x ${d}, want ${want[16 * h + j]}`);
    }
    assert.equal(i32[8 * nb + 2 * h + 1], sum, `${what}: half ${h} sum`);
    if (sumsq) assert.ok(Math.abs(f[12 * nb + h] - sumsq[h]) <= 1e-5 * sumsq[h], `${what}: half ${h} sum of squares ${f[12 * nb + h]}, want ${sumsq[h]}`);
  }
}

const matvecParams = (ncols, nrows, rows1 = 0, eps = 0) =>
  packParams([['u32', ncols], ['u32', nrows], ['u32', 0], ['u32', 0], ['u32', rows1], ['u32', 0], ['f32', eps], ['u32', 0]]);

// The int8 matvec (Q8_ACT) of every type with an int8 path against the float64 dot of the dequantized
// weights with the int8 x as the kernel sees it (so only f32 rounding is left: 1e-4): each type's
// dot split at the half blocks of 16, Q4_K's chunk pairs, Q6_K's half sums; 5 rows of 768 (3 K-quant
// blocks, rows at offsets 2 mod 4 for Q6_K) and 64 of 256, several invocations a row.
for (const type of ['Q8_0', 'Q4_0', 'Q4_K', 'Q6_K']) {
  for (const [nrows, ncols, wg] of [[64, 256, 64], [5, 768, 16]]) {
    test(`matvec ${type} Q8_ACT ${nrows}x${ncols}, WG_SIZE ${wg}`, async () => {
      const seed = 401 + ncols;
      let bytes;
      if (type.endsWith('_K')) bytes = randomKBlocks(type, nrows * ncols / 256, rng(seed));
      else bytes = (type === 'Q8_0' ? quantizeQ8_0 : quantizeQ4_0)(randomF32(nrows * ncols, seed));
      const wref = dequantize(type, bytes, nrows * ncols);
      const x = q8Blocks(randomF32(ncols, seed + 1, 3));
      const [y] = await runKernel({
        shader: 'matvec', defines: { WG_SIZE: wg, [`TYPE_${type}`]: true, Q8_ACT: true },
        params: matvecParams(ncols, nrows), outputs: [nrows * 4], inputs: [bytes, x.words], workgroups: grid(nrows),
      });
      assertClose(y, ref.matvec(wref, x.seen, nrows, ncols), `matvec ${type} Q8_ACT ${nrows}x${ncols}`);
    });
  }
}

// 16 outputs a workgroup (GLU_OUT: 32 row slots), with 1, 2 and 8 invocations a row (a reduction in
// workgroup memory); 96 columns: 3 Q4_0 blocks a row, so odd rows start off a 4-byte boundary.
// SUBGROUPS (where the adapter has them): a row of two subgroups, summed by subgroupAdd and then
// through workgroup memory (the executor's layout for rows of 8192+ weights).
const adapterInfo = (await getDevice()).adapterInfo ?? {};
const sgRow = (await getDevice()).features.has('subgroups') && adapterInfo.subgroupMaxSize ? 2 * adapterInfo.subgroupMaxSize : 0;
for (const [tpr, sg] of [[1, false], [2, false], [8, false], ...(sgRow && 32 * sgRow <= 256 ? [[sgRow, true]] : [])]) {
  test(`matvec NORM_OUT: h = W x + res written, and h * norm_w as int8 blocks with h's sums of squares (${tpr} invocations a row${sg ? ', subgroups' : ''})`, async () => {
    const nrows = 64, ncols = 96;
    const wq = quantizeQ4_0(randomF32(nrows * ncols, 301 + tpr));
    const wref = dequantize('Q4_0', wq, nrows * ncols);
    const x = q8Blocks(randomF32(ncols, 302));
    const res = randomF32(nrows, 303);
    const normW = randomF32(nrows, 304, 2);
    const [y, xq] = await runKernel({
      shader: 'matvec', defines: { TYPE_Q4_0: true, Q8_ACT: true, ADD_RES: true, Q8_BLOCK_OUT: true, NORM_OUT: true, ROWS: 16, WG_SIZE: 16 * tpr, SUBGROUPS: sg },
      params: matvecParams(ncols, nrows), outputs: [nrows * 4, (14 * nrows / 32 + 4) * 4], bindings: [1, 9, 2, 3, 4, 10],
      inputs: [wq, x.words, res, normW], workgroups: [nrows / 16, 1, 1],
    });
    const h = ref.matvec(wref, x.seen, nrows, ncols).map((v, r) => v + res[r]);
    assertClose(y, h, 'NORM_OUT h');
    checkQ8Blocks(xq, y.map((v, r) => Math.fround(v * normW[r])), 'NORM_OUT blocks', { sumsq: halfSumsq(y) });
  });

  test(`matvec X_NORM + GLU_OUT: act(gate) * up of an input whose rms norm is applied by the reader, as int8 blocks (${tpr} invocations a row${sg ? ', subgroups' : ''})`, async () => {
    const nrows = 64, ncols = 96, eps = 1e-5;
    const gq = quantizeQ4_0(randomF32(nrows * ncols, 311 + tpr)), uq = quantizeQ4_0(randomF32(nrows * ncols, 312 + tpr));
    // the producer's h (far from unit rms, so a missing norm shows) and the norm weight it folded in
    const hv = randomF32(ncols, 313, 7), nw = randomF32(ncols, 314);
    const sumsq = halfSumsq(hv);
    const x = q8Blocks(hv.map((v, i) => v * nw[i]), sumsq);
    for (const [act, f] of [['ACT_SILU', ref.silu], ['ACT_GELU', ref.geluTanh]]) {
      const [xq] = await runKernel({
        shader: 'matvec', defines: { TYPE_Q4_0: true, Q8_ACT: true, SEGMENTS: true, X_NORM: true, GLU_OUT: true, [act]: true, Q8_BLOCK_OUT: true, ROWS: 32, WG_SIZE: 32 * tpr, SUBGROUPS: sg },
        params: matvecParams(ncols, nrows, nrows, eps), outputs: [(14 * nrows / 32 + 4) * 4], bindings: [9, 2, 3, 6],
        inputs: [gq, x.words, uq], workgroups: [nrows / 16, 1, 1],
      });
      const inv = 1 / Math.sqrt(sumsq.reduce((a, b) => a + b) / ncols + eps);
      const g = ref.matvec(dequantize('Q4_0', gq, nrows * ncols), x.seen, nrows, ncols);
      const u = ref.matvec(dequantize('Q4_0', uq, nrows * ncols), x.seen, nrows, ncols);
      checkQ8Blocks(xq, g.map((v, r) => f(v * inv) * u[r] * inv), `GLU_OUT ${act}`, { slack: 1e-4 });
    }
  });
}

// K-quants (blocks of 256) from random bytes with sane f16 scales: 64x256 (Q6_K rows of 210 bytes, so
// odd rows start at offsets that are 2 mod 4), 5x768 (3 blocks a row, more chunks than invocations
// with WG_SIZE 16)
for (const type of ['Q6_K', 'Q4_K']) {
  test(`matvec ${type} 64x256`, () => checkMatvec(type, 64, 256, 41));
  test(`matvec ${type} 5x768, WG_SIZE 16`, () => checkMatvec(type, 5, 768, 43, 16));
}

// ---- matmul (prefill): Y[m, off + r] = X[m] . W[r] (+ res) ----
// Shapes off the 32x32 tile on purpose: rows and tokens that leave partial tiles, F32/F16 columns
// that end inside a 32-column step, two tiles of tokens (m 33), a part written at a row offset into
// wider rows with the residual add.
async function checkMatmul(type, nrows, ncols, m, seed, { yOffset = 0, yStride = nrows, res = false } = {}) {
  const wf = randomF32(nrows * ncols, seed);
  const x = randomF32(m * ncols, seed + 1);
  let bytes, wref;
  if (type === 'F32') { bytes = wf; wref = Float64Array.from(wf); }
  else if (type === 'F16') {
    bytes = Uint16Array.from(wf, f32ToF16);
    wref = Float64Array.from(bytes, f16ToF32);
  } else if (type.endsWith('_K')) {
    bytes = randomKBlocks(type, nrows * ncols / 256, rng(seed + 2));
    wref = dequantize(type, bytes, nrows * ncols);
  } else {
    bytes = type === 'Q8_0' ? quantizeQ8_0(wf) : quantizeQ4_0(wf);
    wref = dequantize(type, bytes, nrows * ncols);
  }
  const r = res ? randomF32(m * yStride, seed + 3) : null;
  const [y] = await runKernel({
    shader: 'matmul', defines: { [`TYPE_${type}`]: true, ADD_RES: res },
    params: packParams([['u32', ncols], ['u32', nrows], ['u32', 0], ['u32', yOffset], ['u32', yStride], ['u32', m], ['u32', 0], ['u32', 0]]),
    outputs: [m * yStride * 4], inputs: r ? [bytes, x, r] : [bytes, x], workgroups: [Math.ceil(nrows / 32), Math.ceil(m / 32), 1],
  });
  const want = [], got = [];
  for (let t = 0; t < m; t++) {
    const row = ref.matvec(wref, x.subarray(t * ncols, (t + 1) * ncols), nrows, ncols);
    for (let i = 0; i < nrows; i++) {
      want.push(row[i] + (r ? r[t * yStride + yOffset + i] : 0));
      got.push(y[t * yStride + yOffset + i]);
    }
  }
  assertClose(got, want, `matmul ${type} ${nrows}x${ncols}, ${m} tokens`);
}

test('matmul F32 37x70, 5 tokens (partial tiles, columns end inside a step)', () => checkMatmul('F32', 37, 70, 5, 201));
test('matmul F16 33x46, 33 tokens (two token tiles)', () => checkMatmul('F16', 33, 46, 33, 203));
test('matmul Q4_0 45x96, 7 tokens, rows 10.. of 60 with residual', () => checkMatmul('Q4_0', 45, 96, 7, 205, { yOffset: 10, yStride: 60, res: true }));
test('matmul Q8_0 40x64, 3 tokens', () => checkMatmul('Q8_0', 40, 64, 3, 207));
test('matmul Q6_K 35x512, 6 tokens', () => checkMatmul('Q6_K', 35, 512, 6, 209));
test('matmul Q4_K 9x256, 32 tokens', () => checkMatmul('Q4_K', 9, 256, 32, 211));

// ---- elementwise helper ----
const WG = 64;
const elemGrid = (n) => grid(Math.ceil(n / WG));

// ---- rms_norm ----
// a hidden state; per-head norms (6 heads of 16); groups longer than a round of unrolled loads (4 x 64 vec4s)
for (const [group, ngroups] of [[256, 1], [16, 6], [1100, 2]]) {
  test(`rms_norm group ${group} x ${ngroups}`, async () => {
    const x = randomF32(group * ngroups, 31 + group, 3), w = randomF32(group, 37);
    const eps = 1e-5;
    const [y] = await runKernel({
      shader: 'rms_norm', defines: { WG_SIZE: WG },
      params: packParams([['u32', group], ['u32', ngroups], ['f32', eps], ['u32', 0]]),
      outputs: [x.length * 4], inputs: [x, w], workgroups: grid(ngroups),
    });
    assertClose(y, ref.rmsNorm(x, w, group, eps), 'rms_norm');
  });
}

// ---- rope ----
const ROPE_CASES = [
  { name: 'NORM', neox: false, nrot: 16 },
  { name: 'NEOX', neox: true, nrot: 16 },
  { name: 'NORM, freq factors, linear scale 0.25, mscale 1.2', neox: false, nrot: 16, ff: true, linScale: 0.25, mscale: 1.2 },
  { name: 'NEOX, partial n_rot 8, freq factors', neox: true, nrot: 8, ff: true },
];
for (const c of ROPE_CASES) {
  test(`rope ${c.name}`, async () => {
    const nheads = 3, hd = 16, positions = Uint32Array.from([0, 1, 5, 17, 100]);
    const x = randomF32(positions.length * nheads * hd, 41);
    const ff = c.ff ? Float32Array.from({ length: c.nrot / 2 }, (_, i) => 1 + i * 0.75) : null;
    const opts = { nheads, hd, nrot: c.nrot, base: 10000, neox: c.neox, ff, linScale: c.linScale ?? 1, mscale: c.mscale ?? 1 };
    const [y] = await runKernel({
      shader: 'rope', defines: { WG_SIZE: WG, NEOX: c.neox, FREQ_FACTORS: !!ff },
      params: packParams([['u32', positions.length], ['u32', nheads], ['u32', hd], ['u32', c.nrot],
        ['f32', opts.base], ['f32', opts.linScale], ['f32', opts.mscale], ['u32', 0]]),
      outputs: [x.length * 4], inputs: ff ? [x, positions, ff] : [x, positions], workgroups: elemGrid(x.length),
    });
    assertClose(y, ref.rope(x, positions, opts), `rope ${c.name}`);
  });
}

// ---- attention ----
for (const [softcap, window] of [[0, 0], [0, 4], [30, 4], [0.5, 0]]) {
  test(`attention H4 Hkv2 hd16 9 positions, softcap ${softcap}, window ${window}`, async () => {
    const H = 4, Hkv = 2, hd = 16, nkv = 9;
    for (const pos of [8, 2]) {  // the last position, and one early (keys after pos are ignored)
      const q = randomF32(H * hd, 51 + pos, 2), k = randomF32(nkv * Hkv * hd, 53, 2), v = randomF32(nkv * Hkv * hd, 59);
      const scale = 1 / Math.sqrt(hd);
      const [out] = await runKernel({
        shader: 'attention', defines: { WG_SIZE: 32 },
        params: packParams([['u32', H], ['u32', Hkv], ['u32', hd], ['u32', nkv], ['u32', pos], ['u32', window],
          ['f32', scale], ['f32', softcap]]),
        outputs: [H * hd * 4, H * nkv * 4], inputs: [q, k, v], workgroups: grid(H),
      });
      assertClose(out, ref.attention(q, k, v, { H, Hkv, hd, pos, scale, softcap, window }), `attention pos ${pos}`);
    }
  });
}

// ---- flash-decoding: flash_decode.wgsl over shares of the positions, merged by attention_combine ----
// A cache of 100 positions whose row pos holds garbage: the kernel must take the new k and v (kNew,
// vNew) for it; q, k, v with the reference's view of the cache.
function flashCase(H, Hkv, hd, pos) {
  const nkv = 100;
  const q = randomF32(H * hd, 71 + pos, 2), k = randomF32(nkv * Hkv * hd, 73, 2), v = randomF32(nkv * Hkv * hd, 79);
  const row = [pos * Hkv * hd, (pos + 1) * Hkv * hd];
  const kCache = k.slice(), vCache = v.slice();
  kCache.fill(1e4, ...row);
  vCache.fill(-1e4, ...row);
  return { q, k, v, kNew: k.slice(...row), vNew: v.slice(...row), kCache, vCache, scale: 1 / Math.sqrt(hd) };
}

// attention_combine over flash_decode's `part`: the heads' outputs
async function combine(part, H, hd, shares) {
  const [out] = await runKernel({
    shader: 'attention_combine', defines: { WG_SIZE: 32 },
    params: packParams([['u32', H], ['u32', hd], ['u32', shares], ['u32', 0]]),
    outputs: [H * hd * 4], inputs: [part], workgroups: grid(H),
  });
  return out;
}

// 100 cached positions in tiles of 8, so a share walks several tiles (the online softmax's rescaling);
// position pos comes from k_new/v_new (its cache row holds garbage); 7 shares at pos 3 leave some empty;
// hd 24 on 32 invocations: 5 position groups, so a tile of 8 does not divide evenly among them, and
// 2 invocations a key row: 16 rows a round, more than a tile; 23 shares of hd 32: attention_combine's
// groups take the first four shares each, loaded early, and then more. HB query heads merged a round: all 4, 3
// of 4 (a second round with one), or one at a time.
for (const [H, Hkv, hd, shares, pos, softcap, window, HB] of [[8, 2, 16, 2, 99, 0, 0, 4], [8, 2, 16, 5, 40, 30, 0, 3], [2, 2, 16, 3, 99, 0, 37, 1],
  [8, 2, 16, 7, 3, 0, 0, 1], [6, 3, 24, 4, 77, 0, 0, 2], [4, 1, 32, 23, 99, 0, 0, 4]]) {
  test(`flash_decode + attention_combine H${H} Hkv${Hkv} hd${hd}, ${shares} shares at position ${pos}, softcap ${softcap}, window ${window}, ${HB} heads a merge round`, async () => {
    const TILE = 8;
    const { q, k, v, kNew, vNew, kCache, vCache, scale } = flashCase(H, Hkv, hd, pos);
    const [part] = await runKernel({
      shader: 'flash_decode', defines: { WG_SIZE: 32, HD: hd, GQA: H / Hkv, TILE, KL: hd % 16 === 0 ? 4 : 2, HB },
      params: packParams([['u32', H], ['u32', Hkv], ['u32', shares], ['u32', window], ['f32', scale], ['f32', softcap], ['u32', 0], ['u32', 0]]),
      outputs: [H * shares * (hd / 4 + 1) * 16], inputs: [q, kCache, vCache, kNew, vNew, Uint32Array.from([pos, 0, 0, 0])], workgroups: grid(Hkv * shares),
    });
    const out = await combine(part, H, hd, shares);
    assertClose(out, ref.attention(q, k, v, { H, Hkv, hd, pos, scale, softcap, window }), 'flash-decoding');
  });
}

// ---- flash_decode ROPE: q and the new key come unrotated and are rotated on load (NORM; NEOX with
// partial n_rot, freq factors and scales; llama-3.1's head size and base), the rotated key and the
// value written to the cache at pos (read back) ----
for (const [H, Hkv, hd, shares, pos, rope] of [[8, 2, 16, 3, 99, { neox: false, nrot: 16 }],
  [4, 2, 32, 2, 60, { neox: true, nrot: 16, ff: true, linScale: 0.5, mscale: 1.1 }], [8, 2, 128, 4, 99, { neox: false, nrot: 128, ff: true, base: 500000 }]]) {
  test(`flash_decode ROPE ${rope.neox ? 'NEOX' : 'NORM'} + attention_combine H${H} Hkv${Hkv} hd${hd}, ${shares} shares at position ${pos}`, async () => {
    const TILE = 8;
    const { q, k, v, kNew, vNew, kCache, vCache, scale } = flashCase(H, Hkv, hd, pos);
    const ff = rope.ff ? Float32Array.from({ length: rope.nrot / 2 }, (_, i) => 1 + i * 0.75) : null;
    const ropeOpts = { hd, nrot: rope.nrot, base: rope.base ?? 10000, neox: rope.neox, ff, linScale: rope.linScale ?? 1, mscale: rope.mscale ?? 1 };
    const [part, kOut, vOut] = await runKernel({
      shader: 'flash_decode', defines: { WG_SIZE: 32, HD: hd, GQA: H / Hkv, TILE, KL: 4, HB: H / Hkv, ROPE: true, NEOX: rope.neox, FREQ_FACTORS: !!ff },
      params: packParams([['u32', H], ['u32', Hkv], ['u32', shares], ['u32', 0], ['f32', scale], ['f32', 0], ['u32', 0], ['u32', 0],
        ['u32', rope.nrot], ['f32', ropeOpts.base], ['f32', ropeOpts.linScale], ['f32', ropeOpts.mscale]]),
      outputs: [H * shares * (hd / 4 + 1) * 16], inputs: [q, kCache, vCache, kNew, vNew, Uint32Array.from([pos, 0, 0, 0]), ...(ff ? [ff] : [])],
      workgroups: grid(Hkv * shares), readInputs: [1, 2],
    });
    const out = await combine(part, H, hd, shares);
    // the cache holds rotated keys
    const rotate = (x, nheads) => Float32Array.from(ref.rope(x, Uint32Array.from([pos]), { ...ropeOpts, nheads }));
    const kSeen = k.slice();
    kSeen.set(rotate(kNew, Hkv), pos * Hkv * hd);
    assertClose(out, ref.attention(rotate(q, H), kSeen, v, { H, Hkv, hd, pos, scale, softcap: 0, window: 0 }), 'flash-decoding with rope');
    assertClose(kOut.subarray(pos * Hkv * hd, (pos + 1) * Hkv * hd), kSeen.subarray(pos * Hkv * hd, (pos + 1) * Hkv * hd), 'the new key in the cache');
    assert.deepEqual(vOut.subarray(pos * Hkv * hd, (pos + 1) * Hkv * hd), vNew, 'the new value in the cache');
  });
}

// ---- attention of a prefill chunk (BATCH) ----
// 5 query tokens at positions 3.. of which 4 are valid (the fifth is padding: its output stays 0),
// over a cache of 9 positions; the (token, head) pairs in two dispatches (from pair 0 and from 8) as
// the executor splits them when the scores buffer would be too large.
for (const [softcap, window] of [[0, 0], [30, 4]]) {
  test(`attention BATCH H4 Hkv2 hd16, 5 queries (4 valid) at positions 3.., softcap ${softcap}, window ${window}`, async () => {
    const H = 4, Hkv = 2, hd = 16, nkv = 9, ntok = 5, first = 3, count = 4, split = 8;
    const q = randomF32(ntok * H * hd, 151, 2), k = randomF32(nkv * Hkv * hd, 153, 2), v = randomF32(nkv * Hkv * hd, 159);
    const scale = 1 / Math.sqrt(hd);
    const step = Uint32Array.from([first, count, 0, 0]);
    const run = (from, pairs) => runKernel({
      shader: 'attention', defines: { WG_SIZE: 32, BATCH: true },
      params: packParams([['u32', H], ['u32', Hkv], ['u32', hd], ['u32', nkv], ['u32', from], ['u32', window],
        ['f32', scale], ['f32', softcap]]),
      outputs: [ntok * H * hd * 4, pairs * nkv * 4], inputs: [q, k, v, step], workgroups: grid(pairs),
    });
    const [a] = await run(0, split);
    const [b] = await run(split, ntok * H - split);
    const got = [...a.subarray(0, split * hd), ...b.subarray(split * hd)];
    const want = [];
    for (let t = 0; t < ntok; t++) {
      if (t >= count) { want.push(...new Array(H * hd).fill(0)); continue; }
      want.push(...ref.attention(q.subarray(t * H * hd, (t + 1) * H * hd), k, v, { H, Hkv, hd, pos: first + t, scale, softcap, window }));
    }
    assertClose(got, want, 'attention BATCH');
  });
}

// ---- glu ----
for (const act of ['SILU', 'GELU']) {
  test(`glu ${act} (fused gate-up buffer, offsets 0 and n)`, async () => {
    const n = 200, gu = randomF32(2 * n, 61, 6);
    const [y] = await runKernel({
      shader: 'glu', defines: { WG_SIZE: WG, [`ACT_${act}`]: true },
      params: packParams([['u32', n], ['u32', 0], ['u32', n], ['u32', 0]]),
      outputs: [n * 4], inputs: [gu, gu], workgroups: elemGrid(n),
    });
    const f = act === 'SILU' ? ref.silu : ref.geluTanh;
    assertClose(y, Array.from({ length: n }, (_, i) => f(gu[i]) * gu[n + i]), `glu ${act}`);
  });
}

// ---- add ----
for (const [n, nb] of [[300, 300], [96, 32]]) {
  test(`add n ${n}, b repeated every ${nb}`, async () => {
    const a = randomF32(n, 71), b = randomF32(nb, 73);
    const [y] = await runKernel({
      shader: 'add', defines: { WG_SIZE: WG },
      params: packParams([['u32', n], ['u32', nb], ['u32', 0], ['u32', 0]]),
      outputs: [n * 4], inputs: [a, b], workgroups: elemGrid(n),
    });
    assertClose(y, Array.from({ length: n }, (_, i) => a[i] + b[i % nb]), 'add');
  });
}

// ---- softcap ----
test('softcap 30 on logits up to ±100', async () => {
  const n = 500, x = randomF32(n, 81, 100), c = 30;
  const [y] = await runKernel({
    shader: 'softcap', defines: { WG_SIZE: WG },
    params: packParams([['u32', n], ['f32', c], ['u32', 0], ['u32', 0]]),
    outputs: [n * 4], inputs: [x], workgroups: elemGrid(n),
  });
  assertClose(y, Array.from(x, (v) => c * Math.tanh(v / c)), 'softcap');
});

// ---- embedding row gather, scale ----
for (const type of ['F32', 'Q8_0', 'Q4_0']) {
  test(`embed ${type} 7x96 rows 0, 3, 6 (unaligned rows)`, async () => {
    const nrows = 7, ncols = 96;
    const wf = randomF32(nrows * ncols, 91);
    const bytes = type === 'F32' ? wf : type === 'Q8_0' ? quantizeQ8_0(wf) : quantizeQ4_0(wf);
    const wref = type === 'F32' ? Float64Array.from(wf) : dequantize(type, bytes, nrows * ncols);
    for (const row of [0, 3, 6]) {
      const [y] = await runKernel({
        shader: 'embed', defines: { WG_SIZE: WG, [`TYPE_${type}`]: true },
        params: packParams([['u32', ncols], ['u32', row], ['u32', 0], ['u32', 0]]),
        outputs: [ncols * 4], inputs: [bytes], workgroups: elemGrid(ncols),
      });
      assertClose(y, wref.subarray(row * ncols, (row + 1) * ncols), `embed ${type} row ${row}`);
    }
  });
}

for (const type of ['Q6_K', 'Q4_K']) {
  test(`embed ${type} 5x512 rows 0, 3, 4`, async () => {
    const nrows = 5, ncols = 512;
    const bytes = randomKBlocks(type, nrows * ncols / 256, rng(95));
    const wref = dequantize(type, bytes, nrows * ncols);
    for (const row of [0, 3, 4]) {
      const [y] = await runKernel({
        shader: 'embed', defines: { WG_SIZE: WG, [`TYPE_${type}`]: true },
        params: packParams([['u32', ncols], ['u32', row], ['u32', 0], ['u32', 0]]),
        outputs: [ncols * 4], inputs: [bytes], workgroups: elemGrid(ncols),
      });
      assertClose(y, wref.subarray(row * ncols, (row + 1) * ncols), `embed ${type} row ${row}`);
    }
  });
}

test('scale 0.125 on 300 values', async () => {
  const n = 300, x = randomF32(n, 93, 10);
  const [y] = await runKernel({
    shader: 'scale', defines: { WG_SIZE: WG },
    params: packParams([['u32', n], ['f32', 0.125], ['u32', 0], ['u32', 0]]),
    outputs: [n * 4], inputs: [x], workgroups: elemGrid(n),
  });
  assertClose(y, Array.from(x, (v) => v * 0.125), 'scale');
});

// ---- preprocessor ----
test('preprocessor: #include once, #define values, #ifdef/#ifndef/#else nesting, host defines win', async () => {
  const { preprocess } = await import('../shader_preprocessor.mjs');
  const files = {
    'main.wgsl': '#include "a.wgsl"\n#include "a.wgsl"\n#define N 4\n#define M N\n#ifdef X\nx M\n#ifndef Y\nnoty\n#else\ny\n#endif\n#else\nnox N\n#endif\nWG_SIZE',
    'a.wgsl': 'inc',
  };
  const load = (f) => files[f];
  assert.equal(preprocess('main.wgsl', { X: true, WG_SIZE: 32 }, load), 'inc\nx 4\nnoty\n32');
  assert.equal(preprocess('main.wgsl', { Y: true, N: 9 }, load), 'inc\nnox 9\nWG_SIZE');
  assert.throws(() => preprocess('bad.wgsl', {}, () => '#ifdef X\n'), /missing #endif/);
});
