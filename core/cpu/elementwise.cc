#include "core/cpu/elementwise.h"

#include <cmath>

namespace hearth {

void rms_norm(const float* x, const float* w, int64_t n, int64_t group, float eps, float* y) {
  for (int64_t g0 = 0; g0 < n; g0 += group) {
    double sum = 0.0;  // double: the mean of squares of thousands of values loses bits in f32
    for (int64_t k = 0; k < group; ++k) sum += double(x[g0 + k]) * x[g0 + k];
    const float inv = float(1.0 / std::sqrt(sum / double(group) + double(eps)));
    for (int64_t k = 0; k < group; ++k) y[g0 + k] = x[g0 + k] * inv * w[k];
  }
}

void layer_norm(const float* x, const float* w, const float* b, int64_t n, float eps, float* y) {
  double sum = 0.0, sq = 0.0;  // double, as rms_norm: two passes' worth of accuracy in one
  for (int64_t k = 0; k < n; ++k) sum += x[k];
  const double mean = sum / double(n);
  for (int64_t k = 0; k < n; ++k) sq += (double(x[k]) - mean) * (double(x[k]) - mean);
  const float inv = float(1.0 / std::sqrt(sq / double(n) + double(eps)));
  const float m = float(mean);
  for (int64_t k = 0; k < n; ++k) y[k] = (x[k] - m) * inv * w[k] + (b ? b[k] : 0.0f);
}

void silu(const float* x, int64_t n, float* y) {
  for (int64_t k = 0; k < n; ++k) y[k] = x[k] / (1.0f + std::exp(-x[k]));
}

void gelu_tanh(const float* x, int64_t n, float* y) {
  constexpr float kSqrt2OverPi = 0.7978845608028654f;
  for (int64_t k = 0; k < n; ++k) {
    const float g = x[k];
    y[k] = 0.5f * g * (1.0f + std::tanh(kSqrt2OverPi * (g + 0.044715f * g * g * g)));
  }
}

void silu_mul(const float* gate, const float* up, int64_t n, float* y) {
  for (int64_t k = 0; k < n; ++k) {
    float g = gate[k];
    y[k] = g / (1.0f + std::exp(-g)) * up[k];
  }
}

void gelu_tanh_mul(const float* gate, const float* up, int64_t n, float* y) {
  constexpr float kSqrt2OverPi = 0.7978845608028654f;
  for (int64_t k = 0; k < n; ++k) {
    float g = gate[k];
    y[k] = 0.5f * g * (1.0f + std::tanh(kSqrt2OverPi * (g + 0.044715f * g * g * g))) * up[k];
  }
}

void soft_cap(const float* x, int64_t n, float cap, float* y) {
  for (int64_t k = 0; k < n; ++k) y[k] = cap * std::tanh(x[k] / cap);
}

}  // namespace hearth
