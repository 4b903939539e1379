#include "core/sampling/rng.h"

namespace hearth {
namespace {

inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

}  // namespace

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void Rng::reseed(uint64_t seed) {
  uint64_t sm = seed;
  const uint64_t a = splitmix64(sm);
  const uint64_t b = splitmix64(sm);
  s_ = {static_cast<uint32_t>(a), static_cast<uint32_t>(a >> 32), static_cast<uint32_t>(b),
        static_cast<uint32_t>(b >> 32)};
  // The all-zero state is xoshiro's one fixed point; splitmix64 practically never yields it.
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;
}

uint32_t Rng::next_u32() {
  const uint32_t result = rotl(s_[1] * 5u, 7) * 9u;
  const uint32_t t = s_[1] << 9;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 11);
  return result;
}

double Rng::uniform() {
  const uint32_t hi = next_u32() >> 5;  // 27 bits
  const uint32_t lo = next_u32() >> 6;  // 26 bits
  return (hi * 67108864.0 + lo) * (1.0 / 9007199254740992.0);  // / 2^53, exact in double
}

}  // namespace hearth
