// Attention of one query token (decode) over the KV cache, f32:
//   score(t) = (q_h . k_t) * scale, then softcap c*tanh(score/c) when softcap > 0;
//   keys t in [lo, pos], lo = pos + 1 - window for a sliding window (window > 0), else 0;
//   out_h = sum_t softmax(score)_t v_t. GQA: query head h reads KV head h / (H / Hkv).
// One workgroup per query head. Scores go to a scratch buffer [H, n_kv] (any context length fits).
// Shapes: q, out [H, hd]; k, v [n_kv, Hkv, hd] (position-major cache); pos < n_kv; hd % 4 == 0 and
// hd / 4 <= WG_SIZE (vec4 loads). HD (optional, = params.hd): the head size as a constant, so the
// compiler unrolls the per-position dot product (a loop bounded by a uniform waits on each load).
// Work split: scores with one invocation per position (a vec4 dot over hd); the weighted sum of
// values with the workgroup as G = WG_SIZE / (hd/4) groups of hd/4 invocations, group g taking
// positions g, g+G, ... (one vec4 of dims each), then a sum over groups in workgroup memory: a long
// context is walked by G invocations in parallel instead of one.
// KV_APPEND: the new token's k and v come in as k_new, v_new [Hkv, hd] and pos from step[0]; position
// pos is read from them (not the cache) and the first query head of each KV head writes them into the
// cache for later steps, so no copy (which would split the compute pass) is needed. Nothing in this
// dispatch reads cache position pos, so the write does not race.
// ROPE (KV_APPEND with HD; NEOX, FREQ_FACTORS as rope.wgsl, whose rotation it shares through
// common/rope_rotate.wgsl): q and k_new come unrotated and the workgroup rotates them into workgroup
// memory at position pos first, so a decode step needs no rope dispatch (the cache gets the rotated k).
// Q8_OUT (decode; hd % 32 == 0): out is written as int8 blocks of 32 (common/q8_block.wgsl) for the
// int8 matvec (attn_output) that alone reads it, instead of f32 then a quantize_q8 dispatch.
// (flash_decode.wgsl is the decode kernel of GPUs with many compute units: one workgroup a head leaves
// most of them idle; this one serves prefill, and decode where a workgroup a head is enough.)
// BATCH (prefill): the queries of a chunk, q and out [ntok, H, hd], one workgroup per (token, head);
// query i is at position step[0] + i and sees the cache up to it (causal; kv_append.wgsl wrote the
// chunk's keys before); tokens i >= step[1] (a partial chunk's padding) do nothing. A dispatch takes the
// (token, head) pairs from params.pos on (several dispatches when scores, [pairs of a dispatch, n_kv],
// would outgrow a buffer).
// SEQ (with BATCH; encoders, packed sequences): token i belongs to the sequence of cache rows
// [seq[2i], seq[2i + 1]) (kv_append wrote the batch's rows at positions 0 ..) and sees all of them,
// or with CAUSAL those up to itself; no window.
#include "common/math.wgsl"
#include "common/reduce.wgsl"

struct Params {
  H: u32,
  Hkv: u32,
  hd: u32,
  n_kv: u32,
  pos: u32,
  window: u32,
  scale: f32,
  softcap: f32,
#ifdef ROPE
  rope: RopeParams,  // common/rope_qk.wgsl
#endif
}

@group(0) @binding(0) var<uniform> params: Params;
#ifdef Q8_OUT
@group(0) @binding(1) var<storage, read_write> xq: array<u32>;
#include "common/q8_block.wgsl"
#else
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
#endif
@group(0) @binding(2) var<storage, read_write> scores: array<f32>;
@group(0) @binding(3) var<storage, read> q: array<vec4<f32>>;
#ifdef KV_APPEND
@group(0) @binding(4) var<storage, read_write> k: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read_write> v: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read> k_new: array<vec4<f32>>;
@group(0) @binding(7) var<storage, read> v_new: array<vec4<f32>>;
@group(0) @binding(8) var<storage, read> step: array<u32>;
#else
@group(0) @binding(4) var<storage, read> k: array<vec4<f32>>;
@group(0) @binding(5) var<storage, read> v: array<vec4<f32>>;
#endif
#ifdef BATCH
@group(0) @binding(6) var<storage, read> step: array<u32>;  // [first position, count, ...]
#endif
#ifdef SEQ
@group(0) @binding(7) var<storage, read> seq: array<u32>;  // [begin, end) of each token's sequence
#endif
#ifdef FREQ_FACTORS
@group(0) @binding(9) var<storage, read> ff: array<f32>;
#endif
#ifdef ROPE
#include "common/rope_qk.wgsl"
// the rotated q and new k of the head
var<workgroup> q_rot: array<vec4<f32>, HD / 4>;
var<workgroup> k_rot: array<vec4<f32>, HD / 4>;

fn q_at(qbase: u32, d: u32) -> vec4<f32> {
  return q_rot[d];
}
fn k_new_at(kbase: u32, d: u32) -> vec4<f32> {
  return k_rot[d];
}
#else
fn q_at(qbase: u32, d: u32) -> vec4<f32> {
  return q[qbase + d];
}
#ifdef KV_APPEND
fn k_new_at(kbase: u32, d: u32) -> vec4<f32> {
  return k_new[kbase + d];
}
#endif
#endif

// the groups' partial sums of values, then (Q8_OUT) the head's values for common/head_out.wgsl
var<workgroup> stage: array<vec4<f32>, WG_SIZE>;
#include "common/head_out.wgsl"

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
#ifdef BATCH
  let qh = params.pos + flat_wg(wg, nwg);  // token * H + head: q's and out's head index
  let h = qh % params.H;
  let valid = qh / params.H < step[1];
  let pos = step[0] + qh / params.H;
#else
  let qh = flat_wg(wg, nwg);
  let h = qh;
  let valid = h < params.H;
#endif
#ifdef HD
  let hd4 = HD / 4u;  // a constant: the dot products over the head unroll into independent loads
#else
  let hd4 = params.hd / 4u;
#endif
  let kh = h / (params.H / params.Hkv);
  let stride = params.Hkv * hd4;  // vec4s per cache position
  let kbase = kh * hd4;
  let qbase = qh * hd4;
#ifdef BATCH
#else
#ifdef KV_APPEND
  let pos = step[0];
#ifdef ROPE
  for (var d = lid; d < hd4; d = d + WG_SIZE) {
    q_rot[d] = rope_rotated4(true, qbase, d, pos);
    k_rot[d] = rope_rotated4(false, kbase, d, pos);
  }
  workgroupBarrier();
#endif
  if (valid && h % (params.H / params.Hkv) == 0u) {
    for (var d = lid; d < hd4; d = d + WG_SIZE) {
      k[pos * stride + kbase + d] = k_new_at(kbase, d);
      v[pos * stride + kbase + d] = v_new[kbase + d];
    }
  }
#else
  let pos = params.pos;
#endif
#endif
  var lo = 0u;
  if (params.window > 0u && pos + 1u > params.window) {
    lo = pos + 1u - params.window;
  }
  // the positions [a, b) this workgroup walks
#ifdef SEQ
  let tok = min(qh / params.H, arrayLength(&seq) / 2u - 1u);
  let a = seq[2u * tok];
#ifdef CAUSAL
  let b = pos + 1u;
#else
  let b = seq[2u * tok + 1u];
#endif
#else
  let a = lo;
  let b = pos + 1u;
#endif
#ifdef BATCH
  let srow = (qh - params.pos) * params.n_kv;
#else
  let srow = qh * params.n_kv;
#endif

  // 1. scores and their max
  var m = -3.0e38;
  if (valid) {
    for (var t = a + lid; t < b; t = t + WG_SIZE) {
      var acc = vec4<f32>(0.0);
#ifdef KV_APPEND
      if (t == pos) {
        for (var d = 0u; d < hd4; d = d + 1u) {
          acc = acc + q_at(qbase, d) * k_new_at(kbase, d);
        }
      } else {
#endif
        // no branch inside: the loads of the unrolled loop go out together
        for (var d = 0u; d < hd4; d = d + 1u) {
          acc = acc + q_at(qbase, d) * k[t * stride + kbase + d];
        }
#ifdef KV_APPEND
      }
#endif
      var s = (acc.x + acc.y + acc.z + acc.w) * params.scale;
      if (params.softcap > 0.0) {
        s = softcap(s, params.softcap);
      }
      scores[srow + t] = s;
      m = max(m, s);
    }
  }
  let mx = wg_max(lid, m);

  // 2. exponentials (each invocation revisits its own entries) and their sum
  var sum = 0.0;
  if (valid) {
    for (var t = a + lid; t < b; t = t + WG_SIZE) {
      let e = exp(scores[srow + t] - mx);
      scores[srow + t] = e;
      sum = sum + e;
    }
  }
  let wsum = wg_sum(lid, sum);
  storageBarrier();  // the weights written above are read by other invocations below

  // 3. weighted sum of values: G groups of hd4 invocations over interleaved positions
  let groups = WG_SIZE / hd4;
  let g = lid / hd4;
  let d = lid % hd4;
  var acc = vec4<f32>(0.0);
  if (valid && g < groups) {
    // four positions a round: their loads are independent (one memory latency a round, not four)
    // cache positions [a, end); KV_APPEND: pos itself (when in [a, b)) from v_new, by group 0
    var end = b;
#ifdef KV_APPEND
    if (a < b && b == pos + 1u) {
      end = pos;
      if (g == 0u) {
        acc = scores[srow + pos] * v_new[kbase + d];
      }
    }
#endif
    var t = a + g;
    for (; t + 3u * groups < end; t = t + 4u * groups) {
      acc = acc + scores[srow + t] * v[t * stride + kbase + d]
                + scores[srow + t + groups] * v[(t + groups) * stride + kbase + d]
                + scores[srow + t + 2u * groups] * v[(t + 2u * groups) * stride + kbase + d]
                + scores[srow + t + 3u * groups] * v[(t + 3u * groups) * stride + kbase + d];
    }
    for (; t < end; t = t + groups) {
      acc = acc + scores[srow + t] * v[t * stride + kbase + d];
    }
  }
  stage[lid] = acc;
  workgroupBarrier();
  var total = vec4<f32>(0.0);
  if (valid && lid < hd4) {
    for (var i = 0u; i < groups; i = i + 1u) {
      total = total + stage[i * hd4 + lid];
    }
    total = total * (1.0 / wsum);
  }
  store_head(qh, params.hd, params.H, lid, valid, total);
}
