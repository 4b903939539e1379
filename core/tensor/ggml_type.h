// The tensor element types of GGML/GGUF: ids as stored in files, block geometry, names.
// One table (ggml_type.cc) describes every type; code asks it rather than switching on ids.
#pragma once

#include <cstdint>
#include <string>

namespace hearth {

// Values are the on-disk ids of ggml's `enum ggml_type`.
enum class GgmlType : uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  I8 = 24,
  I16 = 25,
  I32 = 26,
  I64 = 27,
  F64 = 28,
  BF16 = 30,
};

struct GgmlTypeInfo {
  const char* name;       // ggml's name, e.g. "q4_K"
  uint32_t block_size;    // elements per block (1 for plain types)
  uint32_t block_bytes;   // bytes per block
  bool weight_supported;  // hearth can dequantize it and take dot products with it
};

// Info for any id that appears in a file; unknown ids get name "type<N>", block 0 (not supported).
GgmlTypeInfo ggml_type_info(uint32_t id);
inline GgmlTypeInfo ggml_type_info(GgmlType t) { return ggml_type_info(static_cast<uint32_t>(t)); }
inline const char* ggml_type_name(GgmlType t) { return ggml_type_info(t).name; }

// Parses a name as used on the command line ("q4_0", "Q4_K", "f16"); throws kInvalidArgument.
GgmlType ggml_type_from_name(const std::string& name);

// The weight types hearth supports, as a human-readable list for error messages.
std::string supported_weight_types();

// Throws kUnsupported naming the type (and `what`, e.g. a tensor name) unless it is a supported weight type.
void require_weight_type(uint32_t id, const std::string& what);

// Bytes of a row of n elements; throws kMalformedFile if n is not a multiple of the block size.
uint64_t ggml_row_bytes(GgmlType t, uint64_t n);

}  // namespace hearth
