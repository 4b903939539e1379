// The kernels of the WebGPU encoder (web/src/gpu/encoder.mts) against float64 JS: layer_norm with and
// without bias, pool (mean, cls, last) over packed sequences, glu's UNARY activation, embed's ADD_IN
// rows by id, and attention over packed sequences (BATCH + SEQ), bidirectional and causal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runKernel, packParams, grid } from '../runner.mjs';
import * as ref from '../testing/reference.mjs';
import { randomF32 } from '../testing/random.mjs';

const WG = 64;
const elemGrid = (n) => grid(Math.ceil(n / WG));


function assertClose(got, want, what, tol = 1e-4) {
  let maxRef = 0, maxErr = 0, at = -1;
  for (let i = 0; i < want.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(want[i]));
    const e = Math.abs(got[i] - want[i]);
    if (!(e <= maxErr)) { maxErr = e; at = i; }
  }
  assert.ok(maxErr / Math.max(maxRef, 1e-30) < tol, `${what}: relative error ${maxErr / maxRef} at ${at} (gpu ${got[at]}, ref ${want[at]})`);
}

// rows with a large common offset: a one-pass variance (E[x²] − E[x]²) would lose it in f32
for (const bias of [false, true]) {
  test(`layer_norm 3 rows of 384, offset 50${bias ? ', with bias' : ''}`, async () => {
    const ncols = 384, nrows = 3, eps = 1e-12;
    const x = randomF32(ncols * nrows, 11, 2, 50), w = randomF32(ncols, 13, 0.5, 1), b = randomF32(ncols, 17, 0.3);
    const [y] = await runKernel({
      shader: 'layer_norm', defines: { WG_SIZE: WG, BIAS: bias },
      params: packParams([['u32', ncols], ['u32', nrows], ['f32', eps], ['u32', 0]]),
      outputs: [x.length * 4], inputs: bias ? [x, w, b] : [x, w], workgroups: grid(nrows),
    });
    const want = [];
    for (let r = 0; r < nrows; r++) {
      const row = Array.from(x.subarray(r * ncols, (r + 1) * ncols));
      const mean = row.reduce((s, v) => s + v, 0) / ncols;
      const inv = 1 / Math.sqrt(row.reduce((s, v) => s + (v - mean) ** 2, 0) / ncols + eps);
      row.forEach((v, i) => want.push((v - mean) * inv * w[i] + (bias ? b[i] : 0)));
    }
    assertClose(y, want, 'layer_norm');
  });
}

for (const mode of ['MEAN', 'CLS', 'LAST']) {
  test(`pool ${mode}: sequences of 3, 1 and 5 rows, and two the run does not have`, async () => {
    const ncols = 8, starts = Uint32Array.from([0, 3, 4, 9, 9, 9]), nseq = 5;
    const x = randomF32(9 * ncols, 21 + mode.length);
    const [y] = await runKernel({
      shader: 'pool', defines: { WG_SIZE: WG, [`POOL_${mode}`]: true },
      params: packParams([['u32', ncols], ['u32', nseq], ['u32', 0], ['u32', 0]]),
      outputs: [nseq * ncols * 4], inputs: [x, starts], workgroups: elemGrid(nseq * ncols),
    });
    const want = [];
    for (let s = 0; s < nseq; s++) {
      const [a, b] = [starts[s], starts[s + 1]];
      for (let i = 0; i < ncols; i++) {
        if (b <= a) want.push(0);
        else if (mode === 'CLS') want.push(x[a * ncols + i]);
        else if (mode === 'LAST') want.push(x[(b - 1) * ncols + i]);
        else { let sum = 0; for (let t = a; t < b; t++) sum += x[t * ncols + i]; want.push(sum / (b - a)); }
      }
    }
    assertClose(y, want, `pool ${mode}`);
  });
}

test('glu UNARY GELU: the activation alone (BERT\'s feed-forward)', async () => {
  const n = 300, x = randomF32(n, 31, 5);
  const [y] = await runKernel({
    shader: 'glu', defines: { WG_SIZE: WG, ACT_GELU: true, UNARY: true },
    params: packParams([['u32', n], ['u32', 0], ['u32', 0], ['u32', 0]]),
    outputs: [n * 4], inputs: [x], workgroups: elemGrid(n),
  });
  assertClose(y, Array.from(x, ref.geluTanh), 'glu UNARY');
});

test('embed ADD_IN F32: rows picked by id (positions 0 1 2 0 1) added to x', async () => {
  const ncols = 16, table = randomF32(ncols * 4, 41), ids = [0, 1, 2, 0, 1];
  const x = randomF32(ids.length * ncols, 43);
  const step = Uint32Array.from([0, ids.length, 0, 0, ...ids]);
  const [y] = await runKernel({
    shader: 'embed', defines: { WG_SIZE: WG, TYPE_F32: true, STEP_TOKENS: true, ADD_IN: true },
    params: packParams([['u32', ncols], ['u32', 0], ['u32', 0], ['u32', 4]]),
    outputs: [x.length * 4], inputs: [table, step, x], workgroups: elemGrid(x.length),
  });
  assertClose(y, Array.from(x, (v, k) => v + table[ids[Math.floor(k / ncols)] * ncols + (k % ncols)]), 'embed ADD_IN');
});

// Two packed sequences (rows 0..2 and 3..6) and a padding row past count; each token sees its own
// sequence's rows (or, causal, those up to itself), never the other's.
for (const causal of [false, true]) {
  test(`attention BATCH SEQ H4 Hkv2 hd16, sequences of 3 and 4 rows${causal ? ', causal' : ''}`, async () => {
    const H = 4, Hkv = 2, hd = 16, ntok = 8, count = 7, scale = 1 / Math.sqrt(hd);
    const seqs = [[0, 3], [3, 7]];
    const q = randomF32(ntok * H * hd, 51, 2), k = randomF32(ntok * Hkv * hd, 53, 2), v = randomF32(ntok * Hkv * hd, 57);
    const seq = new Uint32Array(2 * ntok);
    for (const [a, b] of seqs) for (let t = a; t < b; t++) seq.set([a, b], 2 * t);
    const [out] = await runKernel({
      shader: 'attention', defines: { WG_SIZE: 32, BATCH: true, SEQ: true, CAUSAL: causal },
      params: packParams([['u32', H], ['u32', Hkv], ['u32', hd], ['u32', ntok], ['u32', 0], ['u32', 0], ['f32', scale], ['f32', 0]]),
      outputs: [ntok * H * hd * 4, ntok * H * ntok * 4], inputs: [q, k, v, Uint32Array.from([0, count, 0, 0]), seq], workgroups: grid(ntok * H),
    });
    const want = [];
    for (let t = 0; t < ntok; t++) {
      if (t >= count) { want.push(...new Array(H * hd).fill(0)); continue; }
      const [a, b] = seqs.find(([s, e]) => t >= s && t < e);
      const last = causal ? t : b - 1;
      // the reference's causal attention over the sequence's keys, re-based at its first row
      const ks = k.subarray(a * Hkv * hd, (last + 1) * Hkv * hd), vs = v.subarray(a * Hkv * hd, (last + 1) * Hkv * hd);
      want.push(...ref.attention(q.subarray(t * H * hd, (t + 1) * H * hd), ks, vs, { H, Hkv, hd, pos: last - a, scale }));
    }
    assertClose(out, want, 'attention SEQ');
  });
}
