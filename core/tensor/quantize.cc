#include "core/tensor/quantize.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>

#include "core/tensor/dequantize.h"
#include "core/tensor/quant_blocks.h"
#include "core/tensor/quantize_k.h"
#include "core/util/error.h"
#include "core/util/half.h"

namespace hearth {
namespace {

// The value of largest magnitude in x[0..n), with its sign.
float signed_absmax(const float* x, int n) {
  float amax = 0, max = 0;
  for (int j = 0; j < n; ++j)
    if (amax < std::fabs(x[j])) {
      amax = std::fabs(x[j]);
      max = x[j];
    }
  return max;
}

// d = max / -8 so the largest-magnitude value maps to q = 0 exactly (range -8..7 uses all 16 codes).
void q4_0(const float* x, block_q4_0* y) {
  const float d = signed_absmax(x, 32) / -8;
  const float id = d ? 1.0f / d : 0.0f;
  y->d = f32_to_f16(d);
  for (int j = 0; j < 16; ++j) {
    const uint8_t a = std::min(15, int(int8_t(x[j] * id + 8.5f)));
    const uint8_t b = std::min(15, int(int8_t(x[j + 16] * id + 8.5f)));
    y->qs[j] = uint8_t(a | (b << 4));
  }
}

void q4_1(const float* x, block_q4_1* y) {
  float min = FLT_MAX, max = -FLT_MAX;
  for (int j = 0; j < 32; ++j) min = std::min(min, x[j]), max = std::max(max, x[j]);
  const float d = (max - min) / 15;
  const float id = d ? 1.0f / d : 0.0f;
  y->d = f32_to_f16(d);
  y->m = f32_to_f16(min);
  for (int j = 0; j < 16; ++j) {
    const uint8_t a = std::min(15, int(int8_t((x[j] - min) * id + 0.5f)));
    const uint8_t b = std::min(15, int(int8_t((x[j + 16] - min) * id + 0.5f)));
    y->qs[j] = uint8_t(a | (b << 4));
  }
}

void q5_0(const float* x, block_q5_0* y) {
  const float d = signed_absmax(x, 32) / -16;
  const float id = d ? 1.0f / d : 0.0f;
  y->d = f32_to_f16(d);
  uint32_t qh = 0;
  for (int j = 0; j < 16; ++j) {
    const uint8_t a = std::min(31, int(int8_t(x[j] * id + 16.5f)));
    const uint8_t b = std::min(31, int(int8_t(x[j + 16] * id + 16.5f)));
    y->qs[j] = uint8_t((a & 0xF) | ((b & 0xF) << 4));
    qh |= uint32_t((a & 0x10) >> 4) << j;
    qh |= uint32_t((b & 0x10) >> 4) << (j + 16);
  }
  std::memcpy(y->qh, &qh, 4);
}

void q5_1(const float* x, block_q5_1* y) {
  float min = FLT_MAX, max = -FLT_MAX;
  for (int j = 0; j < 32; ++j) min = std::min(min, x[j]), max = std::max(max, x[j]);
  const float d = (max - min) / 31;
  const float id = d ? 1.0f / d : 0.0f;
  y->d = f32_to_f16(d);
  y->m = f32_to_f16(min);
  uint32_t qh = 0;
  for (int j = 0; j < 16; ++j) {
    const uint8_t a = uint8_t(int8_t((x[j] - min) * id + 0.5f));
    const uint8_t b = uint8_t(int8_t((x[j + 16] - min) * id + 0.5f));
    y->qs[j] = uint8_t((a & 0xF) | ((b & 0xF) << 4));
    qh |= uint32_t((a & 0x10) >> 4) << j;
    qh |= uint32_t((b & 0x10) >> 4) << (j + 16);
  }
  std::memcpy(y->qh, &qh, 4);
}

void q8_0(const float* x, block_q8_0* y) {
  float amax = 0;
  for (int j = 0; j < 32; ++j) amax = std::max(amax, std::fabs(x[j]));
  const float d = amax / 127;
  const float id = d ? 1.0f / d : 0.0f;
  y->d = f32_to_f16(d);
  for (int j = 0; j < 32; ++j) y->qs[j] = int8_t(std::roundf(x[j] * id));
}

// Applies `one` to every block of n elements.
template <typename Block, int kSize, typename Fn>
void each_block(const float* src, void* dst, int64_t n, Fn one) {
  auto* y = static_cast<Block*>(dst);
  for (int64_t i = 0; i < n / kSize; ++i) one(src + i * kSize, y + i);
}

}  // namespace

void quantize_row(GgmlType type, const float* src, void* dst, int64_t n) {
  check_row(type, n, "quantize_row");
  switch (type) {
    case GgmlType::F32: std::memcpy(dst, src, size_t(n) * 4); return;
    case GgmlType::F16: {
      auto* d = static_cast<uint16_t*>(dst);
      for (int64_t i = 0; i < n; ++i) d[i] = f32_to_f16(src[i]);
      return;
    }
    case GgmlType::BF16: {
      auto* d = static_cast<uint16_t*>(dst);
      for (int64_t i = 0; i < n; ++i) d[i] = f32_to_bf16(src[i]);
      return;
    }
    case GgmlType::Q4_0: return each_block<block_q4_0, kQK4_0>(src, dst, n, q4_0);
    case GgmlType::Q4_1: return each_block<block_q4_1, kQK4_1>(src, dst, n, q4_1);
    case GgmlType::Q5_0: return each_block<block_q5_0, kQK5_0>(src, dst, n, q5_0);
    case GgmlType::Q5_1: return each_block<block_q5_1, kQK5_1>(src, dst, n, q5_1);
    case GgmlType::Q8_0: return each_block<block_q8_0, kQK8_0>(src, dst, n, q8_0);
    case GgmlType::Q2_K: return each_block<block_q2_K, kQK_K>(src, dst, n, quantize_block_q2_K);
    case GgmlType::Q3_K: return each_block<block_q3_K, kQK_K>(src, dst, n, quantize_block_q3_K);
    case GgmlType::Q4_K: return each_block<block_q4_K, kQK_K>(src, dst, n, quantize_block_q4_K);
    case GgmlType::Q5_K: return each_block<block_q5_K, kQK_K>(src, dst, n, quantize_block_q5_K);
    case GgmlType::Q6_K: return each_block<block_q6_K, kQK_K>(src, dst, n, quantize_block_q6_K);
    default: fail(ErrorCode::kInternal, "quantize_row: type passed check_row but has no quantizer");
  }
}

}  // namespace hearth
