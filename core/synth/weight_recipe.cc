#include "core/synth/weight_recipe.h"

#include "core/util/error.h"

namespace hearth::synth {
namespace {

using T = GgmlType;

// llama_ftype values: ALL_F32 0, MOSTLY_F16 1, Q4_0 2, Q4_1 3, Q8_0 7, Q5_0 8, Q5_1 9, Q2_K 10,
// Q3_K_S 11, Q4_K_S 14, Q4_K_M 15, Q5_K_S 16, Q5_K_M 17, Q6_K 18, BF16 32.
constexpr WeightRecipe kRecipes[] = {
    {"f32", T::F32, T::F32, T::F32, T::F32, 0},
    {"f16", T::F16, T::F16, T::F16, T::F16, 1},
    {"bf16", T::BF16, T::BF16, T::BF16, T::BF16, 32},
    {"q8_0", T::Q8_0, T::Q8_0, T::Q8_0, T::Q8_0, 7},
    {"q4_0", T::Q4_0, T::Q6_K, T::Q4_0, T::Q4_0, 2},
    {"q4_1", T::Q4_1, T::Q6_K, T::Q4_1, T::Q4_1, 3},
    {"q5_0", T::Q5_0, T::Q6_K, T::Q5_0, T::Q5_0, 8},
    {"q5_1", T::Q5_1, T::Q6_K, T::Q5_1, T::Q5_1, 9},
    {"q2_k", T::Q2_K, T::Q2_K, T::Q2_K, T::Q2_K, 10},
    {"q3_k", T::Q3_K, T::Q3_K, T::Q3_K, T::Q3_K, 11},
    {"q4_k", T::Q4_K, T::Q4_K, T::Q4_K, T::Q4_K, 14},
    {"q5_k", T::Q5_K, T::Q5_K, T::Q5_K, T::Q5_K, 16},
    {"q6_k", T::Q6_K, T::Q6_K, T::Q6_K, T::Q6_K, 18},
    {"q4_k_m", T::Q4_K, T::Q6_K, T::Q6_K, T::Q5_K, 15},
    {"q5_k_m", T::Q5_K, T::Q6_K, T::Q6_K, T::Q6_K, 17},
};

// llama.cpp's substitutes for a K-quant whose row is not a multiple of 256 (it uses iq4_nl for
// q2_k/q3_k; hearth has q4_0, the same size).
struct Fallback {
  GgmlType from, to;
};
constexpr Fallback kFallbacks[] = {
    {T::Q2_K, T::Q4_0}, {T::Q3_K, T::Q4_0}, {T::Q4_K, T::Q5_0}, {T::Q5_K, T::Q5_1}, {T::Q6_K, T::Q8_0},
};

GgmlType fit_row(GgmlType t, uint64_t row_length) {
  if (row_length % ggml_type_info(t).block_size == 0) return t;
  for (const Fallback& f : kFallbacks) {
    if (f.from == t && row_length % ggml_type_info(f.to).block_size == 0) return f.to;
  }
  return T::F16;
}

}  // namespace

bool use_more_bits(uint32_t layer, uint32_t n_layer) {
  const int i = static_cast<int>(layer), n = static_cast<int>(n_layer);
  return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2;
}

const WeightRecipe& find_recipe(const std::string& name) {
  for (const WeightRecipe& r : kRecipes) {
    if (name == r.name) return r;
  }
  std::string valid;
  for (const WeightRecipe& r : kRecipes) valid += (valid.empty() ? "" : ", ") + std::string(r.name);
  fail(ErrorCode::kInvalidArgument, "unknown synthetic weight type '" + name + "' (valid: " + valid + ")");
}

std::vector<std::string> recipe_names() {
  std::vector<std::string> names;
  for (const WeightRecipe& r : kRecipes) names.emplace_back(r.name);
  return names;
}

GgmlType tensor_type(const WeightRecipe& recipe, TensorRole role, uint32_t layer, uint32_t n_layer,
                     uint64_t row_length) {
  GgmlType t = recipe.base;
  switch (role) {
    case TensorRole::kVector: return T::F32;
    case TensorRole::kOutput: t = recipe.output; break;
    case TensorRole::kAttnQkv: t = recipe.qkv; break;
    case TensorRole::kAttnV:
    case TensorRole::kFfnDown: t = use_more_bits(layer, n_layer) ? recipe.more_bits : recipe.base; break;
    default: break;
  }
  return fit_row(t, row_length);
}

}  // namespace hearth::synth
