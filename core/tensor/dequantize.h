// Dequantization of one row of GGML weights to f32, exactly as ggml's dequantize_row_* compute it.
// This is the definition every other path (vec_dot, GPU kernels) is tested against.
#pragma once

#include <cstdint>

#include "core/tensor/ggml_type.h"

namespace hearth {

// Writes n floats to dst from the blocks at src. n must be a multiple of the type's block size
// (kInvalidArgument otherwise); a type hearth does not support throws kUnsupported naming it.
void dequantize_row(GgmlType type, const void* src, float* dst, int64_t n);

// Throws kUnsupported unless `type` is one dequantize_row / vec_dot / quantize_row handle, and
// kInvalidArgument unless n is a whole number of its blocks. `op` names the caller in the message.
void check_row(GgmlType type, int64_t n, const char* op);

}  // namespace hearth
