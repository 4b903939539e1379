// Attention of one query token (decode) over the KV cache, f32:
//   score(t) = (q_h . k_t) * scale, then softcap c*tanh(score/c) when softcap > 0;
//   keys t in [lo, pos], lo = pos + 1 - window for a sliding window (window > 0), else 0;
//   out_h = sum_t softmax(score)_t v_t. GQA: query head h reads KV head h / (H / Hkv).
// One workgroup per query head. Scores go to a scratch buffer [H, n_kv] (any context length fits).
// Shapes: q, out [H, hd]; k, v [n_kv, Hkv, hd] (position-major cache); pos < n_kv.
// KV_APPEND: the new token's k and v come in as k_new, v_new [Hkv, hd] and pos from step[0]; position
// pos is read from them (not the cache) and the first query head of each KV head writes them into the
// cache for later steps, so no copy (which would split the compute pass) is needed. Nothing in this
// dispatch reads cache position pos, so the write does not race.
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
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> scores: array<f32>;
@group(0) @binding(3) var<storage, read> q: array<f32>;
#ifdef KV_APPEND
@group(0) @binding(4) var<storage, read_write> k: array<f32>;
@group(0) @binding(5) var<storage, read_write> v: array<f32>;
@group(0) @binding(6) var<storage, read> k_new: array<f32>;
@group(0) @binding(7) var<storage, read> v_new: array<f32>;
@group(0) @binding(8) var<storage, read> step: array<u32>;
#else
@group(0) @binding(4) var<storage, read> k: array<f32>;
@group(0) @binding(5) var<storage, read> v: array<f32>;
#endif

// Element i of cache position t (i = kh * hd + d).
fn key_at(t: u32, pos: u32, stride: u32, i: u32) -> f32 {
#ifdef KV_APPEND
  if (t == pos) {
    return k_new[i];
  }
#endif
  return k[t * stride + i];
}

fn value_at(t: u32, pos: u32, stride: u32, i: u32) -> f32 {
#ifdef KV_APPEND
  if (t == pos) {
    return v_new[i];
  }
#endif
  return v[t * stride + i];
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let h = flat_wg(wg, nwg);
  let valid = h < params.H;
  let hd = params.hd;
  let kh = h / (params.H / params.Hkv);
  let kv_stride = params.Hkv * hd;  // floats per cache position
#ifdef KV_APPEND
  let pos = step[0];
  if (valid && h % (params.H / params.Hkv) == 0u) {
    for (var d = lid; d < hd; d = d + WG_SIZE) {
      k[pos * kv_stride + kh * hd + d] = k_new[kh * hd + d];
      v[pos * kv_stride + kh * hd + d] = v_new[kh * hd + d];
    }
  }
#else
  let pos = params.pos;
#endif
  var lo = 0u;
  if (params.window > 0u && pos + 1u > params.window) {
    lo = pos + 1u - params.window;
  }
  let srow = h * params.n_kv;

  // 1. scores and their max
  var m = -3.0e38;
  if (valid) {
    for (var t = lo + lid; t <= pos; t = t + WG_SIZE) {
      var s = 0.0;
      for (var d = 0u; d < hd; d = d + 1u) {
        s = s + q[h * hd + d] * key_at(t, pos, kv_stride, kh * hd + d);
      }
      s = s * params.scale;
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
    for (var t = lo + lid; t <= pos; t = t + WG_SIZE) {
      let e = exp(scores[srow + t] - mx);
      scores[srow + t] = e;
      sum = sum + e;
    }
  }
  let inv = 1.0 / wg_sum(lid, sum);
  storageBarrier();  // the weights written above are read by other invocations below

  // 3. weighted sum of values, one output dim per invocation
  if (valid) {
    for (var d = lid; d < hd; d = d + WG_SIZE) {
      var acc = 0.0;
      for (var t = lo; t <= pos; t = t + 1u) {
        acc = acc + scores[srow + t] * value_at(t, pos, kv_stride, kh * hd + d);
      }
      out[h * hd + d] = acc * inv;
    }
  }
}
