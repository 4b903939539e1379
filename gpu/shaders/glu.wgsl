// Gated linear unit of the FFN: y = act(gate) * up, act = SiLU (ACT_SILU) or GELU-tanh (ACT_GELU).
// gate and up may be the same buffer bound twice (phi3's fused gate-up: offsets 0 and f).
// One invocation per element. Shapes: y [n]; gate [gate_off + n]; up [up_off + n].
#include "common/math.wgsl"

struct Params {
  n: u32,
  gate_off: u32,
  up_off: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> gate: array<f32>;
@group(0) @binding(3) var<storage, read> up: array<f32>;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = flat_wg(wg, nwg) * WG_SIZE + lid;
  if (i >= params.n) {
    return;
  }
  let g = gate[params.gate_off + i];
#ifdef ACT_GELU
  let a = gelu_tanh(g);
#else
  let a = silu(g);
#endif
  y[i] = a * up[params.up_off + i];
}
