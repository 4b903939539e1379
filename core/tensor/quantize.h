// Reference quantizers: f32 rows to GGML blocks, following ggml's quantize_row_*_ref (including the
// K-quant scale searches), so files hearth writes (synthetic models, tests) match what ggml would.
// Not a hot path: the engine reads quantized weights, it does not make them.
#pragma once

#include <cstdint>

#include "core/tensor/ggml_type.h"

namespace hearth {

// Writes ggml_row_bytes(type, n) bytes to dst. n must be a multiple of the type's block size.
// Throws kUnsupported for a type with no quantizer (naming it), kInvalidArgument for a bad n.
void quantize_row(GgmlType type, const float* src, void* dst, int64_t n);

}  // namespace hearth
