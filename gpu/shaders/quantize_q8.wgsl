// x (f32, ncols elements, ncols % 32 == 0) -> int8 blocks for the int8 matvecs (matvec.wgsl,
// Q8_ACT): scale amax/127 per half block of 16, round to nearest. Done once per matmul input and read by every
// matvec of that input (Q/K/V, gate/up), instead of each matvec workgroup re-quantizing all of x.
// Output layout: common/q8_block.wgsl. (rms_norm.wgsl and glu.wgsl with Q8_OUT write the same when
// their output feeds only int8 matvecs.)
// One invocation per block: its 8 vec4 loads are independent (one memory latency, not 32 in a row).
#include "common/math.wgsl"

struct Params {
  ncols: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> xq: array<u32>;
@group(0) @binding(2) var<storage, read> x: array<vec4<f32>>;

#include "common/q8_block.wgsl"

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let nb = params.ncols / 32u;
  let b = flat_wg(wg, nwg) * WG_SIZE + lid;
  if (b >= nb) {
    return;
  }
  var v: array<vec4<f32>, 8>;
  for (var k = 0u; k < 8u; k = k + 1u) {
    v[k] = x[b * 8u + k];
  }
  q8_block_store(b, nb, v);
}
