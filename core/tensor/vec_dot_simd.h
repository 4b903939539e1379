// Internal: the SIMD implementation of vec_dot chosen at compile time. Exactly one of
// vec_dot_avx2.cc (x86 AVX2+FMA) or vec_dot_wasm.cc (WASM SIMD128, -msimd128) defines these; each is
// compiled empty on other targets, and vec_dot.cc falls back to the scalar path when none applies.
#pragma once

#include <cstdint>

#include "core/tensor/ggml_type.h"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#define HEARTH_VEC_DOT_AVX2 1
#define HEARTH_VEC_DOT_SIMD 1
#elif defined(__wasm_simd128__)
#define HEARTH_VEC_DOT_WASM 1
#define HEARTH_VEC_DOT_SIMD 1
#endif

namespace hearth {

float dot_f32_scalar(const float* a, const float* b, int64_t n);

#ifdef HEARTH_VEC_DOT_SIMD
// type and n already validated by check_row.
float vec_dot_simd(GgmlType type, const void* row, const float* x, int64_t n);
float dot_f32_simd(const float* a, const float* b, int64_t n);
const char* vec_dot_simd_path(GgmlType type);
#endif

}  // namespace hearth
