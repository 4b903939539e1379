// Dequantization of a weight row by chunks of 32 elements, for kernels that stage weights as f32
// (matmul.wgsl's tiles). Reads `weights: array<u32>` through common/bytes.wgsl (and
// common/kquants.wgsl for K-quants, whose layouts are described there). Define one TYPE_*.
// w_chunk32(base, row, kc, ncols): elements [32 kc, 32 kc + 32) of row `row` of a matrix of `ncols`
// columns starting at byte `base`; F32/F16/BF16 rows may end inside a chunk (the rest reads 0),
// Q8_0/Q4_0 have ncols % 32 == 0, K-quants ncols % 256 == 0 (chunk kc = sub-block kc % 8 of block kc / 8).
// (matvec.wgsl keeps its own fused dot loops: they are the decode path and tuned apart.)

#ifdef TYPE_F32
fn w_chunk32(base: u32, row: u32, kc: u32, ncols: u32) -> array<f32, 32> {
  var w: array<f32, 32>;
  let first = base / 4u + row * ncols;
  for (var l = 0u; l < 32u; l = l + 1u) {
    let c = 32u * kc + l;
    w[l] = select(0.0, bitcast<f32>(weights[first + min(c, ncols - 1u)]), c < ncols);
  }
  return w;
}
#endif

#ifdef TYPE_F16
fn w_chunk32(base: u32, row: u32, kc: u32, ncols: u32) -> array<f32, 32> {
  var w: array<f32, 32>;
  let first = base + row * ncols * 2u;
  for (var l = 0u; l < 32u; l = l + 1u) {
    let c = 32u * kc + l;
    w[l] = select(0.0, load_f16_at(first + 2u * min(c, ncols - 1u)), c < ncols);
  }
  return w;
}
#endif

#ifdef TYPE_BF16
fn w_chunk32(base: u32, row: u32, kc: u32, ncols: u32) -> array<f32, 32> {
  var w: array<f32, 32>;
  let first = base + row * ncols * 2u;
  for (var l = 0u; l < 32u; l = l + 1u) {
    let c = 32u * kc + l;
    let off = first + 2u * min(c, ncols - 1u);
    let v = bitcast<f32>(((weights[off >> 2u] >> ((off & 2u) * 8u)) & 0xffffu) << 16u);
    w[l] = select(0.0, v, c < ncols);
  }
  return w;
}
#endif

#ifdef TYPE_Q8_0
// 34-byte blocks: f16 d, 32 x int8
fn w_chunk32(base: u32, row: u32, kc: u32, ncols: u32) -> array<f32, 32> {
  var w: array<f32, 32>;
  let off = base + (row * (ncols / 32u) + kc) * 34u;
  let d = load_f16_at(off);
  for (var k = 0u; k < 8u; k = k + 1u) {
    let word = load_u32_at(off + 2u + 4u * k);
    for (var j = 0u; j < 4u; j = j + 1u) {
      w[4u * k + j] = d * sbyte(word, j);
    }
  }
  return w;
}
#endif

#ifdef TYPE_Q4_0
// 18-byte blocks: f16 d, 16 bytes; element j = low nibble of byte j, j + 16 = high nibble; d * (q - 8)
fn w_chunk32(base: u32, row: u32, kc: u32, ncols: u32) -> array<f32, 32> {
  var w: array<f32, 32>;
  let off = base + (row * (ncols / 32u) + kc) * 18u;
  let d = load_f16_at(off);
  for (var k = 0u; k < 4u; k = k + 1u) {
    let word = load_u32_at(off + 2u + 4u * k);
    for (var j = 0u; j < 4u; j = j + 1u) {
      let byte = (word >> (8u * j)) & 0xffu;
      w[4u * k + j] = d * (f32(byte & 15u) - 8.0);
      w[16u + 4u * k + j] = d * (f32(byte >> 4u) - 8.0);
    }
  }
  return w;
}
#endif

#ifdef TYPE_Q4_K
fn w_chunk32(base: u32, row: u32, kc: u32, ncols: u32) -> array<f32, 32> {
  var w: array<f32, 32>;
  let c = kc % 8u;
  let off = base + (row * (ncols / 256u) + kc / 8u) * 144u;
  let sm = k4_scale_min(off + 4u, c);
  let d = load_f16_at(off) * sm.x;
  let m = load_f16_at(off + 2u) * sm.y;
  let q_off = off + 16u + 32u * (c / 2u);
  let nshift = 4u * (c & 1u);
  for (var k = 0u; k < 8u; k = k + 1u) {
    let word = load_u32_at(q_off + 4u * k);
    for (var j = 0u; j < 4u; j = j + 1u) {
      w[4u * k + j] = d * f32((word >> (8u * j + nshift)) & 15u) - m;
    }
  }
  return w;
}
#endif

#ifdef TYPE_Q5_K
fn w_chunk32(base: u32, row: u32, kc: u32, ncols: u32) -> array<f32, 32> {
  var w: array<f32, 32>;
  let c = kc % 8u;
  let off = base + (row * (ncols / 256u) + kc / 8u) * 176u;
  let sm = k4_scale_min(off + 4u, c);
  let d = load_f16_at(off) * sm.x;
  let m = load_f16_at(off + 2u) * sm.y;
  let q_off = off + 48u + 32u * (c / 2u);
  let nshift = 4u * (c & 1u);
  for (var k = 0u; k < 8u; k = k + 1u) {
    let word = load_u32_at(q_off + 4u * k);
    let hw = load_u32_at(off + 16u + 4u * k);
    for (var j = 0u; j < 4u; j = j + 1u) {
      let q = ((word >> (8u * j + nshift)) & 15u) | (((hw >> (8u * j + c)) & 1u) << 4u);
      w[4u * k + j] = d * f32(q) - m;
    }
  }
  return w;
}
#endif

#ifdef TYPE_Q6_K
fn w_chunk32(base: u32, row: u32, kc: u32, ncols: u32) -> array<f32, 32> {
  var w: array<f32, 32>;
  let c = kc % 8u;
  let h = c / 4u;
  let g = c % 4u;
  let off = base + (row * (ncols / 256u) + kc / 8u) * 210u;
  let ql_off = off + 64u * h + 32u * (g & 1u);
  let qh_off = off + 128u + 32u * h;
  let nshift = 4u * (g >> 1u);
  let hshift = 2u * g;
  let sc_off = off + 192u + 8u * h + 2u * g;
  let d = load_f16_at(off + 208u);
  let d0 = d * load_i8_at(sc_off);
  let d1 = d * load_i8_at(sc_off + 1u);
  for (var k = 0u; k < 8u; k = k + 1u) {
    let lw = load_u32_at(ql_off + 4u * k);
    let hw = load_u32_at(qh_off + 4u * k);
    let dk = select(d1, d0, k < 4u);
    for (var j = 0u; j < 4u; j = j + 1u) {
      let q = ((lw >> (8u * j + nshift)) & 15u) | (((hw >> (8u * j + hshift)) & 3u) << 4u);
      w[4u * k + j] = dk * (f32(q) - 32.0);
    }
  }
  return w;
}
#endif
