// Straightforward float64 implementations of the kernels' math (docs/architectures.md).

export function matvec(w, x, nrows, ncols) {  // w: float64 [nrows * ncols]
  const y = new Float64Array(nrows);
  for (let r = 0; r < nrows; r++) {
    let s = 0;
    for (let c = 0; c < ncols; c++) s += w[r * ncols + c] * x[c];
    y[r] = s;
  }
  return y;
}

export function rmsNorm(x, w, group, eps) {
  const y = new Float64Array(x.length);
  for (let g = 0; g < x.length / group; g++) {
    let ss = 0;
    for (let i = 0; i < group; i++) ss += x[g * group + i] ** 2;
    const inv = 1 / Math.sqrt(ss / group + eps);
    for (let i = 0; i < group; i++) y[g * group + i] = x[g * group + i] * inv * w[i];
  }
  return y;
}

// x: [ntok, nheads, hd]; positions: [ntok]; ff: [nrot/2] or null.
export function rope(x, positions, { nheads, hd, nrot, base, neox, ff, linScale = 1, mscale = 1 }) {
  const y = Float64Array.from(x);
  for (let t = 0; t < positions.length; t++) {
    for (let h = 0; h < nheads; h++) {
      const o = (t * nheads + h) * hd;
      for (let i = 0; i < nrot / 2; i++) {
        const theta = positions[t] * linScale * base ** (-2 * i / nrot) / (ff ? ff[i] : 1);
        const c = Math.cos(theta) * mscale, s = Math.sin(theta) * mscale;
        const [ia, ib] = neox ? [i, i + nrot / 2] : [2 * i, 2 * i + 1];
        const a = x[o + ia], b = x[o + ib];
        y[o + ia] = a * c - b * s;
        y[o + ib] = a * s + b * c;
      }
    }
  }
  return y;
}

// q: [H, hd]; k, v: [nkv, Hkv, hd]; query at position pos (keys 0..pos, window W > 0 keeps pos - p' < W).
export function attention(q, k, v, { H, Hkv, hd, pos, scale, softcap = 0, window = 0 }) {
  const out = new Float64Array(H * hd);
  for (let h = 0; h < H; h++) {
    const kh = Math.floor(h / (H / Hkv));
    const scores = [];
    for (let p = 0; p <= pos; p++) {
      if (window > 0 && pos - p >= window) continue;
      let s = 0;
      for (let d = 0; d < hd; d++) s += q[h * hd + d] * k[(p * Hkv + kh) * hd + d];
      s *= scale;
      if (softcap > 0) s = softcap * Math.tanh(s / softcap);
      scores.push([p, s]);
    }
    const m = Math.max(...scores.map(([, s]) => s));
    let sum = 0;
    for (const e of scores) { e[1] = Math.exp(e[1] - m); sum += e[1]; }
    for (const [p, e] of scores) {
      for (let d = 0; d < hd; d++) out[h * hd + d] += (e / sum) * v[(p * Hkv + kh) * hd + d];
    }
  }
  return out;
}

export const silu = (x) => x / (1 + Math.exp(-x));
export const geluTanh = (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
