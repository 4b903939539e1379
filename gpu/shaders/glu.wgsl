// Gated linear unit of the FFN: y = act(gate) * up, act = SiLU (ACT_SILU) or GELU-tanh (ACT_GELU).
// UNARY: y = act(gate) alone (BERT's ungated FFN); `up` is not bound.
// gate and up may be the same buffer bound twice (phi3's fused gate-up: offsets 0 and f).
// One invocation per element; Q8_OUT: per block of 32, y written as int8 blocks (common/q8_block.wgsl)
// for the int8 matvec (ffn_down) that alone reads it (vec4 loads: gate_off, up_off % 4 == 0). Shapes: y [n]; gate [gate_off + n]; up [up_off + n].
#include "common/math.wgsl"

struct Params {
  n: u32,
  gate_off: u32,
  up_off: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
#ifdef Q8_OUT
@group(0) @binding(1) var<storage, read_write> xq: array<u32>;
#include "common/q8_block.wgsl"
@group(0) @binding(2) var<storage, read> gate: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> up: array<vec4<f32>>;
#else
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> gate: array<f32>;
#ifndef UNARY
@group(0) @binding(3) var<storage, read> up: array<f32>;
#endif
#endif

#ifndef Q8_OUT
fn glu_at(i: u32) -> f32 {
#ifdef UNARY
  return glu_act(gate[params.gate_off + i]);
#else
  return glu_act(gate[params.gate_off + i]) * up[params.up_off + i];
#endif
}
#endif

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
#ifdef Q8_OUT
  let b = flat_wg(wg, nwg) * WG_SIZE + lid;
  let nb = params.n / 32u;
  if (b >= nb) {
    return;
  }
  // the block's 16 vec4 loads first, all in flight at once, then the arithmetic
  var gv: array<vec4<f32>, 8>;
  var uv: array<vec4<f32>, 8>;
  for (var k = 0u; k < 8u; k = k + 1u) {
    gv[k] = gate[params.gate_off / 4u + 8u * b + k];
    uv[k] = up[params.up_off / 4u + 8u * b + k];
  }
  var v: array<vec4<f32>, 8>;
  for (var k = 0u; k < 8u; k = k + 1u) {
    v[k] = vec4<f32>(glu_act(gv[k].x), glu_act(gv[k].y), glu_act(gv[k].z), glu_act(gv[k].w)) * uv[k];
  }
  q8_block_store(b, nb, v);
#else
  let i = flat_wg(wg, nwg) * WG_SIZE + lid;
  if (i >= params.n) {
    return;
  }
  y[i] = glu_at(i);
#endif
}
