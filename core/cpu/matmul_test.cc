#include "core/cpu/matmul.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "core/tensor/dequantize.h"
#include "core/tensor/quantize.h"

namespace hearth {
namespace {

// matmul against a double-precision product of the dequantized weights, for batch sizes that hit
// the decode path, full 4×3 tiles and every remainder, with row counts that leave partial tiles.
void check(GgmlType type, int64_t n_in, int64_t n_out, int threads) {
  std::mt19937 rng(7);
  std::normal_distribution<float> nd(0.0f, 1.0f);
  std::vector<float> wf(size_t(n_in * n_out));
  for (auto& v : wf) v = nd(rng);
  const uint64_t row_bytes = ggml_row_bytes(type, uint64_t(n_in));
  std::vector<uint8_t> wq(row_bytes * uint64_t(n_out));
  for (int64_t j = 0; j < n_out; ++j) quantize_row(type, wf.data() + j * n_in, wq.data() + uint64_t(j) * row_bytes, n_in);
  std::vector<float> deq(wf.size());
  for (int64_t j = 0; j < n_out; ++j) dequantize_row(type, wq.data() + uint64_t(j) * row_bytes, deq.data() + j * n_in, n_in);

  ThreadPool pool(threads);
  for (int64_t T : {1, 2, 3, 4, 7, 9}) {
    std::vector<float> x(size_t(T * n_in));
    for (auto& v : x) v = nd(rng);
    std::vector<float> y(size_t(T * n_out), NAN);
    matmul({type, wq.data(), n_in, n_out}, x.data(), T, y.data(), pool);
    for (int64_t t = 0; t < T; ++t)
      for (int64_t j = 0; j < n_out; ++j) {
        double want = 0.0, mag = 0.0;
        for (int64_t k = 0; k < n_in; ++k) {
          want += double(deq[size_t(j * n_in + k)]) * x[size_t(t * n_in + k)];
          mag += std::abs(double(deq[size_t(j * n_in + k)]) * x[size_t(t * n_in + k)]);
        }
        ASSERT_NEAR(y[size_t(t * n_out + j)], want, 1e-5 * mag + 1e-6) << ggml_type_name(type) << " T=" << T << " j=" << j;
      }
  }
}

TEST(Matmul, F32MatchesDoubleProduct) { check(GgmlType::F32, 40, 11, 2); }
TEST(Matmul, F32OddRowLength) { check(GgmlType::F32, 37, 6, 1); }
TEST(Matmul, Q4_0MatchesDequantizedProduct) { check(GgmlType::Q4_0, 256, 13, 2); }
TEST(Matmul, Q6_KMatchesDequantizedProduct) { check(GgmlType::Q6_K, 512, 9, 2); }

}  // namespace
}  // namespace hearth
