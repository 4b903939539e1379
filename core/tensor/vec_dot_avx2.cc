// AVX2+FMA kernels for vec_dot. Quant bytes are widened straight from memory to int32 lanes
// (vpmovzxbd/vpmovsxbd), unpacked there with and/shift, converted to f32 and FMA'd into the f32
// activations; each block's (or group's) sum is scaled once. Several
// independent accumulators hide FMA latency. Types without a hand-written kernel dequantize a
// 256-element chunk into L1 and use the f32 dot.
#include "core/tensor/vec_dot_simd.h"

#ifdef HEARTH_VEC_DOT_AVX2

#include <immintrin.h>

#include <cstring>

#include "core/tensor/dequantize.h"
#include "core/tensor/quant_blocks.h"

namespace hearth {
namespace {

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

inline float half(uint16_t h) { return _cvtsh_ss(h); }

inline __m256 sum32(const float* x) {
  return _mm256_add_ps(_mm256_add_ps(_mm256_loadu_ps(x), _mm256_loadu_ps(x + 8)),
                       _mm256_add_ps(_mm256_loadu_ps(x + 16), _mm256_loadu_ps(x + 24)));
}

float dot_f32_avx2(const float* a, const float* b, int64_t n) {
  __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
  int64_t i = 0;
  for (; i + 32 <= n; i += 32)
    for (int k = 0; k < 4; ++k)
      acc[k] = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8 * k), _mm256_loadu_ps(b + i + 8 * k), acc[k]);
  for (; i + 8 <= n; i += 8) acc[0] = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc[0]);
  float s = hsum(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
  for (; i < n; ++i) s += a[i] * b[i];
  return s;
}

// Shared loop for 16-bit float rows: `load8` widens 8 weights to f32, `one` converts one.
template <typename Load8, typename One>
float dot_16bit(const uint16_t* w, const float* x, int64_t n, Load8 load8, One one) {
  __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
  int64_t i = 0;
  for (; i + 32 <= n; i += 32)
    for (int k = 0; k < 4; ++k) acc[k] = _mm256_fmadd_ps(load8(w + i + 8 * k), _mm256_loadu_ps(x + i + 8 * k), acc[k]);
  for (; i + 8 <= n; i += 8) acc[0] = _mm256_fmadd_ps(load8(w + i), _mm256_loadu_ps(x + i), acc[0]);
  float s = hsum(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
  for (; i < n; ++i) s += one(w[i]) * x[i];
  return s;
}

__m256 load8_f16(const uint16_t* p) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
__m256 load8_bf16(const uint16_t* p) {
  const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
}
float one_f16(uint16_t h) { return half(h); }
float one_bf16(uint16_t h) {
  const uint32_t u = uint32_t(h) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// 8 bytes widened straight from memory to int32 lanes (one vpmovzxbd / vpmovsxbd each).
inline __m256i u8x8(const uint8_t* p) { return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))); }
inline __m256i i8x8(const int8_t* p) { return _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))); }

// Q4_0: byte j holds element j (low nibble) and j + 16 (high). Widening 8 raw bytes to int32 first
// gives both nibbles of 8 elements with one and + one shift; this beat unpacking in int8 lanes
// (2.3 -> 1.8 ms per 4096x4096 on Zen 3) because it needs fewer shuffles.
inline __m256 q4_0_block(const block_q4_0& b, const float* x) {
  const __m256i m4 = _mm256_set1_epi32(0xF), k8 = _mm256_set1_epi32(8);
  const __m256i r0 = u8x8(b.qs), r1 = u8x8(b.qs + 8);
  const __m256 q0 = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_and_si256(r0, m4), k8));
  const __m256 q1 = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_and_si256(r1, m4), k8));
  const __m256 q2 = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(r0, 4), k8));
  const __m256 q3 = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(r1, 4), k8));
  const __m256 s = _mm256_fmadd_ps(q2, _mm256_loadu_ps(x + 16), _mm256_mul_ps(q0, _mm256_loadu_ps(x)));
  const __m256 t = _mm256_fmadd_ps(q3, _mm256_loadu_ps(x + 24), _mm256_mul_ps(q1, _mm256_loadu_ps(x + 8)));
  return _mm256_add_ps(s, t);
}

float vd_q4_0(const block_q4_0* b, const float* x, int64_t nb) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 2 <= nb; i += 2, x += 64) {
    acc0 = _mm256_fmadd_ps(_mm256_set1_ps(half(b[i].d)), q4_0_block(b[i], x), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_set1_ps(half(b[i + 1].d)), q4_0_block(b[i + 1], x + 32), acc1);
  }
  if (i < nb) acc0 = _mm256_fmadd_ps(_mm256_set1_ps(half(b[i].d)), q4_0_block(b[i], x), acc0);
  return hsum(_mm256_add_ps(acc0, acc1));
}

inline __m256 q8_0_block(const block_q8_0& b, const float* x) {
  const __m256 s = _mm256_fmadd_ps(_mm256_cvtepi32_ps(i8x8(b.qs + 16)), _mm256_loadu_ps(x + 16),
                                   _mm256_mul_ps(_mm256_cvtepi32_ps(i8x8(b.qs)), _mm256_loadu_ps(x)));
  const __m256 t = _mm256_fmadd_ps(_mm256_cvtepi32_ps(i8x8(b.qs + 24)), _mm256_loadu_ps(x + 24),
                                   _mm256_mul_ps(_mm256_cvtepi32_ps(i8x8(b.qs + 8)), _mm256_loadu_ps(x + 8)));
  return _mm256_add_ps(s, t);
}

float vd_q8_0(const block_q8_0* b, const float* x, int64_t nb) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 2 <= nb; i += 2, x += 64) {
    acc0 = _mm256_fmadd_ps(_mm256_set1_ps(half(b[i].d)), q8_0_block(b[i], x), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_set1_ps(half(b[i + 1].d)), q8_0_block(b[i + 1], x + 32), acc1);
  }
  if (i < nb) acc0 = _mm256_fmadd_ps(_mm256_set1_ps(half(b[i].d)), q8_0_block(b[i], x), acc0);
  return hsum(_mm256_add_ps(acc0, acc1));
}

// Q4_K / Q5_K: per 64 elements, 32 bytes whose low nibbles are group 2p and high nibbles group
// 2p+1 (Q5_K: fifth bit g of qh[l]). sum = sum_g d*sc[g] * sum(q*x) - dmin*m[g] * sum(x).
template <typename Block, bool kFiveBit>
float vd_qk_sm(const Block* b, const float* x, int64_t nb) {
  __m256 accq0 = _mm256_setzero_ps(), accq1 = _mm256_setzero_ps(), accm = _mm256_setzero_ps();
  const __m256i m4 = _mm256_set1_epi32(0xF), one = _mm256_set1_epi32(1);
  for (int64_t i = 0; i < nb; ++i) {
    const float d = half(b[i].d), dmin = half(b[i].dmin);
    for (int p = 0; p < 4; ++p, x += 64) {
      uint8_t sc0, m0, sc1, m1;
      k4_scale_min(2 * p, b[i].scales, &sc0, &m0);
      k4_scale_min(2 * p + 1, b[i].scales, &sc1, &m1);
      const uint8_t* q = b[i].qs + 32 * p;
      __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
      for (int k = 0; k < 4; ++k) {
        const __m256i r = u8x8(q + 8 * k);
        __m256i lo = _mm256_and_si256(r, m4), hi = _mm256_srli_epi32(r, 4);
        if constexpr (kFiveBit) {
          const __m256i h = u8x8(b[i].qh + 8 * k);
          lo = _mm256_or_si256(lo, _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(h, 2 * p), one), 4));
          hi = _mm256_or_si256(hi, _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(h, 2 * p + 1), one), 4));
        }
        s0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(lo), _mm256_loadu_ps(x + 8 * k), s0);
        s1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(hi), _mm256_loadu_ps(x + 32 + 8 * k), s1);
      }
      accq0 = _mm256_fmadd_ps(_mm256_set1_ps(d * float(sc0)), s0, accq0);
      accq1 = _mm256_fmadd_ps(_mm256_set1_ps(d * float(sc1)), s1, accq1);
      accm = _mm256_fmadd_ps(_mm256_set1_ps(dmin * float(m0)), sum32(x), accm);
      accm = _mm256_fmadd_ps(_mm256_set1_ps(dmin * float(m1)), sum32(x + 32), accm);
    }
  }
  return hsum(_mm256_sub_ps(_mm256_add_ps(accq0, accq1), accm));
}

// Q6_K: per 128 elements, ql[0..32) / ql[32..64) low nibbles are quarters 0 / 1, high nibbles
// quarters 2 / 3; qh bit pairs 0..3 are their top 2 bits. Each quarter of 32 has 2 scales.
float vd_q6_K(const block_q6_K* b, const float* x, int64_t nb) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  const __m256i m4 = _mm256_set1_epi8(0xF), m30 = _mm256_set1_epi8(0x30), k32 = _mm256_set1_epi8(32);
  for (int64_t i = 0; i < nb; ++i) {
    const float d = half(b[i].d);
    for (int n = 0; n < 2; ++n, x += 128) {
      const auto* ql = reinterpret_cast<const __m256i*>(b[i].ql + 64 * n);
      const __m256i ql0 = _mm256_loadu_si256(ql), ql1 = _mm256_loadu_si256(ql + 1);
      const __m256i qh = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[i].qh + 32 * n));
      __m256i q[4];
      q[0] = _mm256_or_si256(_mm256_and_si256(ql0, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), m30));
      q[1] = _mm256_or_si256(_mm256_and_si256(ql1, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), m30));
      q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), m4), _mm256_and_si256(qh, m30));
      q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), m4),
                             _mm256_and_si256(_mm256_srli_epi16(qh, 2), m30));
      const int8_t* sc = b[i].scales + 8 * n;
      for (int k = 0; k < 4; ++k) {
        // widen via a stack copy: loads are cheaper than cross-lane shuffles here
        alignas(32) int8_t v[32];
        _mm256_store_si256(reinterpret_cast<__m256i*>(v), _mm256_sub_epi8(q[k], k32));
        const float* xk = x + 32 * k;
        const __m256 s0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(i8x8(v + 8)), _mm256_loadu_ps(xk + 8),
                                          _mm256_mul_ps(_mm256_cvtepi32_ps(i8x8(v)), _mm256_loadu_ps(xk)));
        const __m256 s1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(i8x8(v + 24)), _mm256_loadu_ps(xk + 24),
                                          _mm256_mul_ps(_mm256_cvtepi32_ps(i8x8(v + 16)), _mm256_loadu_ps(xk + 16)));
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(d * float(sc[2 * k])), s0, acc0);
        acc1 = _mm256_fmadd_ps(_mm256_set1_ps(d * float(sc[2 * k + 1])), s1, acc1);
      }
    }
  }
  return hsum(_mm256_add_ps(acc0, acc1));
}

// Other types: dequantize 256 elements at a time into L1, then the f32 dot.
float vd_dequant(GgmlType type, const void* row, const float* x, int64_t n) {
  const GgmlTypeInfo info = ggml_type_info(type);
  alignas(32) float buf[256];
  const auto* src = static_cast<const uint8_t*>(row);
  float sum = 0;
  for (int64_t i = 0; i < n; i += 256) {
    const int64_t len = n - i < 256 ? n - i : 256;
    dequantize_row(type, src + i / info.block_size * info.block_bytes, buf, len);
    sum += dot_f32_avx2(buf, x + i, len);
  }
  return sum;
}

}  // namespace

float dot_f32_simd(const float* a, const float* b, int64_t n) { return dot_f32_avx2(a, b, n); }

float vec_dot_simd(GgmlType type, const void* row, const float* x, int64_t n) {
  switch (type) {
    case GgmlType::F32: return dot_f32_avx2(static_cast<const float*>(row), x, n);
    case GgmlType::F16: return dot_16bit(static_cast<const uint16_t*>(row), x, n, load8_f16, one_f16);
    case GgmlType::BF16: return dot_16bit(static_cast<const uint16_t*>(row), x, n, load8_bf16, one_bf16);
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
      return "avx2";
    default:
      return "avx2-dequant";
  }
}

}  // namespace hearth
#endif  // HEARTH_VEC_DOT_AVX2
