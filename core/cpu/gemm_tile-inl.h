// The f32 micro-kernel of batched matmul (prefill): a tile of 4 weight rows × 3 activation rows in
// 12 AVX2 accumulators, so each 8-float step does 7 loads for 12 FMAs instead of 2 loads per FMA
// as separate dot products would (those are load-bound). Without AVX2 it falls back to dot_f32.
#pragma once

#include <cstdint>

#include "core/tensor/vec_dot.h"

#ifdef __AVX2__
#include <immintrin.h>
#endif

namespace hearth {

constexpr int kTileRows = 4;    // weight rows per tile
constexpr int kTileTokens = 3;  // activation rows per tile

// y[t * y_stride + r] = dot(w[r], x[t]) for r < kTileRows, t < kTileTokens; rows of length n.
inline void gemm_tile_4x3(const float* const* w, const float* const* x, int64_t n, float* y, int64_t y_stride) {
#ifdef __AVX2__
  if (n % 8 == 0) {
    __m256 acc[kTileTokens][kTileRows];
    for (auto& row : acc)
      for (auto& a : row) a = _mm256_setzero_ps();
    for (int64_t k = 0; k < n; k += 8) {
      const __m256 w0 = _mm256_loadu_ps(w[0] + k), w1 = _mm256_loadu_ps(w[1] + k);
      const __m256 w2 = _mm256_loadu_ps(w[2] + k), w3 = _mm256_loadu_ps(w[3] + k);
      for (int t = 0; t < kTileTokens; ++t) {
        const __m256 xv = _mm256_loadu_ps(x[t] + k);
        acc[t][0] = _mm256_fmadd_ps(w0, xv, acc[t][0]);
        acc[t][1] = _mm256_fmadd_ps(w1, xv, acc[t][1]);
        acc[t][2] = _mm256_fmadd_ps(w2, xv, acc[t][2]);
        acc[t][3] = _mm256_fmadd_ps(w3, xv, acc[t][3]);
      }
    }
    for (int t = 0; t < kTileTokens; ++t)
      for (int r = 0; r < kTileRows; ++r) {
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(acc[t][r]), _mm256_extractf128_ps(acc[t][r], 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_movehdup_ps(s));
        y[t * y_stride + r] = _mm_cvtss_f32(s);
      }
    return;
  }
#endif
  for (int t = 0; t < kTileTokens; ++t)
    for (int r = 0; r < kTileRows; ++r) y[t * y_stride + r] = dot_f32(w[r], x[t], n);
}

}  // namespace hearth
