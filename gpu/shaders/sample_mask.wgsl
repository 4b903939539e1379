// A grammar's token mask on the GPU sampler's copy of the logits: a token whose bit is clear gets
// -inf, so the top-K selection ranks only what the grammar allows (core/api/session.h
// grammar_mask). One invocation per token. Shapes: y [n_vocab], mask [ceil(n_vocab / 32)] bits.
#include "common/math.wgsl"

struct Params {
  n: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> mask: array<u32>;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_wg(wg, nwg) * WG_SIZE + lid;
  if (i >= params.n) {
    return;
  }
  if (((mask[i >> 5u] >> (i & 31u)) & 1u) == 0u) {
    y[i] = bitcast<f32>(0xff800000u | (params.n & 0u));  // -inf (a runtime value: a constant -inf is an error)
  }
}
