// Runs a model's Graph on the CPU for one sequence: batches of tokens (prefill) or single tokens
// (decode), with its own KV cache. This is the reference every other backend is checked against.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/cpu/thread_pool.h"
#include "core/model/kv_cache.h"
#include "core/model/model.h"

namespace hearth {

class CpuExecutor {
 public:
  explicit CpuExecutor(const Model& model, int n_threads = 0);  // 0 = all hardware threads

  // Appends `tokens` at positions n_past() .. and returns logits, row-major [rows, n_vocab]:
  // rows = tokens.size() with all_logits, else 1 (the last token's). Throws kInvalidArgument for
  // token ids out of range or a batch that overflows the context (the cache is left unchanged).
  std::vector<float> eval(std::span<const int32_t> tokens, bool all_logits = false);

  int32_t n_past() const { return cache_.n_past(); }
  int32_t n_ctx() const { return cache_.n_ctx(); }
  void reset() { cache_.set_n_past(0); }
  void truncate(int32_t n_past) { cache_.set_n_past(n_past); }  // keep a prefix of the cache
  const Model& model() const { return model_; }
  int threads() const { return pool_.size(); }  // may be fewer than asked (ThreadPool)

  static constexpr int64_t kMaxBatch = 64;  // tokens per graph run; longer inputs are chunked

 private:
  void run_chunk(std::span<const int32_t> tokens, bool all_logits, float* logits_out);
  float* value(int32_t id) { return slots_[size_t(slot_of_[size_t(id)])].data(); }

  const Model& model_;
  ThreadPool pool_;
  KvCache cache_;
  std::vector<int32_t> slot_of_;             // value id → buffer slot (reused once a value is dead)
  std::vector<std::vector<float>> slots_;    // each kMaxBatch × its widest value
};

}  // namespace hearth
