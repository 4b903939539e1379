#include "core/sampling/penalties.h"

#include <gtest/gtest.h>

#include <vector>

namespace hearth {
namespace {

TEST(Penalties, RepetitionDividesPositiveMultipliesNegative) {
  SamplingParams p;
  p.repetition_penalty = 2.0f;
  std::vector<float> l = {3.0f, -1.5f, 0.0f, 4.0f};
  const std::vector<int32_t> recent = {0, 1, 2, 1};  // token 1 twice: still applied once
  apply_penalties(p, recent, l);
  EXPECT_FLOAT_EQ(l[0], 1.5f);
  EXPECT_FLOAT_EQ(l[1], -3.0f);
  EXPECT_FLOAT_EQ(l[2], 0.0f);
  EXPECT_FLOAT_EQ(l[3], 4.0f);  // not in the window
}

TEST(Penalties, PresenceOncePerToken) {
  SamplingParams p;
  p.presence_penalty = 0.5f;
  std::vector<float> l = {1.0f, 1.0f, 1.0f};
  const std::vector<int32_t> recent = {2, 2, 2, 0};
  apply_penalties(p, recent, l);
  EXPECT_FLOAT_EQ(l[0], 0.5f);
  EXPECT_FLOAT_EQ(l[1], 1.0f);
  EXPECT_FLOAT_EQ(l[2], 0.5f);
}

TEST(Penalties, FrequencyPerOccurrence) {
  SamplingParams p;
  p.frequency_penalty = 0.25f;
  std::vector<float> l = {1.0f, 1.0f, 1.0f};
  const std::vector<int32_t> recent = {2, 2, 2, 0};
  apply_penalties(p, recent, l);
  EXPECT_FLOAT_EQ(l[0], 0.75f);
  EXPECT_FLOAT_EQ(l[1], 1.0f);
  EXPECT_FLOAT_EQ(l[2], 0.25f);
}

TEST(Penalties, AllThreeInOrderAndNegativePenaltiesBoost) {
  SamplingParams p;
  p.repetition_penalty = 1.25f;
  p.presence_penalty = -1.0f;  // negative values encourage repeats, as in OpenAI
  p.frequency_penalty = 0.5f;
  std::vector<float> l = {2.5f, -2.0f};
  const std::vector<int32_t> recent = {0, 1, 0, 0};
  apply_penalties(p, recent, l);
  // token 0: 2.5 / 1.25 = 2.0; - (3 * 0.5 + -1) = 1.5
  EXPECT_FLOAT_EQ(l[0], 1.5f);
  // token 1: -2 * 1.25 = -2.5; - (1 * 0.5 + -1) = -2.0
  EXPECT_FLOAT_EQ(l[1], -2.0f);
}

TEST(Penalties, EmptyWindowOrNeutralParamsChangeNothing) {
  SamplingParams p;
  p.repetition_penalty = 3.0f;
  std::vector<float> l = {1.0f, -1.0f};
  apply_penalties(p, {}, l);
  EXPECT_EQ(l, (std::vector<float>{1.0f, -1.0f}));
  const std::vector<int32_t> recent = {0, 1};
  apply_penalties(SamplingParams{}, recent, l);
  EXPECT_EQ(l, (std::vector<float>{1.0f, -1.0f}));
}

}  // namespace
}  // namespace hearth
