#include "core/synth/rope_factors.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace hearth::synth {

std::vector<float> llama3_rope_factors(uint32_t n_rot, float base, float factor, uint32_t original_context) {
  const double low_freq_factor = 1.0, high_freq_factor = 4.0;
  const double old_context = original_context;
  const double low_freq_wavelen = old_context / low_freq_factor;
  const double high_freq_wavelen = old_context / high_freq_factor;
  std::vector<float> factors;
  for (uint32_t i = 0; i < n_rot; i += 2) {
    const double freq = 1.0 / std::pow(static_cast<double>(base), static_cast<double>(i) / n_rot);
    const double wavelen = 2 * std::numbers::pi / freq;
    if (wavelen < high_freq_wavelen) {
      factors.push_back(1.0f);
    } else if (wavelen > low_freq_wavelen) {
      factors.push_back(factor);
    } else {
      const double smooth = (old_context / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor);
      factors.push_back(static_cast<float>(1.0 / ((1 - smooth) / factor + smooth)));
    }
  }
  return factors;
}

std::vector<float> phi3_short_factors(uint32_t n_rot) {
  std::vector<float> f(n_rot / 2);
  for (size_t i = 0; i < f.size(); ++i) {
    const double t = static_cast<double>(i) / std::max<size_t>(1, f.size() - 1);
    f[i] = static_cast<float>(1.0 + 0.6 * t * t * t * t);
  }
  return f;
}

std::vector<float> phi3_long_factors(uint32_t n_rot) {
  std::vector<float> f(n_rot / 2);
  for (size_t i = 0; i < f.size(); ++i) {
    const double t = static_cast<double>(i) / std::max<size_t>(1, f.size() - 1);
    f[i] = static_cast<float>(1.0 + 63.0 / (1.0 + std::exp(-12.0 * (t - 0.45))));
  }
  return f;
}

float phi3_attn_factor(uint32_t context_length, uint32_t original_context) {
  if (original_context == 0 || context_length <= original_context) return 1.0f;
  const double scale = static_cast<double>(context_length) / original_context;
  return static_cast<float>(std::sqrt(1.0 + std::log(scale) / std::log(static_cast<double>(original_context))));
}

}  // namespace hearth::synth
