// Runs a model's Graph on the CPU for one sequence: batches of tokens (prefill) or single tokens
// (decode), with its own KV cache. This is the reference every other backend is checked against.
// An embedding model (a graph that pools) runs instead whole inputs, several packed in one run,
// and keeps no cache.
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

  // Embedding models: one pooled vector per input, row-major [inputs.size(), n_embd], not
  // normalized. Inputs run packed, as many whole ones a run as fit n_ctx() tokens; each must be
  // 1..n_ctx() tokens (kInvalidArgument otherwise). kInvalidArgument for a model that does not pool.
  std::vector<float> embed(std::span<const std::vector<int32_t>> inputs);

  int32_t n_past() const { return cache_.n_past(); }
  int32_t n_ctx() const { return cache_.n_ctx(); }
  void reset() { cache_.set_n_past(0); }
  void truncate(int32_t n_past) { cache_.set_n_past(n_past); }  // keep a prefix of the cache
  const Model& model() const { return model_; }
  int threads() const { return pool_.size(); }  // may be fewer than asked (ThreadPool)

  static constexpr int64_t kMaxBatch = 64;  // tokens per graph run; longer inputs are chunked

 private:
  struct Batch;
  void check_tokens(std::span<const int32_t> tokens) const;
  // Runs the graph on one batch; out (when not null) receives the output rows: logits (the last
  // token's, or all with all_logits) or one pooled vector per sequence.
  void run(const Batch& batch, bool all_logits, float* out);
  float* value(int32_t id) { return slots_[size_t(slot_of_[size_t(id)])].data(); }

  const Model& model_;
  ThreadPool pool_;
  KvCache cache_;
  std::vector<int32_t> slot_of_;             // value id → buffer slot (reused once a value is dead)
  std::vector<std::vector<float>> slots_;    // each max_rows_ × its widest value
  int64_t max_rows_ = kMaxBatch;             // tokens a run holds: kMaxBatch, or n_ctx when pooling
};

}  // namespace hearth
