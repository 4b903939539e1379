// Quantize -> dequantize round trips on random data, with per-type error bounds a little above
// what ggml's reference quantizers achieve on Gaussian data, plus exact small cases.
#include "core/tensor/quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "core/tensor/dequantize.h"
#include "core/tensor/quant_blocks.h"
#include "core/util/error.h"

namespace hearth {
namespace {

std::vector<float> gaussian(int64_t n, uint32_t seed, float scale = 1.f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.f, scale);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = dist(rng);
  return v;
}

std::vector<float> round_trip(GgmlType t, const std::vector<float>& x) {
  const int64_t n = int64_t(x.size());
  std::vector<uint8_t> q(ggml_row_bytes(t, uint64_t(n)));
  quantize_row(t, x.data(), q.data(), n);
  std::vector<float> y(x.size());
  dequantize_row(t, q.data(), y.data(), n);
  return y;
}

double rel_rms(const std::vector<float>& x, const std::vector<float>& y) {
  double e = 0, s = 0;
  for (size_t i = 0; i < x.size(); ++i) e += double(x[i] - y[i]) * (x[i] - y[i]), s += double(x[i]) * x[i];
  return std::sqrt(e / s);
}

struct Bound {
  GgmlType type;
  double max_rel_rms;
};

// measured on N(0,1) x 8192 with these quantizers (f16 2.1e-4, bf16 1.7e-3, q8_0 .0054, q6_K .0177,
// q5_1 .0377, q5_0 .0429, q5_K .0361, q4_1 .0786, q4_0 .0873, q4_K .0721, q3_K .153, q2_K .297),
// bounds ~15% above
constexpr Bound kBounds[] = {
    {GgmlType::F32, 0.0},      {GgmlType::F16, 2.5e-4},   {GgmlType::BF16, 2e-3},
    {GgmlType::Q8_0, 0.0063},  {GgmlType::Q6_K, 0.0205},  {GgmlType::Q5_1, 0.0435},
    {GgmlType::Q5_0, 0.049},   {GgmlType::Q5_K, 0.0415},  {GgmlType::Q4_1, 0.09},
    {GgmlType::Q4_0, 0.1},     {GgmlType::Q4_K, 0.083},   {GgmlType::Q3_K, 0.176},
    {GgmlType::Q2_K, 0.342},
};

TEST(Quantize, RoundTripErrorBounds) {
  const auto x = gaussian(8192, 1234);
  for (const auto& b : kBounds) {
    const double err = rel_rms(x, round_trip(b.type, x));
    EXPECT_LE(err, b.max_rel_rms) << ggml_type_name(b.type);
    // the bound must be meaningful: a quantizer that drops everything would score 1.0
    if (b.type != GgmlType::F32) {
      EXPECT_GT(err, 0.0) << ggml_type_name(b.type);
    }
  }
}

TEST(Quantize, KQuantSearchBeatsPlainRounding) {
  // the K-quant scale searches must do better than the legacy types of the same bit width
  const auto x = gaussian(4096, 99);
  EXPECT_LT(rel_rms(x, round_trip(GgmlType::Q4_K, x)), rel_rms(x, round_trip(GgmlType::Q4_0, x)));
  EXPECT_LT(rel_rms(x, round_trip(GgmlType::Q5_K, x)), rel_rms(x, round_trip(GgmlType::Q5_0, x)));
  EXPECT_LT(rel_rms(x, round_trip(GgmlType::Q6_K, x)), 0.5 * rel_rms(x, round_trip(GgmlType::Q5_K, x)));
}

TEST(Quantize, ScaleInvariantAndHandlesOffsets) {
  // tiny and large magnitudes and a constant offset (exercises the min of Q4_1/Q5_1/K-quants)
  for (float scale : {1e-3f, 50.f}) {
    auto x = gaussian(1024, 7, scale);
    for (auto& v : x) v += 2 * scale;
    for (const auto& b : kBounds) {
      if (b.type == GgmlType::F16 || b.type == GgmlType::BF16 || b.type == GgmlType::F32) continue;
      // symmetric types lose resolution to the offset; allow 2x the Gaussian bound
      EXPECT_LE(rel_rms(x, round_trip(b.type, x)), 2 * b.max_rel_rms) << ggml_type_name(b.type) << " scale " << scale;
    }
  }
}

TEST(Quantize, ZerosStayZero) {
  const std::vector<float> x(512, 0.f);
  for (const auto& b : kBounds) {
    for (float v : round_trip(b.type, x)) ASSERT_EQ(v, 0.f) << ggml_type_name(b.type);
  }
}

TEST(Quantize, Q8_0ExactOnGrid) {
  // amax 127 -> d = 1, every integer in [-127, 127] reproduces exactly
  std::vector<float> x(32);
  for (int i = 0; i < 32; ++i) x[i] = float(i * 8 - 127);
  x[31] = 127;
  block_q8_0 b;
  quantize_row(GgmlType::Q8_0, x.data(), &b, 32);
  EXPECT_EQ(b.d, 0x3C00);  // 1.0
  EXPECT_EQ(b.qs[0], -127);
  EXPECT_EQ(b.qs[1], -119);
  EXPECT_EQ(round_trip(GgmlType::Q8_0, x), x);
}

TEST(Quantize, Q4_0MatchesGgmlRule) {
  // max |x| = -16 (negative) -> d = -16 / -8 = 2; q = int(x / d + 8.5) capped at 15
  std::vector<float> x(32, 0.f);
  x[0] = -16, x[1] = 14, x[16] = 1, x[17] = 3.1f;
  block_q4_0 b;
  quantize_row(GgmlType::Q4_0, x.data(), &b, 32);
  EXPECT_EQ(b.d, 0x4000);             // 2.0
  EXPECT_EQ(b.qs[0], 0x90);           // low 0 (x[0]), high 9 (x[16] = 1: int(0.5 + 8.5) = 9)
  EXPECT_EQ(b.qs[1], 0xAF);           // low 15 (x[1] = 14: int(7 + 8.5)), high 10 (x[17]: int(1.55 + 8.5))
}

TEST(Quantize, UnsupportedTypeNamesIt) {
  std::vector<float> x(256, 1.f);
  std::vector<uint8_t> out(1024);
  for (uint32_t id : {9u, 15u, 23u, 27u, 99u}) {
    try {
      quantize_row(static_cast<GgmlType>(id), x.data(), out.data(), 256);
      FAIL() << "type " << id << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
      EXPECT_NE(std::string(e.what()).find(ggml_type_info(id).name), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace hearth
