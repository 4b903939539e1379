// The portable path of vec_dot: per block, sum q*x in f32 and apply the block's scale (and min)
// once, which is dot(dequantize_row(row), x) with a different summation order.
#include <cstring>

#include "core/tensor/dequantize.h"
#include "core/tensor/quant_blocks.h"
#include "core/tensor/vec_dot.h"
#include "core/util/error.h"
#include "core/util/half.h"

namespace hearth {
namespace {

float dot_scalar(const float* a, const float* b, int64_t n) {
  // 4 partial sums: shorter dependency chains and a summation order closer to the SIMD path
  float s[4] = {0, 0, 0, 0};
  int64_t i = 0;
  for (; i + 4 <= n; i += 4)
    for (int k = 0; k < 4; ++k) s[k] += a[i + k] * b[i + k];
  for (; i < n; ++i) s[0] += a[i] * b[i];
  return (s[0] + s[1]) + (s[2] + s[3]);
}

float vd_q4_0(const block_q4_0* b, const float* x, int64_t nb) {
  float sum = 0;
  for (int64_t i = 0; i < nb; ++i, x += 32) {
    float s = 0;
    for (int j = 0; j < 16; ++j) s += float((b[i].qs[j] & 0xF) - 8) * x[j] + float((b[i].qs[j] >> 4) - 8) * x[j + 16];
    sum += s * f16_to_f32(b[i].d);
  }
  return sum;
}

float vd_q4_1(const block_q4_1* b, const float* x, int64_t nb) {
  float sum = 0;
  for (int64_t i = 0; i < nb; ++i, x += 32) {
    float sq = 0, sx = 0;
    for (int j = 0; j < 16; ++j) {
      sq += float(b[i].qs[j] & 0xF) * x[j] + float(b[i].qs[j] >> 4) * x[j + 16];
      sx += x[j] + x[j + 16];
    }
    sum += sq * f16_to_f32(b[i].d) + sx * f16_to_f32(b[i].m);
  }
  return sum;
}

// Q5_0 (offset 16, no min) and Q5_1 (min m, no offset) share the bit layout.
template <typename Block, bool kHasMin>
float vd_q5(const Block* b, const float* x, int64_t nb) {
  float sum = 0;
  for (int64_t i = 0; i < nb; ++i, x += 32) {
    uint32_t qh;
    std::memcpy(&qh, b[i].qh, 4);
    const int off = kHasMin ? 0 : 16;
    float sq = 0, sx = 0;
    for (int j = 0; j < 16; ++j) {
      const int h0 = ((qh >> j) << 4) & 0x10, h1 = (qh >> (j + 12)) & 0x10;
      sq += float(((b[i].qs[j] & 0xF) | h0) - off) * x[j] + float(((b[i].qs[j] >> 4) | h1) - off) * x[j + 16];
      if constexpr (kHasMin) sx += x[j] + x[j + 16];
    }
    sum += sq * f16_to_f32(b[i].d);
    if constexpr (kHasMin) sum += sx * f16_to_f32(b[i].m);
  }
  return sum;
}

float vd_q8_0(const block_q8_0* b, const float* x, int64_t nb) {
  float sum = 0;
  for (int64_t i = 0; i < nb; ++i, x += 32) {
    float s = 0;
    for (int j = 0; j < 32; ++j) s += float(b[i].qs[j]) * x[j];
    sum += s * f16_to_f32(b[i].d);
  }
  return sum;
}

float vd_q2_K(const block_q2_K* b, const float* x, int64_t nb) {
  float sum = 0;
  for (int64_t i = 0; i < nb; ++i) {
    const float d = f16_to_f32(b[i].d), dmin = f16_to_f32(b[i].dmin);
    const uint8_t* q = b[i].qs;
    int is = 0;
    for (int n = 0; n < kQK_K; n += 128, q += 32)
      for (int shift = 0; shift < 8; shift += 2)
        for (int half = 0; half < 2; ++half, x += 16) {
          const uint8_t sc = b[i].scales[is++];
          float sq = 0, sx = 0;
          for (int l = 0; l < 16; ++l) {
            sq += float((q[l + 16 * half] >> shift) & 3) * x[l];
            sx += x[l];
          }
          sum += d * float(sc & 0xF) * sq - dmin * float(sc >> 4) * sx;
        }
  }
  return sum;
}

float vd_q3_K(const block_q3_K* b, const float* x, int64_t nb) {
  float sum = 0;
  for (int64_t i = 0; i < nb; ++i) {
    const float d = f16_to_f32(b[i].d);
    int8_t scales[16];
    q3k_scales(b[i].scales, scales);
    const uint8_t* q = b[i].qs;
    uint8_t m = 1;
    int is = 0;
    for (int n = 0; n < kQK_K; n += 128, q += 32)
      for (int shift = 0; shift < 8; shift += 2, m <<= 1)
        for (int half = 0; half < 2; ++half, x += 16) {
          float sq = 0;
          for (int l = 0; l < 16; ++l) {
            const int k = l + 16 * half;
            sq += float(((q[k] >> shift) & 3) - ((b[i].hmask[k] & m) ? 0 : 4)) * x[l];
          }
          sum += d * float(scales[is++]) * sq;
        }
  }
  return sum;
}

// Q4_K and Q5_K: 8 groups of 32 with a 6-bit scale and min; Q5_K adds a fifth bit from qh.
template <typename Block, bool kFiveBit>
float vd_qk_sm(const Block* b, const float* x, int64_t nb) {
  float sum = 0;
  for (int64_t i = 0; i < nb; ++i) {
    const float d = f16_to_f32(b[i].d), dmin = f16_to_f32(b[i].dmin);
    const uint8_t* q = b[i].qs;
    for (int g = 0; g < 8; ++g, x += 32) {
      const int shift = (g & 1) * 4;
      uint8_t sc, m;
      k4_scale_min(g, b[i].scales, &sc, &m);
      float sq = 0, sx = 0;
      for (int l = 0; l < 32; ++l) {
        int v = (q[l] >> shift) & 0xF;
        if constexpr (kFiveBit) v |= ((b[i].qh[l] >> g) & 1) << 4;
        sq += float(v) * x[l];
        sx += x[l];
      }
      sum += d * float(sc) * sq - dmin * float(m) * sx;
      if (g & 1) q += 32;
    }
  }
  return sum;
}

float vd_q6_K(const block_q6_K* b, const float* x, int64_t nb) {
  float sum = 0;
  for (int64_t i = 0; i < nb; ++i, x += kQK_K) {
    const float d = f16_to_f32(b[i].d);
    for (int n = 0; n < 2; ++n) {
      const uint8_t* ql = b[i].ql + 64 * n;
      const uint8_t* qh = b[i].qh + 32 * n;
      const int8_t* sc = b[i].scales + 8 * n;
      // quarter k (elements 32k..32k+31 of this half): low nibble of ql[l] / ql[l+32] for k = 0 / 1,
      // high nibble for k = 2 / 3; top bits are bit pair k of qh[l]
      for (int k = 0; k < 4; ++k)
        for (int h = 0; h < 2; ++h) {
          float sq = 0;
          for (int l = 16 * h; l < 16 * h + 16; ++l) {
            const int lo = (ql[l + 32 * (k & 1)] >> (4 * (k >> 1))) & 0xF;
            const int q = (lo | (((qh[l] >> (2 * k)) & 3) << 4)) - 32;
            sq += float(q) * x[128 * n + 32 * k + l];
          }
          sum += d * float(sc[h + 2 * k]) * sq;
        }
    }
  }
  return sum;
}

}  // namespace

float dot_f32_scalar(const float* a, const float* b, int64_t n) { return dot_scalar(a, b, n); }

float vec_dot_scalar(GgmlType type, const void* row, const float* x, int64_t n) {
  check_row(type, n, "vec_dot");
  const int64_t nb = n / ggml_type_info(type).block_size;
  switch (type) {
    case GgmlType::F32: return dot_scalar(static_cast<const float*>(row), x, n);
    case GgmlType::F16: {
      const auto* w = static_cast<const uint16_t*>(row);
      float s = 0;
      for (int64_t i = 0; i < n; ++i) s += f16_to_f32(w[i]) * x[i];
      return s;
    }
    case GgmlType::BF16: {
      const auto* w = static_cast<const uint16_t*>(row);
      float s = 0;
      for (int64_t i = 0; i < n; ++i) s += bf16_to_f32(w[i]) * x[i];
      return s;
    }
    case GgmlType::Q4_0: return vd_q4_0(static_cast<const block_q4_0*>(row), x, nb);
    case GgmlType::Q4_1: return vd_q4_1(static_cast<const block_q4_1*>(row), x, nb);
    case GgmlType::Q5_0: return vd_q5<block_q5_0, false>(static_cast<const block_q5_0*>(row), x, nb);
    case GgmlType::Q5_1: return vd_q5<block_q5_1, true>(static_cast<const block_q5_1*>(row), x, nb);
    case GgmlType::Q8_0: return vd_q8_0(static_cast<const block_q8_0*>(row), x, nb);
    case GgmlType::Q2_K: return vd_q2_K(static_cast<const block_q2_K*>(row), x, nb);
    case GgmlType::Q3_K: return vd_q3_K(static_cast<const block_q3_K*>(row), x, nb);
    case GgmlType::Q4_K: return vd_qk_sm<block_q4_K, false>(static_cast<const block_q4_K*>(row), x, nb);
    case GgmlType::Q5_K: return vd_qk_sm<block_q5_K, true>(static_cast<const block_q5_K*>(row), x, nb);
    case GgmlType::Q6_K: return vd_q6_K(static_cast<const block_q6_K*>(row), x, nb);
    default: fail(ErrorCode::kInternal, "vec_dot_scalar: type passed check_row but has no kernel");
  }
}

}  // namespace hearth
