// y = x / sqrt(mean(x^2) + eps) * w, over consecutive groups of `group` elements (a token's hidden
// state, or one head for per-head q/k norms); w has `group` elements and is shared by every group.
// Q8_OUT: y goes out as int8 blocks (common/q8_block.wgsl) for the int8 matvecs that alone read it.
// One workgroup per group. Shapes: x, y [ngroups * group]; w [group].
#include "common/math.wgsl"
#include "common/reduce.wgsl"

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
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
#endif
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> w: array<f32>;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = flat_wg(wg, nwg);
  let n = params.group;
  let base = g * n;
  var ss = 0.0;
  if (g < params.ngroups) {
    for (var i = lid; i < n; i = i + WG_SIZE) {
      let v = x[base + i];
      ss = ss + v * v;
    }
  }
  let inv = inverseSqrt(wg_sum(lid, ss) / f32(n) + params.eps);
#ifdef Q8_OUT
  // one group (ngroups 1, group % 32 == 0), y quantized for the int8 matvecs: an invocation a block
  let nb = n / 32u;
  for (var b = lid; b < nb; b = b + WG_SIZE) {
    var v: array<vec4<f32>, 8>;
    for (var k = 0u; k < 8u; k = k + 1u) {
      let i = 32u * b + 4u * k;
      v[k] = vec4<f32>(x[i], x[i + 1u], x[i + 2u], x[i + 3u]) * inv * vec4<f32>(w[i], w[i + 1u], w[i + 2u], w[i + 3u]);
    }
    q8_block_store(b, nb, v);
  }
#else
  if (g < params.ngroups) {
    for (var i = lid; i < n; i = i + WG_SIZE) {
      y[base + i] = x[base + i] * inv * w[i];
    }
  }
#endif
}
