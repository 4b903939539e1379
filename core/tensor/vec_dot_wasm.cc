// WASM SIMD128 kernels for vec_dot (built with -msimd128), the same entry points and summation
// shape as vec_dot_avx2.cc. SIMD128 has no FMA and no f16 conversion, but it has 8-bit shifts, so
// quant bytes are unpacked in int8 lanes (and/shift/or), widened i8 -> i16 -> i32, converted to f32
// and multiplied into the f32 activations; each block's (or group's) sum is scaled once. F16 is
// widened with integer ops and one exact multiply by 2^112. Types without a hand-written kernel
// dequantize a 256-element chunk and use the f32 dot. The quant kernels are kept out of line so
// V8 tiers each up on its own (one giant inlined vec_dot_simd stayed in Liftoff far longer).
#include "core/tensor/vec_dot_simd.h"

#ifdef HEARTH_VEC_DOT_WASM

#include <wasm_simd128.h>

#include "core/tensor/dequantize.h"
#include "core/tensor/quant_blocks.h"
#include "core/util/half.h"

namespace hearth {
namespace {

inline float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

inline v128_t ld(const float* p) { return wasm_v128_load(p); }
inline v128_t madd(v128_t a, v128_t b, v128_t acc) { return wasm_f32x4_add(wasm_f32x4_mul(a, b), acc); }

float dot_f32_wasm(const float* a, const float* b, int64_t n) {
  v128_t acc[4] = {wasm_f32x4_splat(0), wasm_f32x4_splat(0), wasm_f32x4_splat(0), wasm_f32x4_splat(0)};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int k = 0; k < 4; ++k) acc[k] = madd(ld(a + i + 4 * k), ld(b + i + 4 * k), acc[k]);
  for (; i + 4 <= n; i += 4) acc[0] = madd(ld(a + i), ld(b + i), acc[0]);
  float s = hsum(wasm_f32x4_add(wasm_f32x4_add(acc[0], acc[1]), wasm_f32x4_add(acc[2], acc[3])));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

// 4 halves (zero-extended into u32 lanes) to f32, exactly as f16_to_f32: the 15 magnitude bits
// shifted into an f32's exponent/mantissa and scaled by 2^112 (exact for normals and subnormals),
// exponent 31 forced to 255 (inf/NaN), then the sign.
inline v128_t f16x4_to_f32(v128_t h) {
  const v128_t sign = wasm_i32x4_shl(wasm_v128_and(h, wasm_i32x4_splat(0x8000)), 16);
  v128_t f = wasm_f32x4_mul(wasm_i32x4_shl(wasm_v128_and(h, wasm_i32x4_splat(0x7fff)), 13), wasm_f32x4_splat(0x1p112f));
  const v128_t e = wasm_v128_and(h, wasm_i32x4_splat(0x7c00));
  f = wasm_v128_or(f, wasm_v128_and(wasm_i32x4_eq(e, wasm_i32x4_splat(0x7c00)), wasm_i32x4_splat(0x7f800000)));
  return wasm_v128_or(f, sign);
}

v128_t load4_f16(const uint16_t* p) { return f16x4_to_f32(wasm_u32x4_load16x4(p)); }
v128_t load4_bf16(const uint16_t* p) { return wasm_i32x4_shl(wasm_u32x4_load16x4(p), 16); }
float one_f16(uint16_t h) { return f16_to_f32(h); }
float one_bf16(uint16_t h) { return bf16_to_f32(h); }

// Shared loop for 16-bit float rows: `load4` widens 4 weights to f32, `one` converts one.
template <typename Load4, typename One>
float dot_16bit(const uint16_t* w, const float* x, int64_t n, Load4 load4, One one) {
  v128_t acc[4] = {wasm_f32x4_splat(0), wasm_f32x4_splat(0), wasm_f32x4_splat(0), wasm_f32x4_splat(0)};
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    for (int k = 0; k < 4; ++k) acc[k] = madd(load4(w + i + 4 * k), ld(x + i + 4 * k), acc[k]);
  for (; i + 4 <= n; i += 4) acc[0] = madd(load4(w + i), ld(x + i), acc[0]);
  float s = hsum(wasm_f32x4_add(wasm_f32x4_add(acc[0], acc[1]), wasm_f32x4_add(acc[2], acc[3])));
  for (; i < n; ++i) s += one(w[i]) * x[i];
  return s;
}

// Small ints (|v| < 2^22, in i32 lanes) to f32 exactly: v added to the bits of 1.5 * 2^23 (whose
// ulp is 1), minus 1.5 * 2^23. Not f32x4.convert_i32x4: clang 14 folds extend + convert into a
// v4i16 -> v4f32 conversion that it scalarizes lane by lane (10x slower under V8).
inline v128_t small_i32_to_f32(v128_t v) {
  return wasm_f32x4_sub(wasm_i32x4_add(v, wasm_i32x4_splat(0x4B400000)), wasm_f32x4_splat(12582912.0f));
}

// sum_j q[j] * x[j] over 16 signed bytes, as 4 lanes of partial sums.
inline v128_t dot_i8x16(v128_t q, const float* x) {
  const v128_t a = wasm_i16x8_extend_low_i8x16(q), b = wasm_i16x8_extend_high_i8x16(q);
  const v128_t f0 = small_i32_to_f32(wasm_i32x4_extend_low_i16x8(a));
  const v128_t f1 = small_i32_to_f32(wasm_i32x4_extend_high_i16x8(a));
  const v128_t f2 = small_i32_to_f32(wasm_i32x4_extend_low_i16x8(b));
  const v128_t f3 = small_i32_to_f32(wasm_i32x4_extend_high_i16x8(b));
  return wasm_f32x4_add(madd(f0, ld(x), wasm_f32x4_mul(f1, ld(x + 4))), madd(f2, ld(x + 8), wasm_f32x4_mul(f3, ld(x + 12))));
}

inline v128_t sum32(const float* x) {
  return wasm_f32x4_add(
      wasm_f32x4_add(wasm_f32x4_add(ld(x), ld(x + 4)), wasm_f32x4_add(ld(x + 8), ld(x + 12))),
      wasm_f32x4_add(wasm_f32x4_add(ld(x + 16), ld(x + 20)), wasm_f32x4_add(ld(x + 24), ld(x + 28))));
}

// Q4_0: byte j holds element j (low nibble) and j + 16 (high).
inline v128_t q4_0_block(const block_q4_0& b, const float* x) {
  const v128_t r = wasm_v128_load(b.qs), k8 = wasm_i8x16_splat(8);
  const v128_t lo = wasm_i8x16_sub(wasm_v128_and(r, wasm_i8x16_splat(0xF)), k8);
  const v128_t hi = wasm_i8x16_sub(wasm_u8x16_shr(r, 4), k8);
  return wasm_f32x4_add(dot_i8x16(lo, x), dot_i8x16(hi, x + 16));
}

__attribute__((noinline)) float vd_q4_0(const block_q4_0* b, const float* x, int64_t nb) {
  v128_t acc0 = wasm_f32x4_splat(0), acc1 = wasm_f32x4_splat(0);
  int64_t i = 0;
  for (; i + 2 <= nb; i += 2, x += 64) {
    acc0 = madd(wasm_f32x4_splat(f16_to_f32(b[i].d)), q4_0_block(b[i], x), acc0);
    acc1 = madd(wasm_f32x4_splat(f16_to_f32(b[i + 1].d)), q4_0_block(b[i + 1], x + 32), acc1);
  }
  if (i < nb) acc0 = madd(wasm_f32x4_splat(f16_to_f32(b[i].d)), q4_0_block(b[i], x), acc0);
  return hsum(wasm_f32x4_add(acc0, acc1));
}

inline v128_t q8_0_block(const block_q8_0& b, const float* x) {
  return wasm_f32x4_add(dot_i8x16(wasm_v128_load(b.qs), x), dot_i8x16(wasm_v128_load(b.qs + 16), x + 16));
}

__attribute__((noinline)) float vd_q8_0(const block_q8_0* b, const float* x, int64_t nb) {
  v128_t acc0 = wasm_f32x4_splat(0), acc1 = wasm_f32x4_splat(0);
  int64_t i = 0;
  for (; i + 2 <= nb; i += 2, x += 64) {
    acc0 = madd(wasm_f32x4_splat(f16_to_f32(b[i].d)), q8_0_block(b[i], x), acc0);
    acc1 = madd(wasm_f32x4_splat(f16_to_f32(b[i + 1].d)), q8_0_block(b[i + 1], x + 32), acc1);
  }
  if (i < nb) acc0 = madd(wasm_f32x4_splat(f16_to_f32(b[i].d)), q8_0_block(b[i], x), acc0);
  return hsum(wasm_f32x4_add(acc0, acc1));
}

// Q4_K / Q5_K: per 64 elements, 32 bytes whose low nibbles are group 2p and high nibbles group
// 2p+1 (Q5_K: fifth bit g of qh[l]). sum = sum_g d*sc[g] * sum(q*x) - dmin*m[g] * sum(x).
template <typename Block, bool kFiveBit>
__attribute__((noinline)) float vd_qk_sm(const Block* b, const float* x, int64_t nb) {
  v128_t accq0 = wasm_f32x4_splat(0), accq1 = wasm_f32x4_splat(0), accm = wasm_f32x4_splat(0);
  const v128_t m4 = wasm_i8x16_splat(0xF), k16 = wasm_i8x16_splat(0x10);
  for (int64_t i = 0; i < nb; ++i) {
    const float d = f16_to_f32(b[i].d), dmin = f16_to_f32(b[i].dmin);
    for (int p = 0; p < 4; ++p, x += 64) {
      uint8_t sc0, m0, sc1, m1;
      k4_scale_min(2 * p, b[i].scales, &sc0, &m0);
      k4_scale_min(2 * p + 1, b[i].scales, &sc1, &m1);
      const uint8_t* q = b[i].qs + 32 * p;
      v128_t s0 = wasm_f32x4_splat(0), s1 = wasm_f32x4_splat(0);
      for (int k = 0; k < 2; ++k) {
        const v128_t r = wasm_v128_load(q + 16 * k);
        v128_t lo = wasm_v128_and(r, m4), hi = wasm_u8x16_shr(r, 4);
        if constexpr (kFiveBit) {
          // bit test by mask and compare: clang 14 scalarizes an i8x16 shift by a loop variable
          const v128_t h = wasm_v128_load(b[i].qh + 16 * k), zero = wasm_i8x16_splat(0);
          const v128_t bit0 = wasm_i8x16_ne(wasm_v128_and(h, wasm_i8x16_splat(int8_t(1 << (2 * p)))), zero);
          const v128_t bit1 = wasm_i8x16_ne(wasm_v128_and(h, wasm_i8x16_splat(int8_t(1 << (2 * p + 1)))), zero);
          lo = wasm_v128_or(lo, wasm_v128_and(bit0, k16));
          hi = wasm_v128_or(hi, wasm_v128_and(bit1, k16));
        }
        s0 = wasm_f32x4_add(s0, dot_i8x16(lo, x + 16 * k));
        s1 = wasm_f32x4_add(s1, dot_i8x16(hi, x + 32 + 16 * k));
      }
      accq0 = madd(wasm_f32x4_splat(d * float(sc0)), s0, accq0);
      accq1 = madd(wasm_f32x4_splat(d * float(sc1)), s1, accq1);
      accm = madd(wasm_f32x4_splat(dmin * float(m0)), sum32(x), accm);
      accm = madd(wasm_f32x4_splat(dmin * float(m1)), sum32(x + 32), accm);
    }
  }
  return hsum(wasm_f32x4_sub(wasm_f32x4_add(accq0, accq1), accm));
}

// Q6_K: per 128 elements, ql[0..32) / ql[32..64) low nibbles are quarters 0 / 1, high nibbles
// quarters 2 / 3; qh bit pairs 0..3 are their top 2 bits. Each 16 elements of a quarter share a
// scale, so one 16-byte vector of each array covers one scale group of all four quarters.
__attribute__((noinline)) float vd_q6_K(const block_q6_K* b, const float* x, int64_t nb) {
  v128_t acc0 = wasm_f32x4_splat(0), acc1 = wasm_f32x4_splat(0);
  const v128_t m4 = wasm_i8x16_splat(0xF), m30 = wasm_i8x16_splat(0x30), k32 = wasm_i8x16_splat(32);
  for (int64_t i = 0; i < nb; ++i) {
    const float d = f16_to_f32(b[i].d);
    for (int n = 0; n < 2; ++n, x += 128) {
      const int8_t* sc = b[i].scales + 8 * n;
      for (int c = 0; c < 2; ++c) {
        const v128_t ql0 = wasm_v128_load(b[i].ql + 64 * n + 16 * c);
        const v128_t ql1 = wasm_v128_load(b[i].ql + 64 * n + 32 + 16 * c);
        const v128_t qh = wasm_v128_load(b[i].qh + 32 * n + 16 * c);
        const v128_t q0 = wasm_v128_or(wasm_v128_and(ql0, m4), wasm_v128_and(wasm_i8x16_shl(qh, 4), m30));
        const v128_t q1 = wasm_v128_or(wasm_v128_and(ql1, m4), wasm_v128_and(wasm_i8x16_shl(qh, 2), m30));
        const v128_t q2 = wasm_v128_or(wasm_u8x16_shr(ql0, 4), wasm_v128_and(qh, m30));
        const v128_t q3 = wasm_v128_or(wasm_u8x16_shr(ql1, 4), wasm_v128_and(wasm_u8x16_shr(qh, 2), m30));
        const float* xc = x + 16 * c;
        acc0 = madd(wasm_f32x4_splat(d * float(sc[c])), dot_i8x16(wasm_i8x16_sub(q0, k32), xc), acc0);
        acc1 = madd(wasm_f32x4_splat(d * float(sc[2 + c])), dot_i8x16(wasm_i8x16_sub(q1, k32), xc + 32), acc1);
        acc0 = madd(wasm_f32x4_splat(d * float(sc[4 + c])), dot_i8x16(wasm_i8x16_sub(q2, k32), xc + 64), acc0);
        acc1 = madd(wasm_f32x4_splat(d * float(sc[6 + c])), dot_i8x16(wasm_i8x16_sub(q3, k32), xc + 96), acc1);
      }
    }
  }
  return hsum(wasm_f32x4_add(acc0, acc1));
}

// Other types: dequantize 256 elements at a time, then the f32 dot.
float vd_dequant(GgmlType type, const void* row, const float* x, int64_t n) {
  const GgmlTypeInfo info = ggml_type_info(type);
  alignas(16) float buf[256];
  const auto* src = static_cast<const uint8_t*>(row);
  float sum = 0;
  for (int64_t i = 0; i < n; i += 256) {
    const int64_t len = n - i < 256 ? n - i : 256;
    dequantize_row(type, src + i / info.block_size * info.block_bytes, buf, len);
    sum += dot_f32_wasm(buf, x + i, len);
  }
  return sum;
}

}  // namespace

float dot_f32_simd(const float* a, const float* b, int64_t n) { return dot_f32_wasm(a, b, n); }

float vec_dot_simd(GgmlType type, const void* row, const float* x, int64_t n) {
  switch (type) {
    case GgmlType::F32: return dot_f32_wasm(static_cast<const float*>(row), x, n);
    case GgmlType::F16: return dot_16bit(static_cast<const uint16_t*>(row), x, n, load4_f16, one_f16);
    case GgmlType::BF16: return dot_16bit(static_cast<const uint16_t*>(row), x, n, load4_bf16, one_bf16);
    case GgmlType::Q4_0: return vd_q4_0(static_cast<const block_q4_0*>(row), x, n / kQK4_0);
    case GgmlType::Q8_0: return vd_q8_0(static_cast<const block_q8_0*>(row), x, n / kQK8_0);
    case GgmlType::Q4_K: return vd_qk_sm<block_q4_K, false>(static_cast<const block_q4_K*>(row), x, n / kQK_K);
    case GgmlType::Q5_K: return vd_qk_sm<block_q5_K, true>(static_cast<const block_q5_K*>(row), x, n / kQK_K);
    case GgmlType::Q6_K: return vd_q6_K(static_cast<const block_q6_K*>(row), x, n / kQK_K);
    default: return vd_dequant(type, row, x, n);
  }
}

const char* vec_dot_simd_path(GgmlType type) {
  switch (type) {
    case GgmlType::F32: case GgmlType::F16: case GgmlType::BF16:
    case GgmlType::Q4_0: case GgmlType::Q8_0: case GgmlType::Q4_K: case GgmlType::Q5_K: case GgmlType::Q6_K:
      return "simd128";
    default:
      return "simd128-dequant";
  }
}

}  // namespace hearth
#endif  // HEARTH_VEC_DOT_WASM
