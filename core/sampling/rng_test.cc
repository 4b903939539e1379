#include "core/sampling/rng.h"

#include <gtest/gtest.h>

#include <cmath>

namespace hearth {
namespace {

TEST(Rng, Splitmix64MatchesReference) {
  // Outputs of Vigna's splitmix64.c from state 1234567.
  uint64_t state = 1234567;
  EXPECT_EQ(splitmix64(state), 6457827717110365317ull);
  EXPECT_EQ(splitmix64(state), 3203168211198807973ull);
  EXPECT_EQ(splitmix64(state), 9817491932198370423ull);
  EXPECT_EQ(splitmix64(state), 4593380528125082431ull);
  EXPECT_EQ(splitmix64(state), 16408922859458223821ull);
}

TEST(Rng, Xoshiro128StarStarMatchesReference) {
  // From the reference xoshiro128starstar.c (v1.1) with state {1, 2, 3, 4}.
  Rng rng(0);
  rng.set_state({1, 2, 3, 4});
  const uint32_t expected[] = {11520u,      0u,          5927040u,    70819200u,   2031721883u,
                               1637235492u, 1287239034u, 3734860849u, 3729100597u, 4258142804u};
  for (uint32_t e : expected) EXPECT_EQ(rng.next_u32(), e);
}

TEST(Rng, SeedingIsSplitmixLowHalfFirst) {
  uint64_t sm = 42;
  const uint64_t a = splitmix64(sm), b = splitmix64(sm);
  Rng rng(42);
  EXPECT_EQ(rng.state()[0], static_cast<uint32_t>(a));
  EXPECT_EQ(rng.state()[1], static_cast<uint32_t>(a >> 32));
  EXPECT_EQ(rng.state()[2], static_cast<uint32_t>(b));
  EXPECT_EQ(rng.state()[3], static_cast<uint32_t>(b >> 32));
}

TEST(Rng, UniformIs53BitsFromTwoWords) {
  Rng a(7), b(7);
  for (int i = 0; i < 100; ++i) {
    const uint32_t hi = b.next_u32() >> 5, lo = b.next_u32() >> 6;
    const double want = (static_cast<double>(hi) * 67108864.0 + lo) / 9007199254740992.0;
    EXPECT_EQ(a.uniform(), want);
  }
}

TEST(Rng, UniformRangeAndMoments) {
  Rng rng(123);
  const int n = 100000;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum_sq += u * u;
  }
  // mean 1/2 (sd of the mean ~0.0009), E[u^2] = 1/3
  EXPECT_NEAR(sum / n, 0.5, 0.005);
  EXPECT_NEAR(sum_sq / n, 1.0 / 3.0, 0.005);
}

TEST(Rng, SameSeedSameStreamDifferentSeedDifferentStream) {
  Rng a(99), b(99), c(100);
  bool differs = false;
  for (int i = 0; i < 16; ++i) {
    const double ua = a.uniform();
    EXPECT_EQ(ua, b.uniform());
    differs |= ua != c.uniform();
  }
  EXPECT_TRUE(differs);
  a.reseed(99);
  Rng fresh(99);
  EXPECT_EQ(a.uniform(), fresh.uniform());
}

}  // namespace
}  // namespace hearth
