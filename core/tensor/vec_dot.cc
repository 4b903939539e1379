#include "core/tensor/vec_dot.h"

#include "core/tensor/dequantize.h"
#include "core/tensor/vec_dot_simd.h"

namespace hearth {

float vec_dot(GgmlType type, const void* row, const float* x, int64_t n) {
#ifdef HEARTH_VEC_DOT_SIMD
  check_row(type, n, "vec_dot");
  return vec_dot_simd(type, row, x, n);
#else
  return vec_dot_scalar(type, row, x, n);
#endif
}

float dot_f32(const float* a, const float* b, int64_t n) {
#ifdef HEARTH_VEC_DOT_SIMD
  return dot_f32_simd(a, b, n);
#else
  return dot_f32_scalar(a, b, n);
#endif
}

const char* vec_dot_path(GgmlType type) {
#ifdef HEARTH_VEC_DOT_SIMD
  return vec_dot_simd_path(type);
#else
  (void)type;
  return "scalar";
#endif
}

}  // namespace hearth
