// Fused dot products of one quantized weight row with an f32 activation vector: the inner loop of
// every CPU matmul in decode. Activations stay f32 (never quantized to int8), so the result is
// dot(dequantize_row(row), x) up to float summation order: the CPU path is the exact oracle that
// GPU kernels are compared against.
#pragma once

#include <cstdint>

#include "core/tensor/ggml_type.h"

namespace hearth {

// sum_i w[i] * x[i] over a row of n weights of `type` (n a multiple of its block size).
// Uses the compile-time SIMD path (AVX2+FMA natively, WASM SIMD128 under -msimd128) where there is one.
// Throws kUnsupported for a type hearth cannot read, kInvalidArgument for a bad n.
float vec_dot(GgmlType type, const void* row, const float* x, int64_t n);

// The portable scalar path of vec_dot, kept callable so tests can compare both.
float vec_dot_scalar(GgmlType type, const void* row, const float* x, int64_t n);

// sum_i a[i] * b[i], SIMD where available.
float dot_f32(const float* a, const float* b, int64_t n);

// Which implementation vec_dot uses for `type`: "avx2" / "simd128", "avx2-dequant" /
// "simd128-dequant" (per-chunk dequantize then SIMD dot), or "scalar". For tests and benchmarks.
const char* vec_dot_path(GgmlType type);

}  // namespace hearth
