// Keys and values of every position seen so far, per layer, in f32 (the CPU path is the oracle;
// memory: 2 · layers · n_ctx · Hkv · hd · 4 bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hearth {

class KvCache {
 public:
  KvCache(int32_t n_layer, int32_t n_ctx, int32_t kv_width);

  int32_t n_ctx() const { return n_ctx_; }
  int32_t n_past() const { return n_past_; }
  void set_n_past(int32_t n);  // keep the first n positions (prefix reuse), drop the rest
  float* k(int32_t layer) { return k_[size_t(layer)].data(); }
  float* v(int32_t layer) { return v_[size_t(layer)].data(); }
  int32_t kv_width() const { return kv_width_; }
  uint64_t bytes() const { return 2ull * k_.size() * uint64_t(n_ctx_) * uint64_t(kv_width_) * sizeof(float); }

 private:
  int32_t n_ctx_, kv_width_, n_past_ = 0;
  std::vector<std::vector<float>> k_, v_;
};

}  // namespace hearth
