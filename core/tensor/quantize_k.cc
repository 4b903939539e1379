// K-quant reference quantizers, following ggml's quantize_row_q{2..6}_K_ref: per group, a search
// for the scale (and min) minimising weighted error; the group scales are then themselves
// quantized (4, 6 or 8 bits) against a super-block f16 scale, and the values requantized with the
// scales as stored, so the bytes decode to what the search chose.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/tensor/quantize_k.h"
#include "core/util/half.h"

namespace hearth {
namespace {

constexpr float kGroupMaxEps = 1e-15f;

// Asymmetric search (ggml's make_qkx2_quants): x ~ scale * L - min with L in [0, nmax]. Tries
// nstep + 1 candidate scales around nmax / (max - min), solving weighted least squares for scale
// and min at each; returns scale, stores -min (>= 0) in *the_min.
float make_qkx2_quants(int n, int nmax, const float* x, const float* w, uint8_t* L, float* the_min, uint8_t* Laux,
                       float rmin, float rdelta, int nstep, bool use_mad) {
  float min = x[0], max = x[0];
  float sum_w = w[0], sum_x = sum_w * x[0];
  for (int i = 1; i < n; ++i) {
    min = std::min(min, x[i]);
    max = std::max(max, x[i]);
    sum_w += w[i];
    sum_x += w[i] * x[i];
  }
  if (min > 0) min = 0;
  if (max == min) {
    std::memset(L, 0, size_t(n));
    *the_min = -min;
    return 0.f;
  }
  float iscale = nmax / (max - min);
  float scale = 1 / iscale;
  float best_error = 0;
  for (int i = 0; i < n; ++i) {
    L[i] = uint8_t(std::clamp(nearest_int(iscale * (x[i] - min)), 0, nmax));
    float diff = scale * L[i] + min - x[i];
    best_error += w[i] * (use_mad ? std::fabs(diff) : diff * diff);
  }
  if (nstep < 1) {
    *the_min = -min;
    return scale;
  }
  for (int is = 0; is <= nstep; ++is) {
    iscale = (rmin + rdelta * is + nmax) / (max - min);
    float sum_l = 0, sum_l2 = 0, sum_xl = 0;
    for (int i = 0; i < n; ++i) {
      const int l = std::clamp(nearest_int(iscale * (x[i] - min)), 0, nmax);
      Laux[i] = uint8_t(l);
      sum_l += w[i] * l;
      sum_l2 += w[i] * l * l;
      sum_xl += w[i] * l * x[i];
    }
    const float D = sum_w * sum_l2 - sum_l * sum_l;
    if (D <= 0) continue;
    float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
    float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
    if (this_min > 0) {
      this_min = 0;
      this_scale = sum_xl / sum_l2;
    }
    float err = 0;
    for (int i = 0; i < n; ++i) {
      const float diff = this_scale * Laux[i] + this_min - x[i];
      err += w[i] * (use_mad ? std::fabs(diff) : diff * diff);
    }
    if (err < best_error) {
      std::memcpy(L, Laux, size_t(n));
      best_error = err;
      scale = this_scale;
      min = this_min;
    }
  }
  *the_min = -min;
  return scale;
}

// Symmetric search (ggml's make_qx_quants, rmse_type 1, weights x^2): L in [0, 2*nmax) meaning
// L - nmax; tries 18 scales around -nmax / max and keeps the best weighted least-squares fit.
float make_qx_quants(int n, int nmax, const float* x, int8_t* L) {
  float max = 0, amax = 0;
  for (int i = 0; i < n; ++i)
    if (std::fabs(x[i]) > amax) amax = std::fabs(x[i]), max = x[i];
  if (amax < kGroupMaxEps) {
    std::memset(L, 0, size_t(n));
    return 0.f;
  }
  auto fit = [&](float iscale, float* sumlx, float* suml2) {
    *sumlx = *suml2 = 0;
    for (int i = 0; i < n; ++i) {
      const int l = std::clamp(nearest_int(iscale * x[i]), -nmax, nmax - 1);
      const float w = x[i] * x[i];
      *sumlx += w * x[i] * l;
      *suml2 += w * l * l;
    }
  };
  auto assign = [&](float iscale) {
    for (int i = 0; i < n; ++i) L[i] = int8_t(nmax + std::clamp(nearest_int(iscale * x[i]), -nmax, nmax - 1));
  };
  float iscale = -nmax / max, sumlx, suml2;
  fit(iscale, &sumlx, &suml2);
  assign(iscale);
  float scale = suml2 ? sumlx / suml2 : 0.0f;
  float best = scale * sumlx;
  for (int is = -9; is <= 9; ++is) {
    if (is == 0) continue;
    iscale = -(nmax + 0.1f * is) / max;
    fit(iscale, &sumlx, &suml2);
    if (suml2 > 0 && sumlx * sumlx > best * suml2) {
      assign(iscale);
      scale = sumlx / suml2;
      best = scale * sumlx;
    }
  }
  return scale;
}

// Q3_K's symmetric search (ggml's make_q3_quants with do_rmse): start from -nmax / max, then
// coordinate descent on each L[i] for up to 5 rounds. L in [0, 2*nmax).
float make_q3_quants(int n, int nmax, const float* x, int8_t* L) {
  float max = 0, amax = 0;
  for (int i = 0; i < n; ++i)
    if (std::fabs(x[i]) > amax) amax = std::fabs(x[i]), max = x[i];
  if (amax < kGroupMaxEps) {
    std::memset(L, 0, size_t(n));
    return 0.f;
  }
  const float iscale = -nmax / max;
  float sumlx = 0, suml2 = 0;
  for (int i = 0; i < n; ++i) {
    const int l = std::clamp(nearest_int(iscale * x[i]), -nmax, nmax - 1);
    L[i] = int8_t(l);
    const float w = x[i] * x[i];
    sumlx += w * x[i] * l;
    suml2 += w * l * l;
  }
  for (int itry = 0; itry < 5; ++itry) {
    int changed = 0;
    for (int i = 0; i < n; ++i) {
      const float w = x[i] * x[i];
      float slx = sumlx - w * x[i] * L[i];
      if (slx <= 0) continue;
      float sl2 = suml2 - w * L[i] * L[i];
      const int nl = std::clamp(nearest_int(x[i] * sl2 / slx), -nmax, nmax - 1);
      if (nl == L[i]) continue;
      slx += w * x[i] * nl;
      sl2 += w * nl * nl;
      if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
        L[i] = int8_t(nl);
        sumlx = slx;
        suml2 = sl2;
        ++changed;
      }
    }
    if (!changed) break;
  }
  for (int i = 0; i < n; ++i) L[i] = int8_t(L[i] + nmax);
  return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}

// Packs 8 6-bit (scale, min) pairs the way k4_scale_min reads them.
void pack_k4_scales(const uint8_t ls[8], const uint8_t lm[8], uint8_t* out) {
  std::memset(out, 0, kKScaleSize);
  for (int j = 0; j < 8; ++j) {
    if (j < 4) {
      out[j] = ls[j];
      out[j + 4] = lm[j];
    } else {
      out[j + 4] = uint8_t((ls[j] & 0xF) | ((lm[j] & 0xF) << 4));
      out[j - 4] |= uint8_t((ls[j] >> 4) << 6);
      out[j] |= uint8_t((lm[j] >> 4) << 6);
    }
  }
}

// Shared by Q4_K (nmax 15) and Q5_K (nmax 31): 8 groups of 32, writes L[256] in [0, nmax].
void quantize_k4_groups(const float* x, int nmax, float rmin, int nstep, uint8_t* scales12, f16_bits* d_out,
                        f16_bits* dmin_out, uint8_t* L) {
  float scales[8], mins[8], weights[32];
  uint8_t Laux[32];
  float max_scale = 0, max_min = 0;
  for (int j = 0; j < 8; ++j) {
    float sum_x2 = 0;
    for (int l = 0; l < 32; ++l) sum_x2 += x[32 * j + l] * x[32 * j + l];
    const float av_x = std::sqrt(sum_x2 / 32);
    for (int l = 0; l < 32; ++l) weights[l] = av_x + std::fabs(x[32 * j + l]);
    scales[j] = make_qkx2_quants(32, nmax, x + 32 * j, weights, L + 32 * j, &mins[j], Laux, rmin, 0.1f, nstep, false);
    max_scale = std::max(max_scale, scales[j]);
    max_min = std::max(max_min, mins[j]);
  }
  const float inv_scale = max_scale > 0 ? 63.f / max_scale : 0.f;
  const float inv_min = max_min > 0 ? 63.f / max_min : 0.f;
  uint8_t ls[8], lm[8];
  for (int j = 0; j < 8; ++j) {
    ls[j] = std::min<uint8_t>(63, uint8_t(nearest_int(inv_scale * scales[j])));
    lm[j] = std::min<uint8_t>(63, uint8_t(nearest_int(inv_min * mins[j])));
  }
  pack_k4_scales(ls, lm, scales12);
  *d_out = f32_to_f16(max_scale / 63.f);
  *dmin_out = f32_to_f16(max_min / 63.f);
  for (int j = 0; j < 8; ++j) {
    uint8_t sc, m;
    k4_scale_min(j, scales12, &sc, &m);
    const float d = f16_to_f32(*d_out) * sc;
    if (!d) continue;
    const float dm = f16_to_f32(*dmin_out) * m;
    for (int ii = 0; ii < 32; ++ii) L[32 * j + ii] = uint8_t(std::clamp(nearest_int((x[32 * j + ii] + dm) / d), 0, nmax));
  }
}

// 2-bit quants of 256 values: byte l of each 32-byte run holds elements l, l+32, l+64, l+96.
void pack_2bit(const uint8_t* L, uint8_t* qs) {
  for (int j = 0; j < kQK_K; j += 128)
    for (int l = 0; l < 32; ++l)
      qs[j / 4 + l] = uint8_t(L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
}

}  // namespace

void quantize_block_q2_K(const float* x, block_q2_K* y) {
  uint8_t L[kQK_K], Laux[16];
  float weights[16], mins[16], scales[16];
  float max_scale = 0, max_min = 0;
  for (int j = 0; j < 16; ++j) {
    for (int l = 0; l < 16; ++l) weights[l] = std::fabs(x[16 * j + l]);
    scales[j] = make_qkx2_quants(16, 3, x + 16 * j, weights, L + 16 * j, &mins[j], Laux, -0.5f, 0.1f, 15, true);
    max_scale = std::max(max_scale, scales[j]);
    max_min = std::max(max_min, mins[j]);
  }
  // group scales and mins as 4-bit multiples of d and dmin
  std::memset(y->scales, 0, sizeof y->scales);
  if (max_scale > 0) {
    const float iscale = 15.f / max_scale;
    for (int j = 0; j < 16; ++j) y->scales[j] = uint8_t(nearest_int(iscale * scales[j]));
  }
  y->d = f32_to_f16(max_scale > 0 ? max_scale / 15.f : 0.f);
  if (max_min > 0) {
    const float iscale = 15.f / max_min;
    for (int j = 0; j < 16; ++j) y->scales[j] |= uint8_t(nearest_int(iscale * mins[j]) << 4);
  }
  y->dmin = f32_to_f16(max_min > 0 ? max_min / 15.f : 0.f);
  for (int j = 0; j < 16; ++j) {
    const float d = f16_to_f32(y->d) * (y->scales[j] & 0xF);
    if (!d) continue;
    const float dm = f16_to_f32(y->dmin) * (y->scales[j] >> 4);
    for (int ii = 0; ii < 16; ++ii) L[16 * j + ii] = uint8_t(std::clamp(nearest_int((x[16 * j + ii] + dm) / d), 0, 3));
  }
  pack_2bit(L, y->qs);
}

void quantize_block_q3_K(const float* x, block_q3_K* y) {
  int8_t L[kQK_K];
  float scales[16];
  float max_scale = 0, amax = 0;
  for (int j = 0; j < 16; ++j) {
    scales[j] = make_q3_quants(16, 4, x + 16 * j, L + 16 * j);
    if (std::fabs(scales[j]) > amax) amax = std::fabs(scales[j]), max_scale = scales[j];
  }
  // 6-bit signed group scales: low nibbles in bytes 0-7, top 2 bits in bytes 8-11
  std::memset(y->scales, 0, 12);
  if (max_scale) {
    const float iscale = -32.f / max_scale;
    for (int j = 0; j < 16; ++j) {
      int8_t l = int8_t(nearest_int(iscale * scales[j]));
      l = int8_t(std::clamp<int>(l, -32, 31) + 32);
      if (j < 8)
        y->scales[j] = uint8_t(l & 0xF);
      else
        y->scales[j - 8] |= uint8_t((l & 0xF) << 4);
      l >>= 4;
      y->scales[j % 4 + 8] |= uint8_t(l << (2 * (j / 4)));
    }
    y->d = f32_to_f16(1 / iscale);
  } else {
    y->d = f32_to_f16(0.f);
  }
  int8_t sc[16];
  q3k_scales(y->scales, sc);
  for (int j = 0; j < 16; ++j) {
    const float d = f16_to_f32(y->d) * sc[j];
    if (!d) continue;
    for (int ii = 0; ii < 16; ++ii) L[16 * j + ii] = int8_t(std::clamp(nearest_int(x[16 * j + ii] / d), -4, 3) + 4);
  }
  // high bit of element j goes to hmask[j % 32], bit j / 32
  std::memset(y->hmask, 0, sizeof y->hmask);
  uint8_t Lu[kQK_K];
  for (int j = 0; j < kQK_K; ++j) {
    int l = L[j];
    if (l > 3) {
      y->hmask[j % 32] |= uint8_t(1 << (j / 32));
      l -= 4;
    }
    Lu[j] = uint8_t(l);
  }
  pack_2bit(Lu, y->qs);
}

void quantize_block_q4_K(const float* x, block_q4_K* y) {
  uint8_t L[kQK_K];
  quantize_k4_groups(x, 15, -1.f, 20, y->scales, &y->d, &y->dmin, L);
  for (int j = 0; j < kQK_K; j += 64)
    for (int l = 0; l < 32; ++l) y->qs[j / 2 + l] = uint8_t(L[j + l] | (L[j + l + 32] << 4));
}

void quantize_block_q5_K(const float* x, block_q5_K* y) {
  uint8_t L[kQK_K];
  quantize_k4_groups(x, 31, -0.5f, 15, y->scales, &y->d, &y->dmin, L);
  std::memset(y->qh, 0, sizeof y->qh);
  // group g's fifth bits go to bit g of qh[l]
  for (int n = 0, g = 0; n < kQK_K; n += 64, g += 2)
    for (int j = 0; j < 32; ++j) {
      int l1 = L[n + j], l2 = L[n + j + 32];
      if (l1 > 15) l1 -= 16, y->qh[j] |= uint8_t(1 << g);
      if (l2 > 15) l2 -= 16, y->qh[j] |= uint8_t(2 << g);
      y->qs[n / 2 + j] = uint8_t(l1 | (l2 << 4));
    }
}

void quantize_block_q6_K(const float* x, block_q6_K* y) {
  int8_t L[kQK_K];
  float scales[16];
  float max_scale = 0, max_abs_scale = 0;
  for (int ib = 0; ib < 16; ++ib) {
    scales[ib] = make_qx_quants(16, 32, x + 16 * ib, L + 16 * ib);
    if (std::fabs(scales[ib]) > max_abs_scale) max_abs_scale = std::fabs(scales[ib]), max_scale = scales[ib];
  }
  if (max_abs_scale < kGroupMaxEps) {
    std::memset(y, 0, sizeof *y);
    return;
  }
  // 8-bit signed group scales against d = max_scale / -128
  const float iscale = -128.f / max_scale;
  y->d = f32_to_f16(1 / iscale);
  for (int ib = 0; ib < 16; ++ib) y->scales[ib] = int8_t(std::min(127, nearest_int(iscale * scales[ib])));
  for (int j = 0; j < 16; ++j) {
    const float d = f16_to_f32(y->d) * y->scales[j];
    if (!d) continue;
    for (int ii = 0; ii < 16; ++ii) L[16 * j + ii] = int8_t(std::clamp(nearest_int(x[16 * j + ii] / d), -32, 31) + 32);
  }
  for (int j = 0; j < kQK_K; j += 128) {
    uint8_t* ql = y->ql + j / 2;
    uint8_t* qh = y->qh + j / 4;
    for (int l = 0; l < 32; ++l) {
      const int a = L[j + l], b = L[j + l + 32], c = L[j + l + 64], e = L[j + l + 96];
      ql[l] = uint8_t((a & 0xF) | ((c & 0xF) << 4));
      ql[l + 32] = uint8_t((b & 0xF) | ((e & 0xF) << 4));
      qh[l] = uint8_t((a >> 4) | ((b >> 4) << 2) | ((c >> 4) << 4) | ((e >> 4) << 6));
    }
  }
}

}  // namespace hearth
