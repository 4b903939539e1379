// Merges the shares of a flash-decoding attention (flash_decode.wgsl): share s of head h left acc_s
// (its sum of e^(score - m_s) v over its positions, hd values), m_s and l_s (its exp-sum) in
// part [H, shares, hd/4 + 1] (vec4s; the last holds (m_s, l_s)). out_h = sum_s e^(m_s - M) acc_s /
// sum_s e^(m_s - M) l_s with M = max_s m_s; an empty share has l_s = 0 and m_s = -3e38.
// Q8_OUT (hd % 32 == 0): out written as int8 blocks (common/q8_block.wgsl) for the int8 matvec that
// alone reads it. One workgroup a head; shares <= WG_SIZE, hd / 4 <= WG_SIZE. The shares are read in
// parallel (an invocation a share for the weights, then groups of hd/4 invocations over interleaved
// shares, whose first four are loaded before the weights' reductions): a loop over the shares in one
// invocation waited one memory latency per share.
#include "common/math.wgsl"
#include "common/reduce.wgsl"

struct Params {
  H: u32,
  hd: u32,
  shares: u32,
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

var<workgroup> weight: array<f32, WG_SIZE>;  // e^(m_s - M) of share s
var<workgroup> stage: array<vec4<f32>, WG_SIZE>;  // the share groups' sums; common/head_out.wgsl's
#include "common/head_out.wgsl"

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let h = flat_wg(wg, nwg);
  let valid = h < params.H;
  let hd4 = params.hd / 4u;
  let n = params.shares;
  let base = min(h, params.H - 1u) * n * (hd4 + 1u);
  var ml = vec4<f32>(-3.0e38, 0.0, 0.0, 0.0);
  if (lid < n) {
    ml = part[base + lid * (hd4 + 1u) + hd4];
  }
  let groups = WG_SIZE / hd4;
  let g = lid / hd4;
  let d = lid % hd4;
  // the first round's shares, loaded now so that their latency overlaps the reductions'
  var first: array<vec4<f32>, 4>;
  for (var i = 0u; i < 4u; i = i + 1u) {
    first[i] = part[base + min(g + i * groups, n - 1u) * (hd4 + 1u) + d];
  }
  // the reductions over the shares take log2 of the power of two covering them in barriers, not
  // log2(WG_SIZE): 16 shares in a workgroup of 256 are 4 rounds, not 8
  let np = select(1u << (32u - countLeadingZeros(n - 1u)), 1u, n <= 1u);
  let mx = wg_max_first(lid, ml.x, np);
  let w = select(0.0, exp(ml.x - mx), lid < n);
  weight[lid] = w;
  let l = wg_sum_first(lid, w * ml.y, np);  // its barriers also publish `weight`

  var acc = vec4<f32>(0.0);
  if (g < groups) {
    for (var i = 0u; i < 4u; i = i + 1u) {
      let s = g + i * groups;
      acc = acc + select(0.0, weight[min(s, WG_SIZE - 1u)], s < n) * first[i];
    }
    // then four shares a round, loaded before use
    var s = g + 4u * groups;
    for (; s + 3u * groups < n; s = s + 4u * groups) {
      let a0 = part[base + s * (hd4 + 1u) + d];
      let a1 = part[base + (s + groups) * (hd4 + 1u) + d];
      let a2 = part[base + (s + 2u * groups) * (hd4 + 1u) + d];
      let a3 = part[base + (s + 3u * groups) * (hd4 + 1u) + d];
      acc = acc + weight[s] * a0 + weight[s + groups] * a1 + weight[s + 2u * groups] * a2 + weight[s + 3u * groups] * a3;
    }
    for (; s < n; s = s + groups) {
      acc = acc + weight[s] * part[base + s * (hd4 + 1u) + d];
    }
  }
  stage[lid] = acc;
  workgroupBarrier();
  var total = vec4<f32>(0.0);
  if (lid < hd4) {
    for (var r = 0u; r < groups; r = r + 1u) {
      total = total + stage[r * hd4 + lid];
    }
    total = total / l;
  }
  store_head(h, params.hd, params.H, lid, valid, total);
}
