// The block layouts of ggml's quantized types, byte for byte as ggml-common.h lays them out (QK_K =
// 256). Every quantized row in a GGUF file is an array of one of these. Multi-byte fields are
// little-endian, as on every target hearth runs on (x86, arm, wasm).
#pragma once

#include <cstdint>

namespace hearth {

constexpr int kQK4_0 = 32;
constexpr int kQK4_1 = 32;
constexpr int kQK5_0 = 32;
constexpr int kQK5_1 = 32;
constexpr int kQK8_0 = 32;
constexpr int kQK_K = 256;
constexpr int kKScaleSize = 12;  // packed 6-bit scales and mins of Q4_K / Q5_K

// Scales are IEEE half floats kept as raw bits (convert with f16_to_f32 from core/util/half.h).
using f16_bits = uint16_t;

// x[j] = d * (q[j] - 8); element j < 16 in the low nibble of qs[j], element j + 16 in its high nibble.
struct block_q4_0 {
  f16_bits d;
  uint8_t qs[kQK4_0 / 2];
};

// x[j] = d * q[j] + m; nibbles as in Q4_0.
struct block_q4_1 {
  f16_bits d;
  f16_bits m;
  uint8_t qs[kQK4_1 / 2];
};

// x[j] = d * (q[j] - 16); low 4 bits as Q4_0, bit 4 of element j is bit j of qh (little-endian u32).
struct block_q5_0 {
  f16_bits d;
  uint8_t qh[4];
  uint8_t qs[kQK5_0 / 2];
};

// x[j] = d * q[j] + m; bits as Q5_0.
struct block_q5_1 {
  f16_bits d;
  f16_bits m;
  uint8_t qh[4];
  uint8_t qs[kQK5_1 / 2];
};

// x[j] = d * qs[j].
struct block_q8_0 {
  f16_bits d;
  int8_t qs[kQK8_0];
};

// 16 groups of 16: x = d * (scales[g] & 15) * q - dmin * (scales[g] >> 4), q 2 bits.
struct block_q2_K {
  uint8_t scales[kQK_K / 16];
  uint8_t qs[kQK_K / 4];
  f16_bits d;
  f16_bits dmin;
};

// 16 groups of 16: x = d * (s[g] - 32) * (q - 4 * !high_bit), q 2 low bits + 1 bit in hmask,
// s 6-bit scales packed into 12 bytes.
struct block_q3_K {
  uint8_t hmask[kQK_K / 8];
  uint8_t qs[kQK_K / 4];
  uint8_t scales[12];
  f16_bits d;
};

// 8 groups of 32: x = d * sc[g] * q - dmin * m[g], q 4 bits, sc/m 6 bits packed in scales.
struct block_q4_K {
  f16_bits d;
  f16_bits dmin;
  uint8_t scales[kKScaleSize];
  uint8_t qs[kQK_K / 2];
};

// As Q4_K with a fifth bit per quant in qh.
struct block_q5_K {
  f16_bits d;
  f16_bits dmin;
  uint8_t scales[kKScaleSize];
  uint8_t qh[kQK_K / 8];
  uint8_t qs[kQK_K / 2];
};

// 16 groups of 16: x = d * scales[g] * (q - 32), q 4 low bits in ql + 2 high bits in qh.
struct block_q6_K {
  uint8_t ql[kQK_K / 2];
  uint8_t qh[kQK_K / 4];
  int8_t scales[kQK_K / 16];
  f16_bits d;
};

// Sizes as in ggml_type.cc's table; a mismatch would silently misread every file.
static_assert(sizeof(block_q4_0) == 18);
static_assert(sizeof(block_q4_1) == 20);
static_assert(sizeof(block_q5_0) == 22);
static_assert(sizeof(block_q5_1) == 24);
static_assert(sizeof(block_q8_0) == 34);
static_assert(sizeof(block_q2_K) == 84);
static_assert(sizeof(block_q3_K) == 110);
static_assert(sizeof(block_q4_K) == 144);
static_assert(sizeof(block_q5_K) == 176);
static_assert(sizeof(block_q6_K) == 210);

// The 6-bit scale and min of group j (0..7) of a Q4_K / Q5_K block: groups 0-3 live in the low 6
// bits of bytes 0-3 (scale) and 4-7 (min); groups 4-7 split into a nibble in bytes 8-11 and the top
// 2 bits of bytes 0-7.
inline void k4_scale_min(int j, const uint8_t* q, uint8_t* sc, uint8_t* m) {
  if (j < 4) {
    *sc = q[j] & 63;
    *m = q[j + 4] & 63;
  } else {
    *sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
    *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
  }
}

// The 16 signed 6-bit scales of a Q3_K block, unpacked: low nibbles in bytes 0-7 (groups 0-7
// low, 8-15 high nibble), top 2 bits in bytes 8-11, biased by 32.
inline void q3k_scales(const uint8_t* packed, int8_t out[16]) {
  for (int j = 0; j < 16; ++j) {
    int lo = j < 8 ? packed[j] & 0xF : packed[j - 8] >> 4;
    int hi = (packed[8 + j % 4] >> (2 * (j / 4))) & 3;
    out[j] = int8_t((lo | (hi << 4)) - 32);
  }
}

}  // namespace hearth
