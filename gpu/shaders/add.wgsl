// y = a + b with b repeated every nb elements (nb == n: plain residual add; nb < n: bias per row).
// One invocation per element. Shapes: y, a [n]; b [nb], n % nb == 0.
#include "common/math.wgsl"

struct Params {
  n: u32,
  nb: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> b: array<f32>;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_wg(wg, nwg) * WG_SIZE + lid;
  if (i >= params.n) {
    return;
  }
  y[i] = a[i] + b[i % params.nb];
}
