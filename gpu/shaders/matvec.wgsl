// y = W x for one token (decode). W has `nrows` rows of `ncols` elements, in one of the layouts
// (define one): TYPE_F32, TYPE_Q8_0 (34-byte blocks: f16 d, 32 x int8), TYPE_Q4_0 (18-byte blocks:
// f16 d, 16 bytes; element j = low nibble of byte j, element j+16 = high nibble; value d * (q - 8)).
// TYPE_Q6_K (210-byte blocks of 256), TYPE_Q4_K (144-byte blocks of 256): see common/kquants.wgsl; each
// invocation takes every WG_SIZE-th 32-element chunk of the row (8 chunks a block).
// One row per workgroup of WG_SIZE invocations; each invocation takes every WG_SIZE-th element (F32) or
// block (Q8_0, Q4_0), then a workgroup reduction.
// Shapes: weights [nrows, ncols] (ncols % 32 == 0 for Q8_0/Q4_0, % 256 for K-quants), x [ncols], y [nrows].
#include "common/math.wgsl"
#include "common/reduce.wgsl"

struct Params {
  ncols: u32,
  nrows: u32,
  w_offset: u32,  // byte offset of row 0 inside `weights` (multiple of 2; of 4 for F32)
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<u32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;

#include "common/bytes.wgsl"

#ifdef TYPE_F32
fn row_partial(row: u32, lid: u32) -> f32 {
  let base = params.w_offset / 4u + row * params.ncols;
  var acc = 0.0;
  for (var i = lid; i < params.ncols; i = i + WG_SIZE) {
    acc = acc + bitcast<f32>(weights[base + i]) * x[i];
  }
  return acc;
}
#endif

#ifdef TYPE_Q8_0
fn row_partial(row: u32, lid: u32) -> f32 {
  let nb = params.ncols / 32u;
  let row_off = params.w_offset + row * nb * 34u;
  var acc = 0.0;
  for (var b = lid; b < nb; b = b + WG_SIZE) {
    let off = row_off + b * 34u;
    let d = load_f16_at(off);
    var s = 0.0;
    for (var k = 0u; k < 8u; k = k + 1u) {
      let word = load_u32_at(off + 2u + 4u * k);
      let xi = b * 32u + 4u * k;
      s = s + sbyte(word, 0u) * x[xi] + sbyte(word, 1u) * x[xi + 1u]
            + sbyte(word, 2u) * x[xi + 2u] + sbyte(word, 3u) * x[xi + 3u];
    }
    acc = acc + d * s;
  }
  return acc;
}
#endif

#ifdef TYPE_Q4_0
fn row_partial(row: u32, lid: u32) -> f32 {
  let nb = params.ncols / 32u;
  let row_off = params.w_offset + row * nb * 18u;
  var acc = 0.0;
  for (var b = lid; b < nb; b = b + WG_SIZE) {
    let off = row_off + b * 18u;
    let d = load_f16_at(off);
    var s = 0.0;
    for (var k = 0u; k < 4u; k = k + 1u) {
      let word = load_u32_at(off + 2u + 4u * k);
      for (var j = 0u; j < 4u; j = j + 1u) {
        let byte = (word >> (8u * j)) & 0xffu;
        let e = b * 32u + 4u * k + j;
        s = s + (f32(byte & 15u) - 8.0) * x[e] + (f32(byte >> 4u) - 8.0) * x[e + 16u];
      }
    }
    acc = acc + d * s;
  }
  return acc;
}
#endif

#ifdef TYPE_Q6_K
#include "common/kquants.wgsl"
fn row_partial(row: u32, lid: u32) -> f32 {
  let nb = params.ncols / 256u;
  let row_off = params.w_offset + row * nb * 210u;
  var acc = 0.0;
  for (var u = lid; u < nb * 8u; u = u + WG_SIZE) {
    let b = u / 8u;
    let c = u % 8u;
    let h = c / 4u;
    let g = c % 4u;
    let off = row_off + b * 210u;
    let ql_off = off + 64u * h + 32u * (g & 1u);
    let qh_off = off + 128u + 32u * h;
    let nshift = 4u * (g >> 1u);
    let hshift = 2u * g;
    let xb = b * 256u + 32u * c;
    var s0 = 0.0;
    var s1 = 0.0;
    for (var k = 0u; k < 8u; k = k + 1u) {
      let lw = load_u32_at(ql_off + 4u * k);
      let hw = load_u32_at(qh_off + 4u * k);
      var s = 0.0;
      for (var j = 0u; j < 4u; j = j + 1u) {
        let q = ((lw >> (8u * j + nshift)) & 15u) | (((hw >> (8u * j + hshift)) & 3u) << 4u);
        s = s + (f32(q) - 32.0) * x[xb + 4u * k + j];
      }
      if (k < 4u) { s0 = s0 + s; } else { s1 = s1 + s; }
    }
    let sc_off = off + 192u + 8u * h + 2u * g;
    acc = acc + load_f16_at(off + 208u) * (load_i8_at(sc_off) * s0 + load_i8_at(sc_off + 1u) * s1);
  }
  return acc;
}
#endif

#ifdef TYPE_Q4_K
#include "common/kquants.wgsl"
fn row_partial(row: u32, lid: u32) -> f32 {
  let nb = params.ncols / 256u;
  let row_off = params.w_offset + row * nb * 144u;
  var acc = 0.0;
  for (var u = lid; u < nb * 8u; u = u + WG_SIZE) {
    let b = u / 8u;
    let c = u % 8u;
    let off = row_off + b * 144u;
    let q_off = off + 16u + 32u * (c / 2u);
    let nshift = 4u * (c & 1u);
    let xb = b * 256u + 32u * c;
    var sq = 0.0;
    var sx = 0.0;
    for (var k = 0u; k < 8u; k = k + 1u) {
      let w = load_u32_at(q_off + 4u * k);
      for (var j = 0u; j < 4u; j = j + 1u) {
        let xv = x[xb + 4u * k + j];
        sq = sq + f32((w >> (8u * j + nshift)) & 15u) * xv;
        sx = sx + xv;
      }
    }
    let sm = k4_scale_min(off + 4u, c);
    acc = acc + load_f16_at(off) * sm.x * sq - load_f16_at(off + 2u) * sm.y * sx;
  }
  return acc;
}
#endif

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let row = flat_wg(wg, nwg);  // uniform across the workgroup
  var partial = 0.0;
  if (row < params.nrows) {
    partial = row_partial(row, lid);
  }
  let total = wg_sum(lid, partial);
  if (lid == 0u && row < params.nrows) {
    y[row] = total;
  }
}
