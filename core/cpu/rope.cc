#include "core/cpu/rope.h"

#include <cmath>

namespace hearth {

void rope_row(float* x, int64_t pos, const RopeParams& p) {
  const int32_t half = p.n_rot / 2;
  for (int32_t i = 0; i < half; ++i) {
    // the angle in double so positions in the 100k range keep their precision
    double theta = double(pos) * p.linear_scale * std::pow(double(p.base), -2.0 * i / double(p.n_rot));
    if (p.freq_factors) theta /= p.freq_factors[i];
    const float c = float(std::cos(theta)) * p.mscale, s = float(std::sin(theta)) * p.mscale;
    for (int32_t h = 0; h < p.n_head; ++h) {
      float* head = x + int64_t(h) * p.head_dim;
      const int32_t i0 = p.neox ? i : 2 * i, i1 = p.neox ? i + half : 2 * i + 1;
      const float a = head[i0], b = head[i1];
      head[i0] = a * c - b * s;
      head[i1] = a * s + b * c;
    }
  }
}

}  // namespace hearth
