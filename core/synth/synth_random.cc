#include "core/synth/synth_random.h"

#include <cmath>
#include <numbers>
#include <vector>

namespace hearth::synth {
namespace {

// Φ⁻¹(p) by Acklam's rational approximation (relative error 1.2e-9) and one Halley step against
// erfc, which takes it to double precision.
double inverse_normal_cdf(double p) {
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01,  -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  const double lo = 0.02425, hi = 1 - lo;
  double x;
  if (p < lo) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= hi) {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2 * std::numbers::pi) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

std::vector<float> make_table() {
  std::vector<float> t(65536);
  for (int k = 0; k < 32768; ++k) {
    // Symmetric by construction, so the mean is exactly 0.
    const float v = static_cast<float>(inverse_normal_cdf((k + 0.5) / 65536.0));
    t[k] = v;
    t[65535 - k] = -v;
  }
  return t;
}

}  // namespace

const float* normal_table() {
  static const std::vector<float> table = make_table();
  return table.data();
}

void fill_normal(SplitMix64& rng, float* out, int64_t n, float scale, float offset) {
  const float* t = normal_table();
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const uint64_t r = rng.next();
    out[i] = t[r & 0xffff] * scale + offset;
    out[i + 1] = t[(r >> 16) & 0xffff] * scale + offset;
    out[i + 2] = t[(r >> 32) & 0xffff] * scale + offset;
    out[i + 3] = t[r >> 48] * scale + offset;
  }
  if (i < n) {
    uint64_t r = rng.next();
    for (; i < n; ++i, r >>= 16) out[i] = t[r & 0xffff] * scale + offset;
  }
}

}  // namespace hearth::synth
