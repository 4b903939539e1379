// Sampler::sample_bounded (the GPU's full-vocabulary draw from K candidates plus a tail weight):
// whenever it decides, it returns what sample() over all logits returns, with the same random
// stream; when it does not, nothing is consumed and sample() continues the stream.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

#include "core/sampling/sampler.h"

namespace hearth {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

struct Case {
  float temperature, top_p, min_p;
};

// The GPU's view of one step: the K best tokens with their raw logits, and the other tokens'
// weight off by up to 0.9 of the stated error (penalties: repetition_penalty 1 here, as the tail
// sum below uses the raw logits).
void run_case(const Case& k, int steps, int* decided_out) {
  const int32_t V = 2000;
  const size_t K = 128;
  SamplingParams p;
  p.temperature = k.temperature;
  p.top_p = k.top_p;
  p.min_p = k.min_p;
  p.seed = 77;
  Sampler reference(p, V), bounded(p, V);
  std::mt19937 gen(123);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  int decided = 0;
  for (int step = 0; step < steps; ++step) {
    std::vector<float> logits(static_cast<size_t>(V));
    for (float& l : logits) l = normal(gen);
    for (int32_t t = 0; t < V; t += 97) logits[size_t(t)] = kNegInf;
    const int32_t want = reference.sample(logits);
    const std::vector<float>& adjusted = logits;
    std::vector<int32_t> order(static_cast<size_t>(V));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
      return adjusted[size_t(a)] > adjusted[size_t(b)] || (adjusted[size_t(a)] == adjusted[size_t(b)] && a < b);
    });
    std::vector<float> dense(static_cast<size_t>(V), kNegInf);
    for (size_t i = 0; i < K; ++i) dense[size_t(order[i])] = logits[size_t(order[i])];
    const float max_logit = adjusted[size_t(order[0])];
    double tail = 0.0;
    for (size_t i = K; i < size_t(V); ++i) tail += std::exp((double(adjusted[size_t(order[i])]) - max_logit) / k.temperature);
    const double error = 1e-2;
    const double estimate = tail * (step % 2 ? 1.0 + 0.9 * error : 1.0 - 0.9 * error);  // an estimate off by 0.9 error
    std::optional<int32_t> got = bounded.sample_bounded(dense, estimate, error);
    if (got) {
      ++decided;
      EXPECT_EQ(*got, want) << "step " << step;
    } else {
      EXPECT_EQ(bounded.sample(logits), want) << "step " << step << " (undecided, then all logits)";
    }
    reference.accept(want);
    bounded.accept(want);
  }
  *decided_out = decided;
}

TEST(SamplerBounded, DecidesAsTheFullSampleOrLeavesTheStreamUntouched) {
  const Case cases[] = {
      {1.0f, 1.0f, 0.0f},   // plain temperature: the tail matters
      {0.7f, 0.9f, 0.0f},   // top-p
      {1.3f, 1.0f, 0.05f},  // min-p
      {0.8f, 0.95f, 0.05f}, // both
      {2.5f, 1.0f, 0.0f},   // a hot, flat distribution: the tail holds most of the mass
  };
  for (const Case& c : cases) {
    int decided = 0;
    run_case(c, 300, &decided);
    EXPECT_GT(decided, 0) << "temperature " << c.temperature << " top_p " << c.top_p << " min_p " << c.min_p;
  }
}

TEST(SamplerBounded, GreedyAndEmptyTailAreExact) {
  SamplingParams p;
  p.temperature = 0.0f;
  Sampler s(p, 4);
  EXPECT_EQ(s.sample_bounded(std::vector<float>{kNegInf, 2.0f, 2.0f, kNegInf}, 123.0, 0.5), 1);
  p.temperature = 1.0f;
  p.seed = 5;
  Sampler a(p, 4), b(p, 4);
  const std::vector<float> all = {0.5f, 1.0f, -1.0f, 0.25f};
  for (int i = 0; i < 50; ++i) EXPECT_EQ(a.sample_bounded(all, 0.0, 0.01), b.sample(all));  // every token a candidate
}

}  // namespace
}  // namespace hearth
