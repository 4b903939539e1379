// Deterministic random numbers for synthetic weights: splitmix64 streams and standard normals.
//
// Normals come from a 65536-entry table of the standard normal's quantiles, indexed by 16 random
// bits: four normals per 64-bit draw, about 1 ns each, which is what lets an 8B model generate in
// minutes (Box-Muller's log/sqrt/cos per value would dominate). The values are exact quantiles, so
// the distribution is normal to 16-bit resolution (truncated at ±4.3σ), plenty for random weights.
#pragma once

#include <cstdint>

namespace hearth::synth {

inline uint64_t splitmix64_mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Mixes several values into one seed, so (seed, tensor, row) streams are independent.
inline uint64_t derive_seed(uint64_t a, uint64_t b) { return splitmix64_mix(a ^ splitmix64_mix(b + 0x9e3779b97f4a7c15ULL)); }

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() { return splitmix64_mix(state_ += 0x9e3779b97f4a7c15ULL); }
  double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }  // [0, 1)
  uint64_t below(uint64_t n) { return next() % n; }

 private:
  uint64_t state_;
};

// The quantile table: entry k is Φ⁻¹((k + 0.5) / 65536).
const float* normal_table();

// Fills out[0..n) with scale · N(0, 1) + offset from the stream.
void fill_normal(SplitMix64& rng, float* out, int64_t n, float scale, float offset = 0.0f);

}  // namespace hearth::synth
