// y[i] = x[offset + i], i < n: a slice of a value (phi3's fused QKV and gate-up), kept inside the
// compute pass (copyBufferToBuffer would end it). One invocation per element.
#include "common/math.wgsl"

struct Params {
  n: u32,
  offset: u32,
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
  if (i < params.n) {
    y[i] = x[params.offset + i];
  }
}
