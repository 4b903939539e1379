#include "core/sampling/candidate_list.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/sampling/rng.h"

namespace hearth {
namespace {

// Random logits with many ties (few distinct values), so the id tie-break matters.
std::vector<Candidate> random_candidates(size_t n, uint64_t seed) {
  Rng rng(seed);
  std::vector<Candidate> out;
  for (size_t i = 0; i < n; ++i) {
    const float l = static_cast<float>(rng.next_u32() % 50) * 0.5f;
    out.push_back({l, static_cast<int32_t>(i), static_cast<double>(l)});
  }
  return out;
}

CandidateList list_of(const std::vector<Candidate>& cands) {
  CandidateList list;
  for (const Candidate& c : cands) list.push_back(c);
  return list;
}

TEST(CandidateList, LazyRankingEqualsFullSort) {
  for (size_t n : {1u, 10u, 63u, 64u, 65u, 1000u, 20000u}) {
    std::vector<Candidate> cands = random_candidates(n, n);
    CandidateList list = list_of(cands);
    std::sort(cands.begin(), cands.end(), ranks_before);
    for (size_t i = 0; i < n; ++i) {
      ASSERT_EQ(list.ranked(i).token, cands[i].token) << "n=" << n << " i=" << i;
    }
  }
}

TEST(CandidateList, KeepBestAndDropLight) {
  std::vector<Candidate> cands = random_candidates(5000, 3);
  CandidateList list = list_of(cands);
  std::sort(cands.begin(), cands.end(), ranks_before);
  (void)list.ranked(10);  // a partly sorted list
  list.keep_best(300);
  ASSERT_EQ(list.size(), 300u);
  for (size_t i = 0; i < 300; ++i) ASSERT_EQ(list.ranked(i).token, cands[i].token);

  // Weight = logit here, so dropping weight < 20 keeps exactly the logits >= 20, ranked.
  list.drop_light(20.0);
  size_t expected = 0;
  for (size_t i = 0; i < 300; ++i) expected += cands[i].logit >= 20.0f;
  ASSERT_EQ(list.size(), expected);
  for (size_t i = 0; i < expected; ++i) ASSERT_EQ(list.ranked(i).token, cands[i].token);
}

TEST(CandidateList, PrefixReachingMatchesRankOrderRunningSum) {
  Rng rng(11);
  for (size_t n : {1u, 5u, 40u, 3000u}) {
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<Candidate> cands = random_candidates(n, n * 100 + trial);
      for (Candidate& c : cands) c.weight = std::exp(static_cast<double>(c.logit) - 25.0);
      std::vector<Candidate> sorted = cands;
      std::sort(sorted.begin(), sorted.end(), ranks_before);
      double total = 0;
      for (const Candidate& c : sorted) total += c.weight;
      const double mass = rng.uniform() * total;
      size_t want = 0;
      for (double acc = 0; want < n && !(acc > mass);) acc += sorted[want++].weight;
      CandidateList list = list_of(cands);
      if (trial % 2) list.keep_best(n / 2 + 1);  // with a sorted prefix too
      double reached = 0;
      const size_t got = list.prefix_reaching(mass, true, &reached);
      if (trial % 2 && want > n / 2 + 1) continue;  // answer was cut away; nothing to compare
      ASSERT_EQ(got, want) << "n=" << n << " trial=" << trial;
      EXPECT_EQ(list.items()[got - 1].token, sorted[want - 1].token);
      EXPECT_GT(reached, mass);
    }
  }
}

TEST(CandidateList, DropLightKeepsStorageOrderAndDropsZeroWeights) {
  CandidateList list;
  list.push_back({1.0f, 0, 0.0});
  list.push_back({3.0f, 1, 0.5});
  list.push_back({2.0f, 2, 0.25});
  list.drop_light(0.0);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list.items()[0].token, 1);
  EXPECT_EQ(list.items()[1].token, 2);
}

}  // namespace
}  // namespace hearth
