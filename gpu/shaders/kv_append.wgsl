// The K/V append of a prefill chunk: rows i < step[1] of k_new, v_new [ntok, kv_width] go to cache
// positions step[0] + i of k, v [n_kv, kv_width] (the batch step buffer). Runs before the chunk's
// attention, in the same compute pass. One invocation per element of k_new.
#include "common/math.wgsl"

struct Params {
  kv_width: u32,
  ntok: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> k: array<f32>;
@group(0) @binding(2) var<storage, read_write> v: array<f32>;
@group(0) @binding(3) var<storage, read> k_new: array<f32>;
@group(0) @binding(4) var<storage, read> v_new: array<f32>;
@group(0) @binding(5) var<storage, read> step: array<u32>;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let idx = flat_wg(wg, nwg) * WG_SIZE + lid;
  if (idx >= step[1] * params.kv_width || idx >= params.ntok * params.kv_width) {
    return;
  }
  let o = step[0] * params.kv_width + idx;
  k[o] = k_new[idx];
  v[o] = v_new[idx];
}
