// The sampler's random numbers: xoshiro128** (Blackman & Vigna), seeded through splitmix64.
// Every operation is defined on exact integers, so one seed gives the same stream on every
// compiler, standard library and target (no std:: distributions, which differ between libraries).
// xoshiro128** rather than xoshiro256** because it needs only 32-bit integer ops, which WGSL has;
// a GPU sampler can take the four state words from state() and continue the same stream.
#pragma once

#include <array>
#include <cstdint>

namespace hearth {

class Rng {
 public:
  explicit Rng(uint64_t seed) { reseed(seed); }

  // State words = two splitmix64 outputs from `seed`, low half first.
  void reseed(uint64_t seed);

  uint32_t next_u32();

  // Uniform in [0, 1) with 53 random bits, from two next_u32() calls: the first gives the high
  // 27 bits, the second the low 26 (the genrand_res53 construction).
  double uniform();

  const std::array<uint32_t, 4>& state() const { return s_; }
  void set_state(const std::array<uint32_t, 4>& s) { s_ = s; }

 private:
  std::array<uint32_t, 4> s_;
};

// One splitmix64 step: advances `state` and returns the next output (Vigna's reference).
uint64_t splitmix64(uint64_t& state);

}  // namespace hearth
