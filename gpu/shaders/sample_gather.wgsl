// The GPU sampler's read-back: the K ranked candidates as (token id, raw logit bits), and the
// NaN/+inf flag in slot K. The core re-applies penalties and bias to the raw logits exactly.
// Shapes: out [k + 1], ranked [k], logits [n_vocab], invalid [1].
#include "common/math.wgsl"

struct Params {
  k: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<vec2<u32>>;
@group(0) @binding(2) var<storage, read> ranked: array<vec2<u32>>;
@group(0) @binding(3) var<storage, read> logits: array<f32>;
@group(0) @binding(4) var<storage, read_write> invalid: array<u32>;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(local_invocation_index) lid: u32) {
  for (var j = lid; j < params.k; j += WG_SIZE) {
    let id = ranked[j].y;
    out[j] = vec2<u32>(id, select(bitcast<u32>(logits[min(id, arrayLength(&logits) - 1u)]), 0u, id == 0xffffffffu));
  }
  if (lid == 0u) {
    out[params.k] = vec2<u32>(invalid[0], 0u);
    invalid[0] = 0u;  // cleared for the next step
  }
}
