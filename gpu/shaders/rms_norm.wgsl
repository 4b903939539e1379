// y = x / sqrt(mean(x^2) + eps) * w, over consecutive groups of `group` elements (a token's hidden
// state, or one head for per-head q/k norms); w has `group` elements and is shared by every group.
// Q8_OUT: y goes out as int8 blocks (common/q8_block.wgsl) for the int8 matvecs that alone read it.
// One workgroup per group. Shapes: x, y [ngroups * group]; w [group]; group % 4 == 0 (vec4 loads).
// Each invocation loads up to UNROLL vec4s at once before using any: a loop that uses each load
// before issuing the next waits one memory latency per element, which made this tiny kernel cost
// as much as a large matvec.
#include "common/math.wgsl"
#include "common/reduce.wgsl"

const UNROLL: u32 = 4u;

struct Params {
  group: u32,
  ngroups: u32,
  eps: f32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
#ifdef Q8_OUT
@group(0) @binding(1) var<storage, read_write> xq: array<u32>;
#include "common/q8_block.wgsl"
#else
@group(0) @binding(1) var<storage, read_write> y: array<vec4<f32>>;
#endif
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> w: array<vec4<f32>>;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = flat_wg(wg, nwg);
  let n4 = params.group / 4u;
  let base = g * n4;
  var ss = 0.0;
  if (g < params.ngroups) {
    for (var i = lid; i < n4; i = i + UNROLL * WG_SIZE) {
      var v: array<vec4<f32>, UNROLL>;
      for (var u = 0u; u < UNROLL; u = u + 1u) {
        let j = i + u * WG_SIZE;
        v[u] = select(vec4<f32>(0.0), x[base + min(j, n4 - 1u)], j < n4);
      }
      for (var u = 0u; u < UNROLL; u = u + 1u) {
        ss = ss + dot(v[u], v[u]);
      }
    }
  }
  let inv = inverseSqrt(wg_sum(lid, ss) / f32(params.group) + params.eps);
#ifdef Q8_OUT
  // one group (ngroups 1, group % 32 == 0), y quantized for the int8 matvecs: an invocation a block
  let nb = params.group / 32u;
  for (var b = lid; b < nb; b = b + WG_SIZE) {
    var v: array<vec4<f32>, 8>;
    for (var k = 0u; k < 8u; k = k + 1u) {
      v[k] = x[8u * b + k] * inv * w[8u * b + k];
    }
    q8_block_store(b, nb, v);
  }
#else
  if (g < params.ngroups) {
    for (var i = lid; i < n4; i = i + UNROLL * WG_SIZE) {
      var v: array<vec4<f32>, UNROLL>;
      var s: array<vec4<f32>, UNROLL>;
      for (var u = 0u; u < UNROLL; u = u + 1u) {
        let j = min(i + u * WG_SIZE, n4 - 1u);
        v[u] = x[base + j];
        s[u] = w[j];
      }
      for (var u = 0u; u < UNROLL; u = u + 1u) {
        if (i + u * WG_SIZE < n4) {
          y[base + i + u * WG_SIZE] = v[u] * inv * s[u];
        }
      }
    }
  }
#endif
}
