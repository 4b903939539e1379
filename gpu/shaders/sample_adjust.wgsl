// Sampling stages 1-2 (core/sampling/sampler.h) on the GPU, for ranking: penalties over the recent
// tokens and the logit bias, applied in place to a copy of the logits. One invocation per distinct
// token of the window or the bias, so no two touch the same logit. The core re-applies both exactly
// to the candidates it is handed (WGSL's division is not correctly rounded), so these values only
// pick the candidates. Shapes: y [n_vocab], entries [n].
#include "common/math.wgsl"

struct Params {
  n: u32,
  repetition: f32,
  frequency: f32,
  presence: f32,
}

// x = token, y = count in the window (f32 bits; 0 = not in the window), z = bias (f32 bits),
// w = 1 when the bias bans the token (-100)
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> entries: array<vec4<u32>>;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_wg(wg, nwg) * WG_SIZE + lid;
  if (i >= params.n) {
    return;
  }
  let e = entries[i];
  var l = y[e.x];
  let count = bitcast<f32>(e.y);
  if (count > 0.0) {
    l = select(l * params.repetition, l / params.repetition, l > 0.0);
    l -= count * params.frequency + params.presence;
  }
  if (e.w != 0u) {
    l = bitcast<f32>(0xff800000u | (params.n & 0u));  // -inf (a runtime value: a constant -inf is an error)
  } else {
    l += bitcast<f32>(e.z);
  }
  y[e.x] = l;
}
