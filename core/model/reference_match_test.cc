// The CPU forward pass against the independent float64 reference (tests/support/reference_model),
// for every tiny architecture preset and every weight type the generator writes: a prefill, then
// single-token decode steps through the KV cache.
#include <gtest/gtest.h>

#include <cmath>

#include "core/model/cpu_executor.h"
#include "core/synth/synthetic_model.h"
#include "tests/support/reference_model.h"

namespace hearth {
namespace {

struct Case {
  std::string preset;
  std::string type;
};

std::vector<uint8_t> generate(const std::string& preset, const std::string& type) {
  SynthOptions opts;
  opts.preset = preset;
  opts.type = type;
  opts.n_threads = 1;
  std::vector<uint8_t> bytes;
  write_synthetic_model(opts, [&](const uint8_t* d, size_t n) { bytes.insert(bytes.end(), d, d + n); });
  return bytes;
}

// Prefill 12 tokens (all logits), then up to 8 decode steps; every position's logits checked.
void expect_matches_reference(const std::string& preset, const std::string& type, int32_t n_ctx, double tolerance) {
  std::vector<uint8_t> bytes = generate(preset, type);
  ModelOptions options;
  options.n_ctx = n_ctx;
  auto model = Model::load(bytes, options);
  const int32_t V = model->config().n_vocab;
  std::vector<int32_t> tokens;
  const int n_tokens = n_ctx > 0 ? std::min(20, n_ctx) : 20;
  for (int k = 0; k < n_tokens; ++k) tokens.push_back(int32_t((k * 97 + 13) % V));

  CpuExecutor exec(*model, 2);
  std::vector<float> got = exec.eval(std::span<const int32_t>(tokens.data(), 12), /*all_logits=*/true);
  for (size_t k = 12; k < tokens.size(); ++k) {
    std::vector<float> step = exec.eval(std::span<const int32_t>(&tokens[k], 1));
    got.insert(got.end(), step.begin(), step.end());
  }
  std::vector<double> want = reference_logits(model->file(), tokens, model->n_ctx());
  ASSERT_EQ(got.size(), want.size());

  // Relative error per position: max |got - want| over the row / max |want| over the row.
  double worst = 0.0;
  for (size_t t = 0; t < tokens.size(); ++t) {
    double max_diff = 0.0, max_ref = 0.0;
    for (int32_t k = 0; k < V; ++k) {
      const size_t i = t * size_t(V) + size_t(k);
      ASSERT_TRUE(std::isfinite(got[i])) << preset << " " << type << " pos " << t;
      max_diff = std::max(max_diff, std::abs(double(got[i]) - want[i]));
      max_ref = std::max(max_ref, std::abs(want[i]));
    }
    ASSERT_GT(max_ref, 1e-3) << "degenerate logits for " << preset << " " << type;
    worst = std::max(worst, max_diff / max_ref);
  }
  EXPECT_LT(worst, tolerance) << preset << " " << type;
  ::testing::Test::RecordProperty(preset + "/" + type, std::to_string(worst));
}

const std::vector<std::string> kPresets = {"tiny-llama", "tiny-qwen2", "tiny-qwen3", "tiny-phi3", "tiny-gemma2", "tiny-gemma3"};

class EveryPreset : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryPreset, F32WeightsMatchFloat64Reference) { expect_matches_reference(GetParam(), "f32", 0, 1e-4); }

// Quantized weights: the reference dequantizes the same bytes, so the only difference left is the
// f32 rounding of the activation path; the same bound holds.
TEST_P(EveryPreset, EveryWeightTypeMatchesItsDequantizedReference) {
  for (const char* type : {"f16", "bf16", "q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q2_k", "q3_k", "q4_k", "q5_k", "q6_k",
                           "q4_k_m", "q5_k_m"}) {
    SCOPED_TRACE(type);
    expect_matches_reference(GetParam(), type, 0, 1e-4);
  }
}

INSTANTIATE_TEST_SUITE_P(Tiny, EveryPreset, ::testing::ValuesIn(kPresets),
                         [](const auto& info) { return std::string(info.param).substr(5); });

// phi3 switches to its long rope factors when the run's context exceeds the original context.
TEST(Phi3, LongRopeFactorsAboveOriginalContext) {
  expect_matches_reference("tiny-phi3", "f32", 16, 1e-4);  // = original context: short factors
  expect_matches_reference("tiny-phi3", "f32", 64, 1e-4);  // above it: long factors
  // and the two really differ (both implementations could otherwise ignore the switch alike)
  std::vector<uint8_t> bytes = generate("tiny-phi3", "f32");
  std::vector<int32_t> tokens = {5, 77, 300, 12, 9, 150, 42, 8};
  std::vector<float> logits[2];
  int32_t contexts[2] = {16, 64};
  for (int k = 0; k < 2; ++k) {
    ModelOptions options;
    options.n_ctx = contexts[k];
    auto model = Model::load(bytes, options);
    CpuExecutor exec(*model, 1);
    logits[k] = exec.eval(tokens);
  }
  double diff = 0.0;
  for (size_t i = 0; i < logits[0].size(); ++i) diff = std::max(diff, double(std::abs(logits[0][i] - logits[1][i])));
  EXPECT_GT(diff, 1e-3);
}

}  // namespace
}  // namespace hearth
