// Sampler::sample_sparse / sample_bounded_sparse (the GPU's candidates without a vocabulary-sized
// vector): the same tokens, random stream and log-probabilities as sample() / sample_bounded() over
// the dense vector that holds the candidates' logits and -inf elsewhere, through penalties (the
// window's tokens inside and outside the candidates), logit bias and bans, every sampling mode,
// and sparse and dense calls interleaved on one sampler (the entries a sparse call wrote are reset).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <array>
#include <numeric>
#include <random>
#include <vector>

#include "core/sampling/sampler.h"
#include "core/util/error.h"

namespace hearth {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

struct Mode {
  float temperature;
  int32_t top_k;
  float top_p, min_p;
  int32_t top_logprobs;
};

TEST(SamplerSparse, SameTokensStreamAndLogprobsAsTheDenseVector) {
  const int32_t V = 3000;
  const Mode modes[] = {{0.0f, 0, 1.0f, 0.0f, 0}, {0.8f, 40, 1.0f, 0.0f, 3}, {1.0f, 0, 1.0f, 0.0f, 5},
                        {0.7f, 0, 0.9f, 0.05f, 0}, {1.2f, 20, 0.95f, 0.0f, 2}};
  for (const Mode& m : modes) {
    SamplingParams p;
    p.temperature = m.temperature;
    p.top_k = m.top_k;
    p.top_p = m.top_p;
    p.min_p = m.min_p;
    p.top_logprobs = m.top_logprobs;
    p.seed = 9;
    p.repetition_penalty = 1.3f;
    p.frequency_penalty = 0.2f;
    p.presence_penalty = 0.1f;
    p.penalty_last_n = 16;
    p.logit_bias = {{5, 2.5f}, {17, -100.0f}, {2999, -1.0f}};
    Sampler dense(p, V), sparse(p, V);
    std::mt19937 gen(42);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    std::uniform_int_distribution<int32_t> any(0, V - 1);
    for (int step = 0; step < 200; ++step) {
      // 128 distinct candidates, some of them biased or banned tokens, in no particular order
      std::vector<int32_t> ids;
      while (ids.size() < 128) {
        const int32_t t = step % 3 == 0 && ids.size() < 3 ? std::array<int32_t, 3>{5, 17, 2999}[ids.size()] : any(gen);
        if (std::find(ids.begin(), ids.end(), t) == ids.end()) ids.push_back(t);
      }
      std::vector<float> logits(ids.size());
      for (float& l : logits) l = normal(gen);
      std::vector<float> all(static_cast<size_t>(V), kNegInf);
      for (size_t i = 0; i < ids.size(); ++i) all[size_t(ids[i])] = logits[i];
      const int32_t want = dense.sample(all);
      // every fourth step the second sampler also goes through the dense path
      const int32_t got = step % 4 == 3 ? sparse.sample(all) : sparse.sample_sparse(ids, logits);
      ASSERT_EQ(got, want) << "temperature " << m.temperature << " top_k " << m.top_k << " step " << step;
      EXPECT_EQ(sparse.last_logprob(), dense.last_logprob());
      ASSERT_EQ(sparse.last_top_logprobs().size(), dense.last_top_logprobs().size());
      for (size_t i = 0; i < dense.last_top_logprobs().size(); ++i) {
        EXPECT_EQ(sparse.last_top_logprobs()[i].token, dense.last_top_logprobs()[i].token);
        EXPECT_EQ(sparse.last_top_logprobs()[i].logprob, dense.last_top_logprobs()[i].logprob);
      }
      // the history mixes sampled tokens and others (the penalty window reaches outside the candidates)
      const int32_t accepted = step % 5 == 0 ? any(gen) : want;
      dense.accept(accepted);
      sparse.accept(accepted);
    }
  }
}

TEST(SamplerSparse, BoundedDecidesAsTheDenseBounded) {
  const int32_t V = 2000;
  SamplingParams p;
  p.temperature = 0.9f;
  p.top_p = 0.95f;
  p.seed = 3;
  Sampler dense(p, V), sparse(p, V);
  std::mt19937 gen(7);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  for (int step = 0; step < 200; ++step) {
    std::vector<int32_t> ids(128);
    std::iota(ids.begin(), ids.end(), step * 7 % (V - 128));
    std::shuffle(ids.begin(), ids.end(), gen);
    std::vector<float> logits(ids.size());
    for (float& l : logits) l = normal(gen);
    std::vector<float> all(static_cast<size_t>(V), kNegInf);
    for (size_t i = 0; i < ids.size(); ++i) all[size_t(ids[i])] = logits[i];
    const double tail = step % 2 ? 0.0 : 0.5 * (step % 7);
    const std::optional<int32_t> want = dense.sample_bounded(all, tail, 1e-2);
    const std::optional<int32_t> got = sparse.sample_bounded_sparse(ids, logits, tail, 1e-2);
    ASSERT_EQ(got, want) << "step " << step;
    if (!want) {
      ASSERT_EQ(sparse.sample(all), dense.sample(all));  // the undecided step, from all logits
    }
  }
}

TEST(SamplerSparse, RejectsWhatTheDenseVectorWould) {
  SamplingParams p;
  p.temperature = 0.0f;
  Sampler s(p, 10);
  const std::vector<int32_t> ids = {1, 12};
  const std::vector<float> logits = {0.5f, 1.0f};
  EXPECT_THROW(s.sample_sparse(ids, logits), Error);  // outside the vocabulary
  EXPECT_THROW(s.sample_sparse(std::vector<int32_t>{1, 2}, std::vector<float>{0.5f, std::nanf("")}), Error);
  EXPECT_THROW(s.sample_sparse(std::vector<int32_t>{1}, std::vector<float>{kNegInf}), Error);  // nothing finite
  EXPECT_EQ(s.sample_sparse(std::vector<int32_t>{3, 1}, std::vector<float>{2.0f, 2.0f}), 1);  // ties to the lowest id
}

}  // namespace
}  // namespace hearth
