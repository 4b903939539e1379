// Causal multi-head attention with grouped KV heads, over a KV cache that already holds the batch's
// own keys and values.
#pragma once

#include <cstdint>

#include "core/cpu/thread_pool.h"

namespace hearth {

struct AttentionParams {
  int32_t n_head = 0;
  int32_t n_head_kv = 0;
  int32_t head_dim = 0;
  float scale = 1.0f;   // applied to q·k
  float cap = 0.0f;     // soft cap of the scores, 0 = none
  int32_t window = 0;   // attend only to p - p' < window; 0 = unlimited
};

// q: [T, n_head·hd] for positions pos0 .. pos0+T-1. k_cache, v_cache: [pos0+T, n_head_kv·hd] rows
// (row p holds position p). out: [T, n_head·hd].
void attention(const float* q, int64_t T, int64_t pos0, const float* k_cache, const float* v_cache,
               const AttentionParams& p, float* out, ThreadPool& pool);

// Attention within a batch of packed sequences, no cache (embedding models): q [T, n_head·hd],
// k and v [T, n_head_kv·hd]; token t belongs to the sequence [seq_begin[t], seq_end[t]) and sees
// its keys up to itself (causal) or all of them. p.window, when set, bounds |t - t'|.
void attention_in_batch(const float* q, const float* k, const float* v, int64_t T, const int32_t* seq_begin,
                        const int32_t* seq_end, bool causal, const AttentionParams& p, float* out, ThreadPool& pool);

}  // namespace hearth
