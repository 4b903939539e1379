// Decode attention (one query token, f32) as flash-decoding by GQA group: a workgroup per (KV head,
// share of the positions) computes all GQA = H / Hkv query heads that read that KV head, so each key
// and value is read once a step, by many workgroups at once. (attention.wgsl's workgroup a query head
// streams the head's whole cache through one compute unit and re-reads it GQA times: ~25 µs a layer on
// the H100 however its inside is arranged.)
//   score(t) = (q_h . k_t) * scale, then softcap c*tanh(score/c) when softcap > 0;
//   keys t in [lo, pos], lo = pos + 1 - window for a sliding window (window > 0), else 0.
// The positions [lo, pos] are cut into params.shares equal shares each step (pos from step[0]), so every
// workgroup has work at any position. A workgroup walks its share in tiles of TILE positions with an
// online softmax and leaves, for each of its query heads, the unnormalized sum of e^(score - m) v with m
// and the exp-sum l in part [H, shares, hd/4 + 1] (vec4s; the last holds (m, l)); attention_combine.wgsl
// merges the shares. An empty share writes m = -3e38, l = 0.
// KV_APPEND (always): the new token's k and v come in as k_new, v_new [Hkv, hd]; position pos is read
// from them and the share holding it writes them into the cache after its reads (no other workgroup
// reads position pos). ROPE: q and k_new come unrotated and are rotated at pos on load
// (common/rope_qk.wgsl), as attention.wgsl does.
// Keys are read by KL invocations a row (contiguous loads; an invocation a row put a warp's 32 loads
// on 32 rows 4 KB apart, and a tile cost ~3 µs of scores on the H100); a tile's values are loaded at
// its start, before the keys, so the two loads' latencies overlap.
// SG_TILE (subgroups of exactly TILE invocations): a query head's tile max is one subgroupMax.
// At the end the position groups' sums of HB query heads at a time are merged through workgroup memory
// (two barriers a round: a round a head cost ~2 µs of a ~10 µs dispatch on the H100 at GQA 4).
// Defines: HD (head size, % 4 == 0, HD / 4 <= WG_SIZE), GQA, TILE (positions a tile, a power of two),
// KL (invocations a key row: a power of two dividing HD / 4), HB (query heads a merge round, <= GQA).
// Shapes: q [H, hd]; k, v [n_kv, Hkv, hd] (position-major cache).
#ifdef SG_TILE
enable subgroups;
#endif
#include "common/math.wgsl"

const HD4: u32 = HD / 4u;
const PAIRS: u32 = GQA * TILE;  // (query head, position) pairs of a tile
const GROUPS: u32 = WG_SIZE / HD4;  // position groups of the value sum: an invocation a (group, vec4 of hd)
const SLICE: u32 = HD4 / KL;  // vec4s of a key row an invocation reads
const KEY_ROWS: u32 = WG_SIZE / KL;  // key rows the workgroup reads at once
const NV: u32 = (TILE + GROUPS - 1u) / GROUPS;  // a position group's values in a tile

struct Params {
  H: u32,
  Hkv: u32,
  shares: u32,
  window: u32,
  scale: f32,
  softcap: f32,
  _pad0: u32,
  _pad1: u32,
#ifdef ROPE
  rope: RopeParams,  // common/rope_qk.wgsl
#endif
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> part: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> q: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> k: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> v: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read> k_new: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read> v_new: array<vec4<f32>>;
@group(0) @binding(7) var<storage, read> step: array<u32>;
#ifdef FREQ_FACTORS
@group(0) @binding(8) var<storage, read> ff: array<f32>;
#endif
#ifdef ROPE
#include "common/rope_qk.wgsl"
#endif

var<workgroup> qs: array<vec4<f32>, GQA * HD4>;  // the group's query heads (rotated with ROPE)
var<workgroup> k_pos: array<vec4<f32>, HD4>;     // the new key (rotated with ROPE)
var<workgroup> partial: array<f32, PAIRS * KL>;  // a tile's partial dots, KL a (head, position)
var<workgroup> p: array<f32, PAIRS>;             // a tile's scores, then their e^(score - m)
var<workgroup> red: array<f32, PAIRS>;           // the tile's max per query head
var<workgroup> stage: array<vec4<f32>, HB * WG_SIZE>; // HB heads' position-group sums, merged at the end
var<workgroup> stage_l: array<f32, HB * GROUPS>;       // and their exp-sums

// value vector d of position t (the new token's at pos)
fn value_at(t: u32, pos: u32, stride: u32, kbase: u32, d: u32) -> vec4<f32> {
  return select(v[t * stride + kbase + d], v_new[kbase + d], t == pos);
}

// e^(score - m) of query head g at tile position j (0 past the tile)
fn weight_at(g: u32, j: u32) -> f32 {
  return select(0.0, p[g * TILE + min(j, TILE - 1u)], j < TILE);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let id = flat_wg(wg, nwg);
  let kh = id / params.shares;
  let share = id % params.shares;
  let valid = kh < params.Hkv;  // the grid may round up
  let kh_in = min(kh, params.Hkv - 1u);  // a real KV head to read for the rounded-up workgroups
  let stride = params.Hkv * HD4;  // vec4s a cache position
  let kbase = kh_in * HD4;
  let pos = step[0];

  // the group's queries and the new key, into workgroup memory
  for (var i = lid; i < GQA * HD4; i = i + WG_SIZE) {
    let qbase = (kh_in * GQA + i / HD4) * HD4;
#ifdef ROPE
    qs[i] = rope_rotated4(true, qbase, i % HD4, pos);
#else
    qs[i] = q[qbase + i % HD4];
#endif
  }
  for (var d = lid; d < HD4; d = d + WG_SIZE) {
#ifdef ROPE
    k_pos[d] = rope_rotated4(false, kbase, d, pos);
#else
    k_pos[d] = k_new[kbase + d];
#endif
  }
  workgroupBarrier();

  // this share's positions [a, b)
  var lo = 0u;
  if (params.window > 0u && pos + 1u > params.window) {
    lo = pos + 1u - params.window;
  }
  let per = (pos + 1u - lo + params.shares - 1u) / params.shares;
  let a = min(lo + share * per, pos + 1u);
  let b = min(a + per, pos + 1u);

  let kr = lid / KL;  // score role: key row of a round and slice of it
  let kc = lid % KL;
  let grp = lid / HD4;  // value-sum role: position group and vec4 of hd
  let d = lid % HD4;
  var m: array<f32, GQA>;
  var l: array<f32, GQA>;
  var acc: array<vec4<f32>, GQA>;
  for (var g = 0u; g < GQA; g = g + 1u) {
    m[g] = -3.0e38;
    l[g] = 0.0;
    acc[g] = vec4<f32>(0.0);
  }

  for (var t0 = a; t0 < b; t0 = t0 + TILE) {
    // 0. the tile's values this invocation will weigh, loaded first so that their latency overlaps
    //    the keys' and the softmax's (a position past b reads one inside the share; its weight is 0)
    var vals: array<vec4<f32>, NV>;
    for (var i = 0u; i < NV; i = i + 1u) {
      vals[i] = value_at(min(t0 + grp + i * GROUPS, b - 1u), pos, stride, kbase, d);
    }
    // 1. scores of the tile. KL invocations share a key row (each a slice of KL-strided vec4s, so a
    //    load instruction reads whole rows contiguously) and dot it with every query head of the
    //    group; the KL partial dots of a (head, position) pair are summed in workgroup memory.
    for (var j = 0u; j < TILE; j = j + KEY_ROWS) {
      let t = t0 + j + kr;
      let tr = min(t, b - 1u);  // past the share: a row inside it, masked below
      let kb = tr * stride + kbase + kc;
      var ks: array<vec4<f32>, SLICE>;
      for (var u = 0u; u < SLICE; u = u + 1u) {
        ks[u] = select(k[kb + u * KL], k_pos[kc + u * KL], tr == pos);
      }
      for (var g = 0u; g < GQA; g = g + 1u) {
        var dot4 = vec4<f32>(0.0);
        for (var u = 0u; u < SLICE; u = u + 1u) {
          dot4 = dot4 + qs[g * HD4 + kc + u * KL] * ks[u];
        }
        if (j + kr < TILE) {
          partial[(g * TILE + j + kr) * KL + kc] = dot4.x + dot4.y + dot4.z + dot4.w;
        }
      }
    }
    workgroupBarrier();
    for (var i = lid; i < PAIRS; i = i + WG_SIZE) {
      var s = 0.0;
      for (var c = 0u; c < KL; c = c + 1u) {
        s = s + partial[i * KL + c];
      }
      s = s * params.scale;
      if (params.softcap > 0.0) {
        s = softcap(s, params.softcap);
      }
      s = select(-3.0e38, s, t0 + i % TILE < b);
      p[i] = s;
      red[i] = s;
    }
    // 2. each query head's max over the tile (a tree within each head's TILE entries)
#ifdef SG_TILE
    // a subgroup holds one query head's tile (PAIRS == WG_SIZE, pairs in head order)
    let tile_max = subgroupMax(p[lid]);
    if (lid % TILE == 0u) {
      red[lid] = tile_max;
    }
#else
    for (var w = TILE / 2u; w > 0u; w = w >> 1u) {
      workgroupBarrier();
      for (var i = lid; i < PAIRS; i = i + WG_SIZE) {
        if (i % TILE < w) {
          red[i] = max(red[i], red[i + w]);
        }
      }
    }
#endif
    workgroupBarrier();
    // every invocation moves its running maxes (the same in all); the sums so far are rescaled
    var m_new: array<f32, GQA>;
    for (var g = 0u; g < GQA; g = g + 1u) {
      m_new[g] = max(m[g], red[g * TILE]);
      let alpha = exp(m[g] - m_new[g]);
      l[g] = l[g] * alpha;
      acc[g] = acc[g] * alpha;
      m[g] = m_new[g];
    }
    for (var i = lid; i < PAIRS; i = i + WG_SIZE) {
      p[i] = select(0.0, exp(p[i] - m_new[i / TILE]), t0 + i % TILE < b);
    }
    workgroupBarrier();
    // 3. weighted values: position group `grp` takes the tile's positions grp, grp + GROUPS, ...
    if (grp < GROUPS) {
      for (var g = 0u; g < GQA; g = g + 1u) {
        for (var i = 0u; i < NV; i = i + 1u) {
          let e = weight_at(g, grp + i * GROUPS);
          acc[g] = acc[g] + e * vals[i];
          l[g] = l[g] + e;
        }
      }
    }
    workgroupBarrier();  // p is rewritten by the next tile
  }

  // 4. each query head's sums over the position groups, to its slot of `part`, HB heads a round
  for (var g0 = 0u; g0 < GQA; g0 = g0 + HB) {
    for (var i = 0u; i < HB; i = i + 1u) {
      let g = min(g0 + i, GQA - 1u);  // past GQA: a copy, not read
      stage[i * WG_SIZE + lid] = acc[g];
      if (d == 0u && grp < GROUPS) {
        stage_l[i * GROUPS + grp] = l[g];
      }
    }
    workgroupBarrier();
    for (var e = lid; e < HB * HD4; e = e + WG_SIZE) {
      let i = e / HD4;
      let dd = e % HD4;
      let g = g0 + i;
      if (valid && g < GQA) {
        var total = vec4<f32>(0.0);
        var ls = 0.0;
        for (var r = 0u; r < GROUPS; r = r + 1u) {
          total = total + stage[i * WG_SIZE + r * HD4 + dd];
          ls = ls + stage_l[i * GROUPS + r];
        }
        let slot = ((kh * GQA + g) * params.shares + share) * (HD4 + 1u);
        part[slot + dd] = total;
        if (dd == 0u) {
          part[slot + HD4] = vec4<f32>(m[g], ls, 0.0, 0.0);
        }
      }
    }
    workgroupBarrier();
  }

  // 5. the share holding pos writes the new key and value into the cache (read from k_new above)
  if (valid && a <= pos && pos < b) {
    for (var e = lid; e < HD4; e = e + WG_SIZE) {
      k[pos * stride + kbase + e] = k_pos[e];
      v[pos * stride + kbase + e] = v_new[kbase + e];
    }
  }
}
