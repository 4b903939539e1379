// A set of byte values (256 bits): the one terminal of a grammar. Code-point classes are lowered to
// sequences of these by utf8_ranges.h, so the matcher only ever steps over bytes, the unit tokens are
// made of (a token may end in the middle of a UTF-8 character).
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>

namespace hearth::grammar {

struct ByteSet {
  uint64_t w[4] = {0, 0, 0, 0};

  static ByteSet single(uint8_t b) { ByteSet s; s.add(b); return s; }
  static ByteSet range(uint8_t lo, uint8_t hi) { ByteSet s; s.add_range(lo, hi); return s; }
  static ByteSet all() { ByteSet s; for (auto& x : s.w) x = ~uint64_t(0); return s; }

  void add(uint8_t b) { w[b >> 6] |= uint64_t(1) << (b & 63); }
  void add_range(uint8_t lo, uint8_t hi) { for (int b = lo; b <= hi; ++b) add(uint8_t(b)); }
  bool has(uint8_t b) const { return (w[b >> 6] >> (b & 63)) & 1; }
  bool empty() const { return (w[0] | w[1] | w[2] | w[3]) == 0; }
  int count() const {
    return __builtin_popcountll(w[0]) + __builtin_popcountll(w[1]) + __builtin_popcountll(w[2]) +
           __builtin_popcountll(w[3]);
  }
  ByteSet operator|(const ByteSet& o) const { ByteSet r; for (int i = 0; i < 4; ++i) r.w[i] = w[i] | o.w[i]; return r; }
  ByteSet operator&(const ByteSet& o) const { ByteSet r; for (int i = 0; i < 4; ++i) r.w[i] = w[i] & o.w[i]; return r; }
  ByteSet operator~() const { ByteSet r; for (int i = 0; i < 4; ++i) r.w[i] = ~w[i]; return r; }
  ByteSet& operator|=(const ByteSet& o) { for (int i = 0; i < 4; ++i) w[i] |= o.w[i]; return *this; }
  bool operator==(const ByteSet& o) const { return std::memcmp(w, o.w, sizeof w) == 0; }
  bool operator!=(const ByteSet& o) const { return !(*this == o); }
  size_t hash() const {
    size_t h = 0;
    for (uint64_t x : w) h = h * 0x9E3779B97F4A7C15ull ^ (x + (h >> 7));
    return h;
  }
};

struct ByteSetHash {
  size_t operator()(const ByteSet& s) const { return s.hash(); }
};

}  // namespace hearth::grammar
