#include "core/tensor/dequantize.h"

#include <cstring>
#include <string>

#include "core/tensor/quant_blocks.h"
#include "core/util/error.h"
#include "core/util/half.h"

namespace hearth {
namespace {

void dq_q4_0(const block_q4_0* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, y += kQK4_0) {
    const float d = f16_to_f32(b[i].d);
    for (int j = 0; j < 16; ++j) {
      y[j] = float((b[i].qs[j] & 0xF) - 8) * d;
      y[j + 16] = float((b[i].qs[j] >> 4) - 8) * d;
    }
  }
}

void dq_q4_1(const block_q4_1* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, y += kQK4_1) {
    const float d = f16_to_f32(b[i].d), m = f16_to_f32(b[i].m);
    for (int j = 0; j < 16; ++j) {
      y[j] = float(b[i].qs[j] & 0xF) * d + m;
      y[j + 16] = float(b[i].qs[j] >> 4) * d + m;
    }
  }
}

void dq_q5_0(const block_q5_0* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, y += kQK5_0) {
    const float d = f16_to_f32(b[i].d);
    uint32_t qh;
    std::memcpy(&qh, b[i].qh, 4);
    for (int j = 0; j < 16; ++j) {
      const int h0 = ((qh >> j) << 4) & 0x10, h1 = (qh >> (j + 12)) & 0x10;
      y[j] = float(((b[i].qs[j] & 0xF) | h0) - 16) * d;
      y[j + 16] = float(((b[i].qs[j] >> 4) | h1) - 16) * d;
    }
  }
}

void dq_q5_1(const block_q5_1* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, y += kQK5_1) {
    const float d = f16_to_f32(b[i].d), m = f16_to_f32(b[i].m);
    uint32_t qh;
    std::memcpy(&qh, b[i].qh, 4);
    for (int j = 0; j < 16; ++j) {
      const int h0 = ((qh >> j) << 4) & 0x10, h1 = (qh >> (j + 12)) & 0x10;
      y[j] = float((b[i].qs[j] & 0xF) | h0) * d + m;
      y[j + 16] = float((b[i].qs[j] >> 4) | h1) * d + m;
    }
  }
}

void dq_q8_0(const block_q8_0* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i, y += kQK8_0) {
    const float d = f16_to_f32(b[i].d);
    for (int j = 0; j < kQK8_0; ++j) y[j] = float(b[i].qs[j]) * d;
  }
}

void dq_q2_K(const block_q2_K* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i) {
    const float d = f16_to_f32(b[i].d), dmin = f16_to_f32(b[i].dmin);
    const uint8_t* q = b[i].qs;
    int is = 0;
    // two halves of 128; each byte of a 32-byte run holds 4 quants, one per 32-element quarter
    for (int n = 0; n < kQK_K; n += 128, q += 32) {
      for (int shift = 0; shift < 8; shift += 2) {
        for (int half = 0; half < 2; ++half) {
          const uint8_t sc = b[i].scales[is++];
          const float dl = d * float(sc & 0xF), ml = dmin * float(sc >> 4);
          for (int l = 0; l < 16; ++l) *y++ = dl * float((q[l + 16 * half] >> shift) & 3) - ml;
        }
      }
    }
  }
}

void dq_q3_K(const block_q3_K* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i) {
    const float d_all = f16_to_f32(b[i].d);
    int8_t scales[16];
    q3k_scales(b[i].scales, scales);
    const uint8_t* q = b[i].qs;
    const uint8_t* hm = b[i].hmask;
    uint8_t m = 1;
    int is = 0;
    for (int n = 0; n < kQK_K; n += 128, q += 32) {
      for (int shift = 0; shift < 8; shift += 2, m <<= 1) {
        for (int half = 0; half < 2; ++half) {
          const float dl = d_all * float(scales[is++]);
          for (int l = 16 * half; l < 16 * half + 16; ++l)
            *y++ = dl * float(((q[l] >> shift) & 3) - ((hm[l] & m) ? 0 : 4));
        }
      }
    }
  }
}

void dq_q4_K(const block_q4_K* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i) {
    const float d = f16_to_f32(b[i].d), dmin = f16_to_f32(b[i].dmin);
    const uint8_t* q = b[i].qs;
    for (int is = 0; is < 8; is += 2, q += 32) {
      uint8_t sc, m;
      k4_scale_min(is, b[i].scales, &sc, &m);
      const float d1 = d * float(sc), m1 = dmin * float(m);
      k4_scale_min(is + 1, b[i].scales, &sc, &m);
      const float d2 = d * float(sc), m2 = dmin * float(m);
      for (int l = 0; l < 32; ++l) *y++ = d1 * float(q[l] & 0xF) - m1;
      for (int l = 0; l < 32; ++l) *y++ = d2 * float(q[l] >> 4) - m2;
    }
  }
}

void dq_q5_K(const block_q5_K* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i) {
    const float d = f16_to_f32(b[i].d), dmin = f16_to_f32(b[i].dmin);
    const uint8_t* ql = b[i].qs;
    const uint8_t* qh = b[i].qh;
    uint8_t u1 = 1, u2 = 2;
    for (int is = 0; is < 8; is += 2, ql += 32, u1 <<= 2, u2 <<= 2) {
      uint8_t sc, m;
      k4_scale_min(is, b[i].scales, &sc, &m);
      const float d1 = d * float(sc), m1 = dmin * float(m);
      k4_scale_min(is + 1, b[i].scales, &sc, &m);
      const float d2 = d * float(sc), m2 = dmin * float(m);
      for (int l = 0; l < 32; ++l) *y++ = d1 * float((ql[l] & 0xF) + (qh[l] & u1 ? 16 : 0)) - m1;
      for (int l = 0; l < 32; ++l) *y++ = d2 * float((ql[l] >> 4) + (qh[l] & u2 ? 16 : 0)) - m2;
    }
  }
}

void dq_q6_K(const block_q6_K* b, float* y, int64_t nb) {
  for (int64_t i = 0; i < nb; ++i) {
    const float d = f16_to_f32(b[i].d);
    const uint8_t* ql = b[i].ql;
    const uint8_t* qh = b[i].qh;
    const int8_t* sc = b[i].scales;
    // each 128-element half: ql bytes 0-31 / 32-63 hold elements l, 32+l (low nibble) and
    // 64+l, 96+l (high nibble); qh byte l holds their top 2 bits in bit pairs 0,1,2,3
    for (int n = 0; n < kQK_K; n += 128, y += 128, ql += 64, qh += 32, sc += 8) {
      for (int l = 0; l < 32; ++l) {
        const int is = l / 16;
        const int q1 = int((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = int((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = int((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = int((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        y[l] = d * float(sc[is]) * float(q1);
        y[l + 32] = d * float(sc[is + 2]) * float(q2);
        y[l + 64] = d * float(sc[is + 4]) * float(q3);
        y[l + 96] = d * float(sc[is + 6]) * float(q4);
      }
    }
  }
}

}  // namespace

void check_row(GgmlType type, int64_t n, const char* op) {
  const GgmlTypeInfo info = ggml_type_info(type);
  bool handled = false;
  switch (type) {
    case GgmlType::F32: case GgmlType::F16: case GgmlType::BF16:
    case GgmlType::Q4_0: case GgmlType::Q4_1: case GgmlType::Q5_0: case GgmlType::Q5_1:
    case GgmlType::Q8_0: case GgmlType::Q2_K: case GgmlType::Q3_K: case GgmlType::Q4_K:
    case GgmlType::Q5_K: case GgmlType::Q6_K:
      handled = true;
      break;
    default:
      break;
  }
  if (!handled)
    fail(ErrorCode::kUnsupported, std::string(op) + ": tensor type " + info.name + " (id " +
                                      std::to_string(static_cast<uint32_t>(type)) +
                                      ") is not supported; supported types: " + supported_weight_types());
  if (n < 0 || n % info.block_size != 0)
    fail(ErrorCode::kInvalidArgument, std::string(op) + ": row of " + std::to_string(n) +
                                          " elements is not a whole number of " + info.name + " blocks of " +
                                          std::to_string(info.block_size));
}

void dequantize_row(GgmlType type, const void* src, float* dst, int64_t n) {
  check_row(type, n, "dequantize_row");
  const int64_t nb = n / ggml_type_info(type).block_size;
  switch (type) {
    case GgmlType::F32: std::memcpy(dst, src, size_t(n) * 4); return;
    case GgmlType::F16: {
      const auto* s = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; ++i) dst[i] = f16_to_f32(s[i]);
      return;
    }
    case GgmlType::BF16: {
      const auto* s = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; ++i) dst[i] = bf16_to_f32(s[i]);
      return;
    }
    case GgmlType::Q4_0: return dq_q4_0(static_cast<const block_q4_0*>(src), dst, nb);
    case GgmlType::Q4_1: return dq_q4_1(static_cast<const block_q4_1*>(src), dst, nb);
    case GgmlType::Q5_0: return dq_q5_0(static_cast<const block_q5_0*>(src), dst, nb);
    case GgmlType::Q5_1: return dq_q5_1(static_cast<const block_q5_1*>(src), dst, nb);
    case GgmlType::Q8_0: return dq_q8_0(static_cast<const block_q8_0*>(src), dst, nb);
    case GgmlType::Q2_K: return dq_q2_K(static_cast<const block_q2_K*>(src), dst, nb);
    case GgmlType::Q3_K: return dq_q3_K(static_cast<const block_q3_K*>(src), dst, nb);
    case GgmlType::Q4_K: return dq_q4_K(static_cast<const block_q4_K*>(src), dst, nb);
    case GgmlType::Q5_K: return dq_q5_K(static_cast<const block_q5_K*>(src), dst, nb);
    case GgmlType::Q6_K: return dq_q6_K(static_cast<const block_q6_K*>(src), dst, nb);
    default: fail(ErrorCode::kInternal, "dequantize_row: type passed check_row but has no kernel");
  }
}

}  // namespace hearth
