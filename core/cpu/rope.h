// Rotary position embedding, as docs/architectures.md defines it.
#pragma once

#include <cstdint>

namespace hearth {

struct RopeParams {
  int32_t n_head = 0;
  int32_t head_dim = 0;
  int32_t n_rot = 0;
  float base = 10000.0f;
  float linear_scale = 1.0f;          // positions multiplied by this
  float mscale = 1.0f;                // cos and sin multiplied by this
  bool neox = false;                  // pairs (i, i + n_rot/2) instead of (2i, 2i+1)
  const float* freq_factors = nullptr;  // [n_rot/2] divisors of each frequency, or null
};

// x: one token's [n_head, head_dim] values, rotated in place for position `pos`.
void rope_row(float* x, int64_t pos, const RopeParams& p);

}  // namespace hearth
