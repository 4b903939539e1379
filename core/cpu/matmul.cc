#include "core/cpu/matmul.h"

#include <algorithm>
#include <vector>

#include "core/cpu/gemm_tile-inl.h"
#include "core/tensor/dequantize.h"
#include "core/tensor/vec_dot.h"

namespace hearth {

void matmul(const WeightMatrix& w, const float* x, int64_t T, float* y, ThreadPool& pool) {
  const uint64_t row_bytes = ggml_row_bytes(w.type, uint64_t(w.n_in));
  if (T == 1) {  // decode: fused dequantize-dot straight from the quantized bytes (memory bound)
    pool.parallel_for(w.n_out, 16, [&](int64_t begin, int64_t end, int) {
      for (int64_t j = begin; j < end; ++j) y[j] = vec_dot(w.type, w.data + uint64_t(j) * row_bytes, x, w.n_in);
    });
    return;
  }
  // Prefill: each tile of weight rows is dequantized once into f32 (kept in cache) and multiplied
  // with every activation row, kTileTokens at a time.
  pool.parallel_for(w.n_out, kTileRows, [&](int64_t begin, int64_t end, int) {
    thread_local std::vector<float> tile;
    tile.resize(size_t(kTileRows * w.n_in));
    for (int64_t j0 = begin; j0 < end; j0 += kTileRows) {
      const int64_t rows = std::min<int64_t>(kTileRows, end - j0);
      const float* rowp[kTileRows];
      for (int64_t r = 0; r < rows; ++r) {
        const uint8_t* src = w.data + uint64_t(j0 + r) * row_bytes;
        if (w.type == GgmlType::F32) {
          rowp[r] = reinterpret_cast<const float*>(src);
        } else {
          dequantize_row(w.type, src, tile.data() + r * w.n_in, w.n_in);
          rowp[r] = tile.data() + r * w.n_in;
        }
      }
      int64_t t = 0;
      if (rows == kTileRows) {
        for (; t + kTileTokens <= T; t += kTileTokens) {
          const float* xp[kTileTokens];
          for (int k = 0; k < kTileTokens; ++k) xp[k] = x + (t + k) * w.n_in;
          gemm_tile_4x3(rowp, xp, w.n_in, y + t * w.n_out + j0, w.n_out);
        }
      }
      for (; t < T; ++t) {
        const float* xt = x + t * w.n_in;
        float* yt = y + t * w.n_out + j0;
        for (int64_t r = 0; r < rows; ++r) yt[r] = dot_f32(rowp[r], xt, w.n_in);
      }
    }
  });
}

}  // namespace hearth
