// Y = X W^T for a chunk of tokens (prefill), f32 arithmetic: Y[m, y_offset + r] = sum_k X[m, k] W[r, k]
// (+ res[m, y_offset + r] with ADD_RES, a residual add fused into the epilogue), m < M, r < nrows.
// W in any TYPE_* layout, dequantized by common/dequant.wgsl's w_chunk32 straight from the GGML bytes.
// Tiles: a workgroup of 64 computes 32 tokens x 32 output rows; per step of 32 columns half the
// invocations dequantize one weight row's 32 elements each and the other half load one token's 32
// x values into workgroup memory, then each invocation accumulates a 4x4 block (4 tokens x 4 rows,
// vec4 over rows). Every weight byte is read once per 32 tokens instead of once per token.
// Shapes: x [M, ncols], y and res rows of y_stride floats (a split weight's part writes its rows
// at y_offset); grid (ceil(nrows / 32), ceil(M / 32)).
#include "common/math.wgsl"

struct Params {
  ncols: u32,
  nrows: u32,
  w_offset: u32,  // byte offset of row 0 inside `weights`
  y_offset: u32,
  y_stride: u32,
  m: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> weights: array<u32>;
@group(0) @binding(3) var<storage, read> x: array<f32>;
#ifdef ADD_RES
@group(0) @binding(4) var<storage, read> res: array<f32>;
#endif

#include "common/bytes.wgsl"
#ifdef TYPE_Q4_K
#include "common/kquants.wgsl"
#endif
#ifdef TYPE_Q5_K
#include "common/kquants.wgsl"
#endif
#ifdef TYPE_Q6_K
#include "common/kquants.wgsl"
#endif
#include "common/dequant.wgsl"

// [k][4 vec4s of 32 rows or tokens]: column k of the tile, 8 vec4s
var<workgroup> wtile: array<vec4<f32>, 256>;
var<workgroup> xtile: array<vec4<f32>, 256>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r0 = wg.x * 32u;
  let m0 = wg.y * 32u;
  let tn = lid % 8u;  // rows r0 + 4 tn ..
  let tm = lid / 8u;  // tokens m0 + 4 tm ..
  let ncols = params.ncols;
  var acc: array<vec4<f32>, 4>;
  for (var i = 0u; i < 4u; i = i + 1u) {
    acc[i] = vec4<f32>(0.0);
  }
  let nk = (ncols + 31u) / 32u;
  for (var kc = 0u; kc < nk; kc = kc + 1u) {
    if (lid < 32u) {
      let r = r0 + lid;
      var w: array<f32, 32>;
      if (r < params.nrows) {
        w = w_chunk32(params.w_offset, r, kc, ncols);
      }
      for (var k = 0u; k < 32u; k = k + 1u) {
        wtile[k * 8u + lid / 4u][lid % 4u] = w[k];
      }
    } else {
      let mi = lid - 32u;
      let t = m0 + mi;
      for (var k = 0u; k < 32u; k = k + 1u) {
        let col = 32u * kc + k;
        var v = 0.0;
        if (t < params.m && col < ncols) {
          v = x[t * ncols + col];
        }
        xtile[k * 8u + mi / 4u][mi % 4u] = v;
      }
    }
    workgroupBarrier();
    for (var k = 0u; k < 32u; k = k + 1u) {
      let wv = wtile[k * 8u + tn];
      let xv = xtile[k * 8u + tm];
      acc[0] = acc[0] + xv.x * wv;
      acc[1] = acc[1] + xv.y * wv;
      acc[2] = acc[2] + xv.z * wv;
      acc[3] = acc[3] + xv.w * wv;
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i = i + 1u) {
    let t = m0 + 4u * tm + i;
    if (t >= params.m) {
      break;
    }
    for (var j = 0u; j < 4u; j = j + 1u) {
      let r = r0 + 4u * tn + j;
      if (r < params.nrows) {
        let o = t * params.y_stride + params.y_offset + r;
#ifdef ADD_RES
        y[o] = acc[i][j] + res[o];
#else
        y[o] = acc[i][j];
#endif
      }
    }
  }
}
