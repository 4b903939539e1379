// Decoding of GGML K-quant blocks (QK_K = 256), read from `weights: array<u32>` with common/bytes.wgsl.
// Exactly core/tensor/dequantize.cc (dq_q6_K, dq_q4_K) and k4_scale_min in core/tensor/quant_blocks.h.
//
// Q6_K, 210 bytes: ql[128] at 0, qh[64] at 128, int8 scales[16] at 192, f16 d at 208;
// x = d * scales[s] * (q - 32), q = 4 bits from ql | 2 bits from qh << 4. A block is 8 chunks of 32:
// chunk c = 4h + g (h = 128-element half, g = 0..3), element l (0..31) of the chunk has
// ql byte 64h + 32(g & 1) + l (low nibble for g < 2, high for g >= 2), qh byte 128 + 32h + l (bits 2g, 2g+1),
// scale byte 192 + 8h + 2g + l / 16.
//
// Q4_K, 144 bytes: f16 d at 0, f16 dmin at 2, scales[12] at 4, qs[128] at 16; chunk j (0..7) of 32
// elements: qs byte 16 + 32(j / 2) + l (low nibble for even j, high for odd), 6-bit scale/min pair j;
// x = d * sc * q - dmin * m.

// Signed byte at byte offset `off`, as f32.
fn load_i8_at(off: u32) -> f32 {
  return f32(bitcast<i32>(load_u8_at(off) << 24u) >> 24u);
}

// Byte i (0..11) of the 12 packed scale bytes of a Q4_K/Q5_K block, held as three words.
fn k4_byte(sw: array<u32, 3>, i: u32) -> u32 {
  return (sw[i / 4u] >> (8u * (i % 4u))) & 255u;
}

// (sc, m) of Q4_K/Q5_K sub-block j from the block's scale words (a kernel that takes several
// sub-blocks of a block loads them once).
fn k4_scale_min_words(sw: array<u32, 3>, j: u32) -> vec2<f32> {
  if (j < 4u) {
    return vec2<f32>(f32(k4_byte(sw, j) & 63u), f32(k4_byte(sw, j + 4u) & 63u));
  }
  let a = k4_byte(sw, j + 4u);
  let sc = (a & 15u) | ((k4_byte(sw, j - 4u) >> 6u) << 4u);
  let m = (a >> 4u) | ((k4_byte(sw, j) >> 6u) << 4u);
  return vec2<f32>(f32(sc), f32(m));
}

// (sc, m) of Q4_K/Q5_K sub-block j, from the 12 scale bytes at byte offset `soff` (any alignment).
fn k4_scale_min(soff: u32, j: u32) -> vec2<f32> {
  return k4_scale_min_words(array<u32, 3>(load_u32_at(soff), load_u32_at(soff + 4u), load_u32_at(soff + 8u)), j);
}

// One Q6_K element: block at byte offset `off`, element e (0..255).
fn q6k_element(off: u32, e: u32) -> f32 {
  let h = e / 128u;
  let g = (e % 128u) / 32u;
  let l = e % 32u;
  let qlb = load_u8_at(off + 64u * h + 32u * (g & 1u) + l);
  let qhb = load_u8_at(off + 128u + 32u * h + l);
  let q = ((qlb >> (4u * (g >> 1u))) & 15u) | (((qhb >> (2u * g)) & 3u) << 4u);
  return load_f16_at(off + 208u) * load_i8_at(off + 192u + 8u * h + 2u * g + l / 16u) * (f32(q) - 32.0);
}

// One Q4_K element: block at byte offset `off`, element e (0..255).
fn q4k_element(off: u32, e: u32) -> f32 {
  let j = e / 32u;
  let l = e % 32u;
  let byte = load_u8_at(off + 16u + 32u * (j / 2u) + l);
  let q = (byte >> (4u * (j & 1u))) & 15u;
  let sm = k4_scale_min(off + 4u, j);
  return load_f16_at(off) * sm.x * f32(q) - load_f16_at(off + 2u) * sm.y;
}

// One Q5_K element (176 bytes: f16 d, f16 dmin, scales[12], qh[32] at 16, qs[128] at 48): chunk j as
// Q4_K's, plus bit j of qh[l] as the fifth bit.
fn q5k_element(off: u32, e: u32) -> f32 {
  let j = e / 32u;
  let l = e % 32u;
  let byte = load_u8_at(off + 48u + 32u * (j / 2u) + l);
  let q = ((byte >> (4u * (j & 1u))) & 15u) | (((load_u8_at(off + 16u + l) >> j) & 1u) << 4u);
  let sm = k4_scale_min(off + 4u, j);
  return load_f16_at(off) * sm.x * f32(q) - load_f16_at(off + 2u) * sm.y;
}
