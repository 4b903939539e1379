// Byte-level reads from a weight buffer declared by the including shader as
//   var<storage, read> weights: array<u32>;
// GGML blocks (Q8_0: 34 bytes, Q4_0: 18 bytes, Q6_K: 210, Q4_K: 144) are not 4-byte aligned, so block fields are read as
// u32 words and shifted. f16 values are decoded with unpack2x16float (no shader-f16 needed).

// Word i of the weights. SEGMENTS (matvec.wgsl: up to three matrices in one dispatch): of the
// current row's matrix, `seg` (0..2, set per invocation), bound as weights, weights1, weights2.
#ifdef SEGMENTS
var<private> seg: u32 = 0u;
fn weight_word(i: u32) -> u32 {
  if (seg == 0u) {
    return weights[i];
  }
#ifdef SEGMENT3
  if (seg == 2u) {
    return weights2[i];
  }
#endif
  return weights1[i];
}
#else
fn weight_word(i: u32) -> u32 {
  return weights[i];
}
#endif

// The 4 bytes at byte offset `off` (any alignment), little-endian.
fn load_u32_at(off: u32) -> u32 {
  let i = off >> 2u;
  let s = (off & 3u) * 8u;
  let lo = weight_word(i);
  if (s == 0u) {
    return lo;
  }
  return (lo >> s) | (weight_word(i + 1u) << (32u - s));
}

// The 32 bytes at byte offset `off` (any alignment) as 8 words, from the 9 words covering them, all
// loaded unconditionally. For blocks whose alignment alternates between neighbouring lanes (Q8_0's 34
// bytes, Q6_K's 210), load_u32_at's branch diverges inside a subgroup: both paths run every time.
fn load8_at(off: u32) -> array<u32, 8> {
  let i = off >> 2u;
  let s = (off & 3u) * 8u;
  var w: array<u32, 9>;
  for (var k = 0u; k < 9u; k = k + 1u) {
    w[k] = weight_word(i + k);
  }
  var r: array<u32, 8>;
  for (var k = 0u; k < 8u; k = k + 1u) {
    r[k] = select((w[k] >> s) | (w[k + 1u] << ((32u - s) & 31u)), w[k], s == 0u);
  }
  return r;
}

// The f16 at an even byte offset, as f32 (an even offset never straddles two words).
fn load_f16_at(off: u32) -> f32 {
  let word = weight_word(off >> 2u);
  let half = (word >> ((off & 2u) * 8u)) & 0xffffu;
  return unpack2x16float(half).x;
}

// The byte at byte offset `off` (any alignment).
fn load_u8_at(off: u32) -> u32 {
  return (weight_word(off >> 2u) >> ((off & 3u) * 8u)) & 0xffu;
}

// Signed byte `j` (0..3) of a word.
fn sbyte(word: u32, j: u32) -> f32 {
  return f32(bitcast<i32>(word << (24u - 8u * j)) >> 24u);
}
