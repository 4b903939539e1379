// y = W x for one token (decode). W has `nrows` rows of `ncols` elements, in one of the layouts
// (define one): TYPE_F32, TYPE_Q8_0 (34-byte blocks: f16 d, 32 x int8), TYPE_Q4_0 (18-byte blocks:
// f16 d, 16 bytes; element j = low nibble of byte j, element j+16 = high nibble; value d * (q - 8)).
// One row per workgroup of WG_SIZE invocations; each invocation takes every WG_SIZE-th element (F32) or
// block (Q8_0, Q4_0), then a workgroup reduction.
// Shapes: weights [nrows, ncols] (ncols % 32 == 0 for quantized types), x [ncols], y [nrows].
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
