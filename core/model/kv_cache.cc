#include "core/model/kv_cache.h"

#include <new>

#include "core/util/error.h"

namespace hearth {

KvCache::KvCache(int32_t n_layer, int32_t n_ctx, int32_t kv_width) : n_ctx_(n_ctx), kv_width_(kv_width) {
  try {
    k_.resize(size_t(n_layer));
    v_.resize(size_t(n_layer));
    for (int32_t l = 0; l < n_layer; ++l) {
      k_[size_t(l)].assign(size_t(n_ctx) * size_t(kv_width), 0.0f);
      v_[size_t(l)].assign(size_t(n_ctx) * size_t(kv_width), 0.0f);
    }
  } catch (const std::bad_alloc&) {
    fail(ErrorCode::kOutOfMemory, "KV cache of " + std::to_string(n_ctx) + " positions does not fit in memory");
  }
}

void KvCache::set_n_past(int32_t n) {
  if (n < 0 || n > n_ctx_) fail(ErrorCode::kInvalidArgument, "KV cache position " + std::to_string(n) + " is out of range");
  n_past_ = n;
}

}  // namespace hearth
