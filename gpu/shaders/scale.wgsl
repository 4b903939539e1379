// y = x * scale. One invocation per element. Shapes: y, x [n].
#include "common/math.wgsl"

struct Params {
  n: u32,
  scale: f32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_wg(wg, nwg) * WG_SIZE + lid;
  if (i >= params.n) {
    return;
  }
  y[i] = x[i] * params.scale;
}
