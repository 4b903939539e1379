// y = W · x for a batch of activation rows, W in any supported weight type, x and y f32.
#pragma once

#include <cstdint>

#include "core/cpu/thread_pool.h"
#include "core/tensor/ggml_type.h"

namespace hearth {

struct WeightMatrix {
  GgmlType type;
  const uint8_t* data;  // n_out rows of n_in elements each, row-major in blocks
  int64_t n_in;
  int64_t n_out;
};

// x: [T, n_in], y: [T, n_out].
void matmul(const WeightMatrix& w, const float* x, int64_t T, float* y, ThreadPool& pool);

}  // namespace hearth
