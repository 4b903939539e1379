#include "core/cpu/attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/tensor/vec_dot.h"

namespace hearth {

void attention(const float* q, int64_t T, int64_t pos0, const float* k_cache, const float* v_cache,
               const AttentionParams& p, float* out, ThreadPool& pool) {
  const int64_t hd = p.head_dim, q_stride = int64_t(p.n_head) * hd, kv_stride = int64_t(p.n_head_kv) * hd;
  const int32_t group = p.n_head / p.n_head_kv;
  // one work item per (token, head)
  pool.parallel_for(T * p.n_head, 1, [&](int64_t begin, int64_t end, int) {
    thread_local std::vector<float> scores;
    for (int64_t item = begin; item < end; ++item) {
      const int64_t t = item / p.n_head, h = item % p.n_head, kvh = h / group;
      const int64_t pos = pos0 + t;
      const int64_t first = p.window > 0 ? std::max<int64_t>(0, pos - p.window + 1) : 0;
      const float* qh = q + t * q_stride + h * hd;
      scores.resize(size_t(pos - first + 1));
      float max_score = -INFINITY;
      for (int64_t j = first; j <= pos; ++j) {
        float s = dot_f32(qh, k_cache + j * kv_stride + kvh * hd, hd) * p.scale;
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
      float* o = out + t * q_stride + h * hd;
      std::fill(o, o + hd, 0.0f);
      for (int64_t j = first; j <= pos; ++j) {
        const float w = scores[size_t(j - first)] * inv;
        const float* vj = v_cache + j * kv_stride + kvh * hd;
        for (int64_t k = 0; k < hd; ++k) o[k] += w * vj[k];
      }
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
      const int64_t t = item / p.n_head, h = item % p.n_head, kvh = h / group;
      int64_t first = seq_begin[t], last = causal ? t : seq_end[t] - 1;
      if (p.window > 0) {
        first = std::max<int64_t>(first, t - p.window + 1);
        last = std::min<int64_t>(last, t + p.window - 1);
      }
      const float* qh = q + t * q_stride + h * hd;
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
      float* o = out + t * q_stride + h * hd;
      std::fill(o, o + hd, 0.0f);
      for (int64_t j = first; j <= last; ++j) {
        const float w = scores[size_t(j - first)] * inv;
        const float* vj = v + j * kv_stride + kvh * hd;
        for (int64_t c = 0; c < hd; ++c) o[c] += w * vj[c];
      }
    }
  });
}

}  // namespace hearth
