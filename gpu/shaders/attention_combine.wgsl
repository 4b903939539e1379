// Merges the shares of a split decode attention (attention.wgsl with SPLIT): share s of head h left
// acc_s (its sum of e^(score - m_s) v over its positions, hd values), m_s and l_s (its exp-sum) in
// part [H, splits, hd/4 + 1] (vec4s; the last holds (m_s, l_s)). out_h = sum_s e^(m_s - M) acc_s /
// sum_s e^(m_s - M) l_s with M = max_s m_s; an empty share has l_s = 0 and m_s = -3e38.
// Q8_OUT (hd % 32 == 0): out written as int8 blocks (common/q8_block.wgsl) for the int8 matvec that
// alone reads it. One workgroup a head, an invocation a vec4 of it (hd / 4 <= WG_SIZE).
#include "common/math.wgsl"

struct Params {
  H: u32,
  hd: u32,
  splits: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
#ifdef Q8_OUT
@group(0) @binding(1) var<storage, read_write> xq: array<u32>;
#include "common/q8_block.wgsl"
#else
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
#endif
@group(0) @binding(2) var<storage, read> part: array<vec4<f32>>;

var<workgroup> stage: array<vec4<f32>, WG_SIZE>;  // common/head_out.wgsl's, for Q8_OUT
#include "common/head_out.wgsl"

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let h = flat_wg(wg, nwg);
  let hd4 = params.hd / 4u;
  let valid = h < params.H && lid < hd4;
  var total = vec4<f32>(0.0);
  if (valid) {
    let base = h * params.splits * (hd4 + 1u);
    var mx = -3.0e38;
    for (var s = 0u; s < params.splits; s = s + 1u) {
      mx = max(mx, part[base + s * (hd4 + 1u) + hd4].x);
    }
    var l = 0.0;
    for (var s = 0u; s < params.splits; s = s + 1u) {
      let o = base + s * (hd4 + 1u);
      let w = exp(part[o + hd4].x - mx);
      l = l + w * part[o + hd4].y;
      total = total + w * part[o + lid];
    }
    total = total / l;
  }
  store_head(h, params.hd, params.H, lid, h < params.H, total);
}
