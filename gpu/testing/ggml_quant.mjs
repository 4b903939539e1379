// A small JS quantizer writing exactly the GGML block layouts (core/tensor/quant_blocks.h), and the
// matching dequantizers used by the float64 references.
//   Q8_0: 34 bytes = f16 d, 32 x int8;  value = d * q
//   Q4_0: 18 bytes = f16 d, 16 bytes;   element j = low nibble of byte j, j+16 = high nibble; value = d * (q - 8)

const f32buf = new Float32Array(1);
const u32buf = new Uint32Array(f32buf.buffer);

/** f32 -> IEEE half bits, round to nearest even (as ggml's FP32_TO_FP16 / F16C). */
export function f32ToF16(v) {
  f32buf[0] = v;
  const x = u32buf[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {  // subnormal half (or zero)
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++;  // may carry into the exponent: still correct
  return sign | h;
}

export function f16ToF32(h) {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Quantizes rows (Float32Array, length % 32 == 0) to Q8_0 bytes (quantize_row_q8_0_ref). */
export function quantizeQ8_0(src) {
  const nb = src.length / 32;
  const out = new Uint8Array(nb * 34);
  const dv = new DataView(out.buffer);
  for (let b = 0; b < nb; b++) {
    let amax = 0;
    for (let j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(src[b * 32 + j]));
    const d = Math.fround(amax / 127);
    const id = d ? Math.fround(1 / d) : 0;
    dv.setUint16(b * 34, f32ToF16(d), true);
    for (let j = 0; j < 32; j++) {
      const v = Math.fround(src[b * 32 + j] * id);
      dv.setInt8(b * 34 + 2 + j, Math.sign(v) * Math.round(Math.abs(v)));  // roundf: half away from 0
    }
  }
  return out;
}

/** Quantizes rows to Q4_0 bytes (quantize_row_q4_0_ref). */
export function quantizeQ4_0(src) {
  const nb = src.length / 32;
  const out = new Uint8Array(nb * 18);
  const dv = new DataView(out.buffer);
  for (let b = 0; b < nb; b++) {
    let amax = 0, max = 0;
    for (let j = 0; j < 32; j++) {
      const v = src[b * 32 + j];
      if (Math.abs(v) > amax) { amax = Math.abs(v); max = v; }
    }
    const d = Math.fround(max / -8);
    const id = d ? Math.fround(1 / d) : 0;
    dv.setUint16(b * 18, f32ToF16(d), true);
    for (let j = 0; j < 16; j++) {
      const x0 = Math.fround(src[b * 32 + j] * id);
      const x1 = Math.fround(src[b * 32 + 16 + j] * id);
      const q0 = Math.min(15, Math.trunc(Math.fround(x0 + 8.5)));
      const q1 = Math.min(15, Math.trunc(Math.fround(x1 + 8.5)));
      out[b * 18 + 2 + j] = q0 | (q1 << 4);
    }
  }
  return out;
}

// ---- K-quants (QK_K = 256): random blocks and dequantization, from core/tensor/quant_blocks.h and
// core/tensor/dequantize.cc (dq_q6_K, dq_q4_K, k4_scale_min) ----
export const K_BLOCK_BYTES = { Q6_K: 210, Q4_K: 144 };

/** `nblocks` random blocks of `type` (Q6_K / Q4_K): random bytes, with the f16 scale fields (d, and
 * dmin for Q4_K) replaced by sane random values so the dequantized numbers are of order 1.
 * `rand` gives uniform numbers in [0, 1). */
export function randomKBlocks(type, nblocks, rand) {
  const size = K_BLOCK_BYTES[type];
  const bytes = new Uint8Array(nblocks * size);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
  const dv = new DataView(bytes.buffer);
  for (let b = 0; b < nblocks; b++) {
    const o = b * size;
    if (type === 'Q6_K') dv.setUint16(o + 208, f32ToF16((rand() * 2 - 1) * 1e-3), true);  // |scale*(q-32)| <= 128*32
    else {
      dv.setUint16(o, f32ToF16((0.2 + rand()) * 0.05), true);       // d: sc, q up to 63 * 15
      dv.setUint16(o + 2, f32ToF16((0.2 + rand()) * 0.03), true);   // dmin: m up to 63
    }
  }
  return bytes;
}

function k4ScaleMin(q, j) {  // q: the 12 scale bytes
  if (j < 4) return [q[j] & 63, q[j + 4] & 63];
  return [(q[j + 4] & 0xf) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4)];
}

function dequantizeK(type, bytes, n, dv, out) {
  for (let i = 0; i < n / 256; i++) {
    const y0 = i * 256;
    if (type === 'Q6_K') {
      const o = i * 210;
      const d = f16ToF32(dv.getUint16(o + 208, true));
      for (let n0 = 0; n0 < 2; n0++) {  // 128-element halves
        const ql = o + 64 * n0, qh = o + 128 + 32 * n0, sc = o + 192 + 8 * n0, y = y0 + 128 * n0;
        for (let l = 0; l < 32; l++) {
          const is = Math.floor(l / 16);
          const q1 = ((bytes[ql + l] & 0xf) | (((bytes[qh + l] >> 0) & 3) << 4)) - 32;
          const q2 = ((bytes[ql + l + 32] & 0xf) | (((bytes[qh + l] >> 2) & 3) << 4)) - 32;
          const q3 = ((bytes[ql + l] >> 4) | (((bytes[qh + l] >> 4) & 3) << 4)) - 32;
          const q4 = ((bytes[ql + l + 32] >> 4) | (((bytes[qh + l] >> 6) & 3) << 4)) - 32;
          out[y + l] = d * dv.getInt8(sc + is) * q1;
          out[y + l + 32] = d * dv.getInt8(sc + is + 2) * q2;
          out[y + l + 64] = d * dv.getInt8(sc + is + 4) * q3;
          out[y + l + 96] = d * dv.getInt8(sc + is + 6) * q4;
        }
      }
    } else if (type === 'Q4_K') {
      const o = i * 144;
      const d = f16ToF32(dv.getUint16(o, true)), dmin = f16ToF32(dv.getUint16(o + 2, true));
      const scales = bytes.subarray(o + 4, o + 16);
      let y = y0;
      for (let is = 0; is < 8; is += 2) {
        const q = o + 16 + 16 * is;  // 32 bytes per pair of sub-blocks
        const [sc1, m1] = k4ScaleMin(scales, is), [sc2, m2] = k4ScaleMin(scales, is + 1);
        for (let l = 0; l < 32; l++) out[y++] = d * sc1 * (bytes[q + l] & 0xf) - dmin * m1;
        for (let l = 0; l < 32; l++) out[y++] = d * sc2 * (bytes[q + l] >> 4) - dmin * m2;
      }
    } else throw new Error(type);
  }
  return out;
}

/** Dequantizes GGML bytes back to float64 values (Q8_0, Q4_0, Q6_K, Q4_K). */
export function dequantize(type, bytes, n) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(n);
  if (type in K_BLOCK_BYTES) return dequantizeK(type, bytes, n, dv, out);
  for (let b = 0; b < n / 32; b++) {
    if (type === 'Q8_0') {
      const d = f16ToF32(dv.getUint16(b * 34, true));
      for (let j = 0; j < 32; j++) out[b * 32 + j] = d * dv.getInt8(b * 34 + 2 + j);
    } else if (type === 'Q4_0') {
      const d = f16ToF32(dv.getUint16(b * 18, true));
      for (let j = 0; j < 16; j++) {
        const byte = bytes[b * 18 + 2 + j];
        out[b * 32 + j] = d * ((byte & 15) - 8);
        out[b * 32 + 16 + j] = d * ((byte >> 4) - 8);
      }
    } else throw new Error(type);
  }
  return out;
}
