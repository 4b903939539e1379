// The GPU sampler's tail weight, for draws over the whole vocabulary (top_k 0): per chunk of CHUNK
// tokens, the sum of exp((l - max) / temperature) over the tokens ranked after the K-th candidate
// (same keys and order as sample_topk.wgsl, on the same logits). The partial sums are read back and
// added in double; the core decides the draw from the candidates when these bounds allow it.
// Shapes: partial [ceil(n / CHUNK)], logits [n], ranked [k] (best first).
#include "common/math.wgsl"

const CHUNK: u32 = 1024u;
const PER_THREAD: u32 = CHUNK / WG_SIZE;

struct Params {
  n: u32,
  k: u32,
  inv_temperature: f32,
  _pad0: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> partial: array<f32>;
@group(0) @binding(2) var<storage, read> logits: array<f32>;
@group(0) @binding(3) var<storage, read> ranked: array<vec2<u32>>;

var<workgroup> sums: array<f32, WG_SIZE>;

fn rank_key(l: f32) -> u32 {
  let raw = bitcast<u32>(l);
  let bits = select(raw, 0u, raw == 0x80000000u);
  return select(bits | 0x80000000u, ~bits, (bits & 0x80000000u) != 0u);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let group = flat_wg(wg, nwg);
  let best = logits[ranked[0].y];
  let last = ranked[params.k - 1u];
  var sum = 0.0;
  for (var r = 0u; r < PER_THREAD; r++) {
    let i = group * CHUNK + lid + r * WG_SIZE;
    if (i < params.n && last.y != 0xffffffffu) {
      let l = logits[i];
      let key = rank_key(l);
      // after the K-th candidate in rank order (logit descending, then id ascending)
      if (last.x > key || (last.x == key && last.y < i)) {
        sum += exp((l - best) * params.inv_temperature);
      }
    }
  }
  sums[lid] = sum;
  workgroupBarrier();
  for (var half = WG_SIZE / 2u; half > 0u; half = half >> 1u) {
    if (lid < half) {
      sums[lid] += sums[lid + half];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    partial[group] = sums[0];
  }
}
