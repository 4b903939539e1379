// `--type`: which GGML type each tensor of a synthetic model gets, after llama.cpp's quantize
// recipes (llama_tensor_get_type) in spirit: a uniform type for every matrix, except that the
// legacy 4/5-bit types keep the output projection in q6_k, and the _m mixes give attn_v and ffn_down
// more bits on some layers. 1-D tensors (norms, biases, rope factors) are always f32.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tensor/ggml_type.h"

namespace hearth::synth {

// What a tensor is, as far as choosing its type goes.
enum class TensorRole {
  kVector,     // 1-D: always f32
  kTokenEmbd,  // untied token_embd
  kOutput,     // output.weight, or token_embd when tied
  kAttnQ, kAttnK, kAttnV, kAttnQkv, kAttnOutput,
  kFfnGate, kFfnUp, kFfnDown,
};

struct WeightRecipe {
  const char* name;     // as on the command line: "q4_k_m"
  GgmlType base;        // every matrix not named below
  GgmlType output;      // the output projection (tied token_embd included)
  GgmlType more_bits;   // attn_v / ffn_down on use_more_bits layers
  GgmlType qkv;         // phi3's fused attn_qkv
  uint32_t file_type;   // general.file_type (llama_ftype)
};

// Throws Error(kInvalidArgument) listing the valid names.
const WeightRecipe& find_recipe(const std::string& name);
std::vector<std::string> recipe_names();

// The type of one matrix with rows of `row_length` elements. Falls back as llama.cpp does when the
// row is not a whole number of the chosen type's blocks (q4_k → q5_0, q6_k → q8_0, ...).
GgmlType tensor_type(const WeightRecipe& recipe, TensorRole role, uint32_t layer, uint32_t n_layer,
                     uint64_t row_length);

// llama.cpp's layers that get more bits: the first and last eighth, and every third in between.
bool use_more_bits(uint32_t layer, uint32_t n_layer);

}  // namespace hearth::synth
