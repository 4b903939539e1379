// The sampler against a direct transcription of the definition in sampler.h: full sorts, no
// laziness, maps for counting. Any disagreement is a bug in one of them.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <vector>

#include "core/sampling/sampler.h"

namespace hearth {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

class ReferenceSampler {
 public:
  ReferenceSampler(SamplingParams p) : p_(p), rng_(p.seed) {}
  void accept(int32_t t) { history_.push_back(t); }

  int32_t sample(std::vector<float> l) {
    size_t start = 0;
    if (p_.penalty_last_n >= 0 && history_.size() > static_cast<size_t>(p_.penalty_last_n)) {
      start = history_.size() - static_cast<size_t>(p_.penalty_last_n);
    }
    std::map<int32_t, int> counts;
    for (size_t i = start; i < history_.size(); ++i) ++counts[history_[i]];
    for (const auto& [t, c] : counts) {
      float& x = l[static_cast<size_t>(t)];
      x = x > 0 ? x / p_.repetition_penalty : x * p_.repetition_penalty;
      x -= static_cast<float>(c) * p_.frequency_penalty + p_.presence_penalty;
    }
    for (const auto& [t, b] : p_.logit_bias) {
      l[static_cast<size_t>(t)] = b == -100.0f ? kNegInf : l[static_cast<size_t>(t)] + b;
    }
    const double u = rng_.uniform();
    std::vector<Candidate> c;
    for (size_t t = 0; t < l.size(); ++t) {
      if (l[t] != kNegInf) c.push_back({l[t], static_cast<int32_t>(t), 0.0});
    }
    std::sort(c.begin(), c.end(), ranks_before);
    if (p_.temperature <= 0) return c[0].token;
    if (p_.top_k > 0 && static_cast<size_t>(p_.top_k) < c.size()) c.resize(p_.top_k);
    double z = 0;
    for (Candidate& x : c) {
      x.weight = std::exp((static_cast<double>(x.logit) - c[0].logit) / p_.temperature);
      z += x.weight;
    }
    if (p_.top_p < 1.0f) {
      double acc = 0;
      for (size_t i = 0; i < c.size(); ++i) {
        acc += c[i].weight;
        if (acc >= static_cast<double>(p_.top_p) * z) {
          c.resize(i + 1);
          break;
        }
      }
    }
    std::erase_if(c, [&](const Candidate& x) { return x.weight == 0 || x.weight < p_.min_p; });
    double kept = 0;
    for (const Candidate& x : c) kept += x.weight;
    double acc = 0;
    for (const Candidate& x : c) {
      acc += x.weight;
      if (acc > u * kept) return x.token;
    }
    return c.back().token;
  }

 private:
  SamplingParams p_;
  Rng rng_;
  std::vector<int32_t> history_;
};

TEST(SamplerReference, AgreesOnRandomParamsAndLogits) {
  Rng data(2024);
  const int32_t vocab = 3000;
  int configs = 0;
  for (float temperature : {0.0f, 0.5f, 1.0f, 1.7f}) {
    for (int32_t top_k : {0, 1, 40, 2999}) {
      for (float top_p : {1.0f, 0.9f, 0.3f}) {
        for (float min_p : {0.0f, 0.05f}) {
          SamplingParams p;
          p.temperature = temperature;
          p.top_k = top_k;
          p.top_p = top_p;
          p.min_p = min_p;
          p.repetition_penalty = 1.3f;
          p.presence_penalty = 0.4f;
          p.frequency_penalty = 0.2f;
          p.penalty_last_n = configs % 3 == 0 ? -1 : 8;
          p.logit_bias = {{5, -100.0f}, {7, 3.0f}};
          p.seed = static_cast<uint64_t>(configs++);
          Sampler fast(p, vocab);
          ReferenceSampler ref(p);
          for (int step = 0; step < 12; ++step) {
            std::vector<float> l(vocab);
            // A peaked head over a flat tail, with ties, like real logits.
            for (float& x : l) x = static_cast<float>(std::floor(data.uniform() * 40.0) * 0.25);
            for (int i = 0; i < 5; ++i) l[data.next_u32() % vocab] = 14.0f;
            if (step % 4 == 3) l[11] = kNegInf;
            const int32_t want = ref.sample(l);
            ASSERT_EQ(fast.sample(l), want) << "config " << configs << " step " << step;
            fast.accept(want);
            ref.accept(want);
          }
        }
      }
    }
  }
}

TEST(SamplerReference, LargeVocabularyIsFast) {
  const int32_t vocab = 152064;  // Qwen2's
  // Model-like logits: a roughly normal bulk (sum of uniforms, sd ~2.5) and a few clear leaders.
  Rng data(1);
  std::vector<float> l(vocab);
  for (float& x : l) {
    double sum = 0;
    for (int i = 0; i < 4; ++i) sum += data.uniform() - 0.5;
    x = static_cast<float>(sum * 4.33);
  }
  for (int i = 0; i < 10; ++i) l[data.next_u32() % vocab] = 12.0f + static_cast<float>(i % 3);
  struct Case {
    const char* name;
    SamplingParams p;
  };
  SamplingParams plain, topk, topp, minp, greedy;
  topk.top_k = 40;
  topp.top_p = 0.9f;
  minp.min_p = 0.05f;
  greedy.temperature = 0.0f;
  for (const Case& c : {Case{"plain", plain}, Case{"top_k=40", topk}, Case{"top_p=0.9", topp},
                        Case{"min_p=0.05", minp}, Case{"greedy", greedy}}) {
    Sampler s(c.p, vocab);
    const int iters = 20;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < iters; ++i) {
      const int32_t t = s.sample(l);
      ASSERT_GE(t, 0);
      ASSERT_LT(t, vocab);
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("  %-11s %.3f ms/sample (vocab %d)\n", c.name, ms / iters, vocab);
  }
}

}  // namespace
}  // namespace hearth
