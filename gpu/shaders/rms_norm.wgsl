// y = x / sqrt(mean(x^2) + eps) * w, over consecutive groups of `group` elements (a token's hidden
// state, or one head for per-head q/k norms); w has `group` elements and is shared by every group.
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
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
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
  if (g < params.ngroups) {
    for (var i = lid; i < n; i = i + WG_SIZE) {
      y[base + i] = x[base + i] * inv * w[i];
    }
  }
}
