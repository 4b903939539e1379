// LayerNorm of each row (encoders): y = (x - mean) / sqrt(var + eps) * w (+ b with BIAS), mean and
// variance over the row's `ncols` elements, two passes over the row (the mean first, then the squared
// deviations: as exact as the CPU's double sums for rows of activations). One workgroup per row.
// Shapes: x, y [nrows, ncols]; w, b [ncols]; ncols % 4 == 0 (vec4 loads).
#include "common/math.wgsl"
#include "common/reduce.wgsl"

struct Params {
  ncols: u32,
  nrows: u32,
  eps: f32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> w: array<vec4<f32>>;
#ifdef BIAS
@group(0) @binding(4) var<storage, read> b: array<vec4<f32>>;
#endif

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let r = flat_wg(wg, nwg);
  let n4 = params.ncols / 4u;
  let base = min(r, params.nrows - 1u) * n4;  // rows past nrows reduce (uniformly) and write nothing
  var s = 0.0;
  for (var i = lid; i < n4; i = i + WG_SIZE) {
    let v = x[base + i];
    s = s + v.x + v.y + v.z + v.w;
  }
  let mean = wg_sum(lid, s) / f32(params.ncols);
  var ss = 0.0;
  for (var i = lid; i < n4; i = i + WG_SIZE) {
    let d = x[base + i] - vec4<f32>(mean);
    ss = ss + dot(d, d);
  }
  let inv = inverseSqrt(wg_sum(lid, ss) / f32(params.ncols) + params.eps);
  if (r >= params.nrows) {
    return;
  }
  for (var i = lid; i < n4; i = i + WG_SIZE) {
    var v = (x[base + i] - vec4<f32>(mean)) * inv * w[i];
#ifdef BIAS
    v = v + b[i];
#endif
    y[base + i] = v;
  }
}
