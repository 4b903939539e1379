#include "core/cpu/attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/tensor/vec_dot.h"

namespace hearth {

namespace {

// One query head over keys [first, last] (rows of kv_stride floats, head kvh): softmax of the scaled
// (and soft-capped) scores, then the weighted sum of the values into o. scores: scratch.
void attend(const float* qh, const float* k, const float* v, int64_t first, int64_t last, int64_t kv_stride, int64_t kvh,
            const AttentionParams& p, float* o, std::vector<float>& scores) {
  const int64_t hd = p.head_dim;
  scores.resize(size_t(last - first + 1));
  float max_score = -INFINITY;
  for (int64_t j = first; j <= last; ++j) {
    float s = dot_f32(qh, k + j * kv_stride + kvh * hd, hd) * p.scale;
    if (p.cap > 0.0f) s = p.cap * std::tanh(s / p.cap);
    scores[size_t(j - first)] = s;
    max_score = std::max(max_score, s);
  }
  double sum = 0.0;
  for (float& s : scores) {
    s = std::exp(s - max_score);
    sum += s;
  }
  const float inv = float(1.0 / sum);
  std::fill(o, o + hd, 0.0f);
  for (int64_t j = first; j <= last; ++j) {
    const float w = scores[size_t(j - first)] * inv;
    const float* vj = v + j * kv_stride + kvh * hd;
    for (int64_t c = 0; c < hd; ++c) o[c] += w * vj[c];
  }
}

}  // namespace

void attention(const float* q, int64_t T, int64_t pos0, const float* k_cache, const float* v_cache,
               const AttentionParams& p, float* out, ThreadPool& pool) {
  const int64_t hd = p.head_dim, q_stride = int64_t(p.n_head) * hd, kv_stride = int64_t(p.n_head_kv) * hd;
  const int32_t group = p.n_head / p.n_head_kv;
  // one work item per (token, head)
  pool.parallel_for(T * p.n_head, 1, [&](int64_t begin, int64_t end, int) {
    thread_local std::vector<float> scores;
    for (int64_t item = begin; item < end; ++item) {
      const int64_t t = item / p.n_head, h = item % p.n_head;
      const int64_t pos = pos0 + t;
      const int64_t first = p.window > 0 ? std::max<int64_t>(0, pos - p.window + 1) : 0;
      attend(q + t * q_stride + h * hd, k_cache, v_cache, first, pos, kv_stride, h / group, p, out + t * q_stride + h * hd, scores);
    }
  });
}

void attention_in_batch(const float* q, const float* k, const float* v, int64_t T, const int32_t* seq_begin,
                        const int32_t* seq_end, bool causal, const AttentionParams& p, float* out, ThreadPool& pool) {
  const int64_t hd = p.head_dim, q_stride = int64_t(p.n_head) * hd, kv_stride = int64_t(p.n_head_kv) * hd;
  const int32_t group = p.n_head / p.n_head_kv;
  pool.parallel_for(T * p.n_head, 1, [&](int64_t begin, int64_t end, int) {
    thread_local std::vector<float> scores;
    for (int64_t item = begin; item < end; ++item) {
      const int64_t t = item / p.n_head, h = item % p.n_head;
      int64_t first = seq_begin[t], last = causal ? t : seq_end[t] - 1;
      if (p.window > 0) {
        first = std::max<int64_t>(first, t - p.window + 1);
        last = std::min<int64_t>(last, t + p.window - 1);
      }
      attend(q + t * q_stride + h * hd, k, v, first, last, kv_stride, h / group, p, out + t * q_stride + h * hd, scores);
    }
  });
}

}  // namespace hearth
