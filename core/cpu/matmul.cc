#include "core/cpu/matmul.h"

#include <algorithm>
#include <vector>

#include "core/tensor/dequantize.h"
#include "core/tensor/vec_dot.h"

namespace hearth {
namespace {

// Rows dequantized at a time when T > 1: their f32 copy stays in cache while every activation row
// streams past it, so dequantization is paid once per weight row, not once per token.
constexpr int64_t kRowTile = 8;

}  // namespace

void matmul(const WeightMatrix& w, const float* x, int64_t T, float* y, ThreadPool& pool) {
  const uint64_t row_bytes = ggml_row_bytes(w.type, uint64_t(w.n_in));
  if (T == 1) {  // decode: fused dequantize-dot straight from the quantized bytes (memory bound)
    pool.parallel_for(w.n_out, 16, [&](int64_t begin, int64_t end, int) {
      for (int64_t j = begin; j < end; ++j) y[j] = vec_dot(w.type, w.data + uint64_t(j) * row_bytes, x, w.n_in);
    });
    return;
  }
  pool.parallel_for(w.n_out, kRowTile, [&](int64_t begin, int64_t end, int) {
    thread_local std::vector<float> tile;
    tile.resize(size_t(kRowTile * w.n_in));
    for (int64_t j0 = begin; j0 < end; j0 += kRowTile) {
      const int64_t rows = std::min(kRowTile, end - j0);
      const float* rowp[kRowTile];
      for (int64_t r = 0; r < rows; ++r) {
        const uint8_t* src = w.data + uint64_t(j0 + r) * row_bytes;
        if (w.type == GgmlType::F32) {
          rowp[r] = reinterpret_cast<const float*>(src);
        } else {
          dequantize_row(w.type, src, tile.data() + r * w.n_in, w.n_in);
          rowp[r] = tile.data() + r * w.n_in;
        }
      }
      for (int64_t t = 0; t < T; ++t) {
        const float* xt = x + t * w.n_in;
        float* yt = y + t * w.n_out + j0;
        for (int64_t r = 0; r < rows; ++r) yt[r] = dot_f32(rowp[r], xt, w.n_in);
      }
    }
  });
}

}  // namespace hearth
