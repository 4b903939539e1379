// Internal: the K-quant reference quantizers (quantize_k.cc), one super-block of 256 at a time,
// and ggml's rounding helper they share with quantize.cc.
#pragma once

#include <cstdint>
#include <cstring>

#include "core/tensor/quant_blocks.h"

namespace hearth {

// Round to nearest, ties to even, via the 1.5*2^23 trick ggml uses (|x| < 2^22), so quantized
// bytes match ggml's bit for bit.
inline int nearest_int(float f) {
  float v = f + 12582912.f;
  int32_t i;
  std::memcpy(&i, &v, 4);
  return (i & 0x007fffff) - 0x00400000;
}

void quantize_block_q2_K(const float* x, block_q2_K* y);
void quantize_block_q3_K(const float* x, block_q3_K* y);
void quantize_block_q4_K(const float* x, block_q4_K* y);
void quantize_block_q5_K(const float* x, block_q5_K* y);
void quantize_block_q6_K(const float* x, block_q6_K* y);

}  // namespace hearth
