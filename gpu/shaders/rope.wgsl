// Rotary position embedding on the first n_rot dims of each head (the rest copied):
//   theta_i = pos * lin_scale * base^(-2i/n_rot) / ff_i;  (a, b) -> mscale * (a cos - b sin, a sin + b cos)
// Pairs (2i, 2i+1) by default (NORM, llama), (i, i + n_rot/2) with NEOX. FREQ_FACTORS adds the ff
// binding (llama3 rope_freqs, phi3 long/short factors); without it ff_i = 1.
// One invocation per output element. Shapes: x, y [ntok, nheads, hd]; pos [ntok] (u32); ff [n_rot/2].
#include "common/math.wgsl"
#include "common/rope_rotate.wgsl"

struct Params {
  ntok: u32,
  nheads: u32,
  hd: u32,
  n_rot: u32,
  base: f32,
  lin_scale: f32,
  mscale: f32,
  nheads2: u32,  // PAIR: heads of the second tensor (k after q: one dispatch for both)
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> pos: array<u32>;
#ifdef FREQ_FACTORS
@group(0) @binding(4) var<storage, read> ff: array<f32>;
#endif
#ifdef PAIR
@group(0) @binding(5) var<storage, read_write> y2: array<f32>;
@group(0) @binding(6) var<storage, read> x2: array<f32>;
#endif

fn load_x(second: bool, i: u32) -> f32 {
#ifdef PAIR
  if (second) {
    return x2[i];
  }
#endif
  return x[i];
}

fn store_y(second: bool, i: u32, value: f32) {
#ifdef PAIR
  if (second) {
    y2[i] = value;
    return;
  }
#endif
  y[i] = value;
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  var idx = flat_wg(wg, nwg) * WG_SIZE + lid;
  var nheads = params.nheads;
  var second = false;
#ifdef PAIR
  if (idx >= params.ntok * params.nheads * params.hd) {
    idx = idx - params.ntok * params.nheads * params.hd;
    nheads = params.nheads2;
    second = true;
  }
#endif
  if (idx >= params.ntok * nheads * params.hd) {
    return;
  }
  let d = idx % params.hd;
  let head = idx - d;  // index of the head's element 0
  let tok = idx / (nheads * params.hd);
  if (d >= params.n_rot) {
    store_y(second, idx, load_x(second, idx));
    return;
  }
  let rp = rope_pair(d, params.n_rot);
#ifdef POS_FIRST
  // prefill: token tok of a chunk is at position pos[0] + tok (the batch step buffer's first)
  let p = pos[0] + tok;
#else
  let p = pos[tok];
#endif
  store_y(second, idx, rope_rotate(load_x(second, head + rp.ia), load_x(second, head + rp.ib), rp.first, p, rp.i, params.n_rot,
    params.base, params.lin_scale, params.mscale));
}
