#include "core/sampling/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/util/error.h"

namespace hearth {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Logits whose softmax is exactly proportional to `weights`.
std::vector<float> logits_for(const std::vector<double>& weights) {
  std::vector<float> out;
  for (double w : weights) out.push_back(w > 0 ? static_cast<float>(std::log(w)) : kNegInf);
  return out;
}

std::vector<int> histogram(Sampler& s, const std::vector<float>& logits, int draws) {
  std::vector<int> counts(logits.size(), 0);
  for (int i = 0; i < draws; ++i) ++counts[static_cast<size_t>(s.sample(logits))];
  return counts;
}

// Tokens with expected probability 0 must never appear; the others must be within 5 standard
// deviations of their expectation. The seed is fixed, so this is deterministic, not flaky.
void expect_frequencies(const std::vector<int>& counts, std::vector<double> expected) {
  double total = 0;
  for (double p : expected) total += p;
  int draws = 0;
  for (int c : counts) draws += c;
  for (size_t t = 0; t < counts.size(); ++t) {
    const double p = expected[t] / total;
    if (p == 0) {
      EXPECT_EQ(counts[t], 0) << "excluded token " << t << " was drawn";
      continue;
    }
    const double sd = std::sqrt(p * (1 - p) / draws);
    EXPECT_NEAR(static_cast<double>(counts[t]) / draws, p, 5 * sd) << "token " << t;
  }
}

std::vector<float> random_logits(size_t n, Rng& rng, float scale = 4.0f) {
  std::vector<float> out(n);
  for (float& l : out) l = static_cast<float>((rng.uniform() - 0.5) * 2.0 * scale);
  return out;
}

SamplingParams with_temperature(float t) {
  SamplingParams p;
  p.temperature = t;
  return p;
}

TEST(Sampler, GreedyPicksArgmaxAndLowestIdOnTies) {
  Sampler s(with_temperature(0.0f), 6);
  EXPECT_EQ(s.sample(std::vector<float>{0.1f, 2.0f, -1.0f, 1.9f, 0.0f, 1.0f}), 1);
  EXPECT_EQ(s.sample(std::vector<float>{0.0f, 3.0f, 1.0f, 3.0f, 3.0f, -5.0f}), 1);
  EXPECT_EQ(s.sample(std::vector<float>{kNegInf, kNegInf, -7.0f, -7.0f, kNegInf, -9.0f}), 2);
}

TEST(Sampler, TopK1EqualsGreedyAtAnyTemperature) {
  Rng data(5);
  for (float t : {0.05f, 0.7f, 1.0f, 3.0f, 100.0f}) {
    SamplingParams p = with_temperature(t);
    p.top_k = 1;
    Sampler top1(p, 1000), greedy(with_temperature(0.0f), 1000);
    for (int i = 0; i < 20; ++i) {
      std::vector<float> l = random_logits(1000, data);
      l[17] = l[900] = 10.0f;  // a tie for the best
      ASSERT_EQ(top1.sample(l), 17);
      ASSERT_EQ(greedy.sample(l), 17);
    }
  }
}

TEST(Sampler, FullDistributionMatchesSoftmax) {
  const std::vector<double> w = {0.05, 0.3, 0.1, 0.25, 0.2, 0.1};
  Sampler s(SamplingParams{}, 6);
  expect_frequencies(histogram(s, logits_for(w), 40000), w);
}

TEST(Sampler, TopKKeepsTheKBest) {
  const std::vector<double> w = {0.05, 0.3, 0.1, 0.25, 0.2, 0.1};
  SamplingParams p;
  p.top_k = 3;
  Sampler s(p, 6);
  expect_frequencies(histogram(s, logits_for(w), 40000), {0, 0.3, 0, 0.25, 0.2, 0});
}

TEST(Sampler, TopPKeepsSmallestPrefixReachingP) {
  // Ranked: t3 0.4, t0 0.3, t4 0.15, t1 0.1, t2 0.05. Cumulative 0.4, 0.7, 0.85, 0.95, 1.
  const std::vector<double> w = {0.3, 0.1, 0.05, 0.4, 0.15};
  SamplingParams p;
  p.top_p = 0.8f;  // 0.7 < 0.8 <= 0.85: keeps t3, t0, t4
  Sampler s(p, 5);
  expect_frequencies(histogram(s, logits_for(w), 40000), {0.3, 0, 0, 0.4, 0.15});

  p.top_p = 0.05f;  // below the best token's mass: keeps exactly one
  Sampler one(p, 5);
  expect_frequencies(histogram(one, logits_for(w), 2000), {0, 0, 0, 1, 0});
}

TEST(Sampler, MinPDropsTokensBelowFractionOfBest) {
  const std::vector<double> w = {0.3, 0.1, 0.05, 0.4, 0.15};
  SamplingParams p;
  p.min_p = 0.3f;  // threshold 0.3 * 0.4 = 0.12: drops t1 (0.1) and t2 (0.05)
  Sampler s(p, 5);
  expect_frequencies(histogram(s, logits_for(w), 40000), {0.3, 0, 0, 0.4, 0.15});
}

TEST(Sampler, TopPAndMinPTogetherKeepTheShorterPrefix) {
  const std::vector<double> w = {0.3, 0.1, 0.05, 0.4, 0.15};
  SamplingParams p;
  p.top_p = 0.9f;   // would keep t3, t0, t4, t1
  p.min_p = 0.5f;   // threshold 0.2: keeps t3, t0
  p.top_k = 4;      // drops t2 first; softmax over the 4 left (Z = 0.95)
  Sampler s(p, 5);
  expect_frequencies(histogram(s, logits_for(w), 40000), {0.3, 0, 0, 0.4, 0});
}

TEST(Sampler, TemperatureSharpensAndFlattens) {
  const std::vector<double> w = {0.5, 0.3, 0.2};
  for (float t : {0.5f, 2.0f}) {
    std::vector<double> expected;
    for (double x : w) expected.push_back(std::pow(x, 1.0 / t));  // softmax(log w / t)
    Sampler s(with_temperature(t), 3);
    expect_frequencies(histogram(s, logits_for(w), 40000), expected);
  }
  // Very low temperature is practically greedy; very high practically uniform.
  Sampler cold(with_temperature(0.001f), 3);
  expect_frequencies(histogram(cold, logits_for(w), 2000), {1, 0, 0});
  Sampler hot(with_temperature(1e6f), 3);
  expect_frequencies(histogram(hot, logits_for(w), 30000), {1, 1, 1});
}

TEST(Sampler, PenaltiesUseTheAcceptedWindow) {
  SamplingParams p = with_temperature(0.0f);
  p.repetition_penalty = 2.0f;
  p.penalty_last_n = 2;
  p.top_logprobs = 4;
  Sampler s(p, 4);
  const std::vector<float> l = {2.0f, 1.5f, -1.0f, 1.2f};
  EXPECT_EQ(s.sample(l), 0);
  s.accept(0);  // token 0: 2.0 -> 1.0
  EXPECT_EQ(s.sample(l), 1);
  s.accept(1);  // token 1: 1.5 -> 0.75
  EXPECT_EQ(s.sample(l), 3);
  s.accept(2);  // window is now {1, 2}: token 0 is back to 2.0
  EXPECT_EQ(s.sample(l), 0);
  // The adjusted logits are {2.0, 0.75, -2.0, 1.2}; logprobs report them.
  const double lse = std::log(std::exp(2.0) + std::exp(0.75) + std::exp(-2.0) + std::exp(1.2));
  EXPECT_NEAR(s.last_logprob(), 2.0 - lse, 1e-6);
  ASSERT_EQ(s.last_top_logprobs().size(), 4u);
  EXPECT_EQ(s.last_top_logprobs()[2].token, 1);
  EXPECT_NEAR(s.last_top_logprobs()[2].logprob, 0.75 - lse, 1e-6);
  EXPECT_EQ(s.last_top_logprobs()[3].token, 2);
  EXPECT_NEAR(s.last_top_logprobs()[3].logprob, -2.0 - lse, 1e-6);
}

TEST(Sampler, PenaltyWindowWholeHistoryAndNone) {
  SamplingParams p = with_temperature(0.0f);
  p.frequency_penalty = 1.0f;
  const std::vector<float> l = {3.0f, 1.5f};
  for (int32_t n : {-1, 0, 3}) {
    p.penalty_last_n = n;
    Sampler s(p, 2);
    for (int i = 0; i < 2; ++i) s.accept(0);
    for (int i = 0; i < 5; ++i) s.accept(1);
    // whole history: token 0 at 3 - 2 = 1, token 1 at 1.5 - 5; none: untouched;
    // last 3 (all 1s): token 1 at 1.5 - 3. Token 0 wins each time; its logprob tells them apart.
    EXPECT_EQ(s.sample(l), 0);
    const double l0 = n == -1 ? 1.0 : 3.0, l1 = n == -1 ? -3.5 : n == 0 ? 1.5 : -1.5;
    EXPECT_NEAR(s.last_logprob(), l0 - std::log(std::exp(l0) + std::exp(l1)), 1e-6) << n;
  }
}

TEST(Sampler, PresencePenaltyAppliesOnce) {
  SamplingParams p = with_temperature(0.0f);
  p.presence_penalty = 1.5f;
  Sampler s(p, 2);
  for (int i = 0; i < 10; ++i) s.accept(0);
  // Once: 2 - 1.5 = 0.5 beats 0.4 (ten times over it would be -13 and lose).
  EXPECT_EQ(s.sample(std::vector<float>{2.0f, 0.4f}), 0);
  EXPECT_NEAR(s.last_logprob(), 0.5 - std::log(std::exp(0.5) + std::exp(0.4)), 1e-6);
  EXPECT_EQ(s.sample(std::vector<float>{2.0f, 0.6f}), 1);
}

TEST(Sampler, LogitBiasMinus100BansPlus100Forces) {
  const std::vector<double> w = {0.4, 0.3, 0.2, 0.1};
  SamplingParams p;
  p.logit_bias = {{0, -100.0f}, {2, -100.0f}};
  Sampler banned(p, 4);
  expect_frequencies(histogram(banned, logits_for(w), 20000), {0, 0.3, 0, 0.1});

  p.logit_bias = {{3, 100.0f}};
  p.temperature = 1.5f;
  Sampler forced(p, 4);
  expect_frequencies(histogram(forced, logits_for(w), 5000), {0, 0, 0, 1});

  SamplingParams g = with_temperature(0.0f);
  g.logit_bias = {{0, -100.0f}, {1, 0.5f}, {1, 0.25f}};  // entries for one token add up
  g.top_logprobs = 4;
  Sampler greedy(g, 4);
  EXPECT_EQ(greedy.sample(std::vector<float>{5.0f, 1.0f, 1.5f, 0.0f}), 1);  // 1.75 > 1.5
  EXPECT_EQ(greedy.last_top_logprobs().size(), 3u);  // banned tokens are not reported
  EXPECT_EQ(greedy.last_top_logprobs()[0].token, 1);

  g.logit_bias = {{0, -100.0f}, {1, -100.0f}};
  Sampler none_left(g, 2);
  EXPECT_THROW(none_left.sample(std::vector<float>{1.0f, 2.0f}), Error);
}

TEST(Sampler, LogprobsAreLogSoftmaxOfAdjustedLogits) {
  SamplingParams p;
  p.top_logprobs = 3;
  p.temperature = 0.3f;  // temperature and truncation do not change the reported logprobs
  p.top_k = 2;
  Sampler s(p, 5);
  const std::vector<float> l = {1.0f, 3.0f, -0.5f, 3.0f, 2.0f};
  double z = 0;
  for (float x : l) z += std::exp(static_cast<double>(x));
  const int32_t token = s.sample(l);
  ASSERT_TRUE(token == 1 || token == 3);
  EXPECT_NEAR(s.last_logprob(), 3.0 - std::log(z), 1e-6);
  const auto& top = s.last_top_logprobs();
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].token, 1);  // tie with 3: lower id first
  EXPECT_EQ(top[1].token, 3);
  EXPECT_EQ(top[2].token, 4);
  EXPECT_NEAR(top[0].logprob, 3.0 - std::log(z), 1e-6);
  EXPECT_NEAR(top[2].logprob, 2.0 - std::log(z), 1e-6);

  // Two equal logits: log(1/2), hand-computed.
  Sampler two(SamplingParams{}, 2);
  two.sample(std::vector<float>{0.25f, 0.25f});
  EXPECT_NEAR(two.last_logprob(), -0.69314718, 1e-6);
  EXPECT_TRUE(two.last_top_logprobs().empty());  // top_logprobs = 0
}

TEST(Sampler, SeededDeterminismSeedSensitivityAndReset) {
  Rng data(77);
  std::vector<std::vector<float>> steps;
  for (int i = 0; i < 200; ++i) steps.push_back(random_logits(500, data, 1.0f));
  SamplingParams p;
  p.top_p = 0.95f;
  p.repetition_penalty = 1.1f;
  p.seed = 1234;
  auto run = [&](Sampler& s) {
    std::vector<int32_t> out;
    for (const auto& l : steps) {
      out.push_back(s.sample(l));
      s.accept(out.back());
    }
    return out;
  };
  Sampler a(p, 500), b(p, 500);
  const std::vector<int32_t> first = run(a);
  EXPECT_EQ(first, run(b));
  a.reset();
  EXPECT_EQ(first, run(a));
  p.seed = 1235;
  Sampler c(p, 500);
  EXPECT_NE(first, run(c));
}

TEST(Sampler, DrawIsInverseCdfOfOneUniform) {
  // 1000 equal logits make the drawn token floor(u * 1000) for this call's uniform u.
  const std::vector<float> flat(1000, 0.0f);
  SamplingParams p;
  p.seed = 9;
  Sampler s(p, 1000);
  Rng rng(9);
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(s.sample(flat), static_cast<int32_t>(rng.uniform() * 1000));
  }
}

TEST(Sampler, RejectsBadInput) {
  Sampler s(SamplingParams{}, 3);
  EXPECT_THROW(s.sample(std::vector<float>{1.0f, 2.0f}), Error);
  EXPECT_THROW(s.sample(std::vector<float>{1.0f, std::nanf(""), 0.0f}), Error);
  EXPECT_THROW(s.sample(std::vector<float>{1.0f, INFINITY, 0.0f}), Error);
  EXPECT_THROW(s.sample(std::vector<float>{kNegInf, kNegInf, kNegInf}), Error);
  EXPECT_THROW(s.accept(3), Error);
  EXPECT_THROW(s.accept(-1), Error);
  SamplingParams bad;
  bad.top_p = 0.0f;
  EXPECT_THROW(Sampler(bad, 3), Error);
}

}  // namespace
}  // namespace hearth
