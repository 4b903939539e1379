// vec_dot (SIMD where built) and vec_dot_scalar against the plain dot product of the dequantized
// row, computed in double: they must agree up to f32 summation rounding.
#include "core/tensor/vec_dot.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "core/tensor/dequantize.h"
#include "core/tensor/quantize.h"
#include "core/util/error.h"
#include "core/util/half.h"

namespace hearth {
namespace {

constexpr GgmlType kTypes[] = {GgmlType::F32,  GgmlType::F16,  GgmlType::BF16, GgmlType::Q4_0, GgmlType::Q4_1,
                               GgmlType::Q5_0, GgmlType::Q5_1, GgmlType::Q8_0, GgmlType::Q2_K, GgmlType::Q3_K,
                               GgmlType::Q4_K, GgmlType::Q5_K, GgmlType::Q6_K};

std::vector<float> gaussian(int64_t n, std::mt19937& rng) {
  std::normal_distribution<float> dist(0.f, 1.f);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = dist(rng);
  return v;
}

// Offsets of the f16 scale fields in each block, so random bytes can be given finite scales.
std::vector<int> half_fields(GgmlType t) {
  switch (t) {
    case GgmlType::Q4_1: case GgmlType::Q5_1: case GgmlType::Q4_K: case GgmlType::Q5_K: return {0, 2};
    case GgmlType::Q4_0: case GgmlType::Q5_0: case GgmlType::Q8_0: return {0};
    case GgmlType::Q2_K: return {80, 82};
    case GgmlType::Q3_K: return {108};
    case GgmlType::Q6_K: return {208};
    default: return {};
  }
}

// A row of random bytes (every bit pattern of the quants), scales set to finite values in [-2, 2].
std::vector<uint8_t> random_row(GgmlType t, int64_t n, std::mt19937& rng) {
  const GgmlTypeInfo info = ggml_type_info(t);
  std::vector<uint8_t> row(ggml_row_bytes(t, uint64_t(n)));
  std::uniform_real_distribution<float> u(-2.f, 2.f);
  if (info.block_size == 1) {  // plain float types: quantize random values instead
    const auto x = gaussian(n, rng);
    quantize_row(t, x.data(), row.data(), n);
    return row;
  }
  for (auto& b : row) b = uint8_t(rng());
  for (size_t blk = 0; blk < row.size(); blk += info.block_bytes)
    for (int off : half_fields(t)) {
      const uint16_t h = f32_to_f16(u(rng));
      std::memcpy(&row[blk + off], &h, 2);
    }
  return row;
}

struct Reference {
  double dot;
  double abs_sum;  // sum |w * x|, the scale of the rounding error
};

Reference reference(GgmlType t, const std::vector<uint8_t>& row, const std::vector<float>& x) {
  std::vector<float> w(x.size());
  dequantize_row(t, row.data(), w.data(), int64_t(x.size()));
  Reference r{0, 0};
  for (size_t i = 0; i < x.size(); ++i) r.dot += double(w[i]) * x[i], r.abs_sum += std::fabs(double(w[i]) * x[i]);
  return r;
}

void check_type(GgmlType t, bool random_bytes) {
  std::mt19937 rng(42 + uint32_t(t));
  const int64_t bs = ggml_type_info(t).block_size;
  std::vector<int64_t> lengths = {bs, 2 * bs, 3 * bs, 7 * bs, 4096};
  if (bs == 1) lengths.insert(lengths.end(), {5, 8, 31, 33, 100, 1000});
  for (int64_t n : lengths) {
    if (n % bs) continue;
    const auto x = gaussian(n, rng);
    std::vector<uint8_t> row;
    if (random_bytes) {
      row = random_row(t, n, rng);
    } else {
      const auto w = gaussian(n, rng);
      row.resize(ggml_row_bytes(t, uint64_t(n)));
      quantize_row(t, w.data(), row.data(), n);
    }
    const Reference ref = reference(t, row, x);
    const double tol = 1e-5 * ref.abs_sum + 1e-30;
    EXPECT_NEAR(vec_dot(t, row.data(), x.data(), n), ref.dot, tol) << ggml_type_name(t) << " n=" << n;
    EXPECT_NEAR(vec_dot_scalar(t, row.data(), x.data(), n), ref.dot, tol) << ggml_type_name(t) << " n=" << n;
  }
}

TEST(VecDot, MatchesDequantizedDotOnQuantizedData) {
  for (GgmlType t : kTypes) check_type(t, false);
}

TEST(VecDot, MatchesDequantizedDotOnRandomBytes) {
  for (GgmlType t : kTypes) check_type(t, true);
}

TEST(VecDot, DotF32) {
  std::mt19937 rng(5);
  for (int64_t n : {0, 1, 7, 8, 9, 31, 32, 33, 257, 4096}) {
    const auto a = gaussian(n, rng), b = gaussian(n, rng);
    double want = 0, abs_sum = 0;
    for (int64_t i = 0; i < n; ++i) want += double(a[i]) * b[i], abs_sum += std::fabs(double(a[i]) * b[i]);
    EXPECT_NEAR(dot_f32(a.data(), b.data(), n), want, 1e-6 * abs_sum + 1e-30) << n;
  }
}

TEST(VecDot, HandWorkedQ4_0) {
  // one block: d = 0.5, all nibbles 8 (-> 0) except x[0] = (15-8)*0.5 = 3.5 and x[16] = (1-8)*0.5 = -3.5
  uint8_t blk[18];
  const uint16_t d = 0x3800;
  std::memcpy(blk, &d, 2);
  std::memset(blk + 2, 0x88, 16);
  blk[2] = 0x1F;
  std::vector<float> x(32, 1.f);
  x[0] = 2.f, x[16] = 4.f;  // 3.5 * 2 + -3.5 * 4 = -7
  EXPECT_FLOAT_EQ(vec_dot(GgmlType::Q4_0, blk, x.data(), 32), -7.f);
  EXPECT_FLOAT_EQ(vec_dot_scalar(GgmlType::Q4_0, blk, x.data(), 32), -7.f);
}

TEST(VecDot, PathsAreAsBuilt) {
#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
  for (GgmlType t : {GgmlType::F32, GgmlType::F16, GgmlType::BF16, GgmlType::Q4_0, GgmlType::Q8_0, GgmlType::Q4_K, GgmlType::Q5_K,
                     GgmlType::Q6_K})
    EXPECT_STREQ(vec_dot_path(t), "avx2") << ggml_type_name(t);
  EXPECT_STREQ(vec_dot_path(GgmlType::Q3_K), "avx2-dequant");
#elif defined(__wasm_simd128__)
  for (GgmlType t : {GgmlType::F32, GgmlType::F16, GgmlType::BF16, GgmlType::Q4_0, GgmlType::Q8_0, GgmlType::Q4_K, GgmlType::Q5_K,
                     GgmlType::Q6_K})
    EXPECT_STREQ(vec_dot_path(t), "simd128") << ggml_type_name(t);
  EXPECT_STREQ(vec_dot_path(GgmlType::Q3_K), "simd128-dequant");
#else
  EXPECT_STREQ(vec_dot_path(GgmlType::Q4_0), "scalar");
#endif
}

TEST(VecDot, UnsupportedTypeNamesIt) {
  std::vector<uint8_t> row(2048);
  std::vector<float> x(256, 1.f);
  for (uint32_t id : {9u, 15u, 16u, 25u, 99u}) {
    for (auto fn : {&vec_dot, &vec_dot_scalar}) {
      try {
        fn(static_cast<GgmlType>(id), row.data(), x.data(), 256);
        FAIL() << "type " << id << " accepted";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
        EXPECT_NE(std::string(e.what()).find(ggml_type_info(id).name), std::string::npos) << e.what();
      }
    }
  }
}

}  // namespace
}  // namespace hearth
