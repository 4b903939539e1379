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

/** Dequantizes GGML bytes back to float64 values. */
export function dequantize(type, bytes, n) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(n);
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
