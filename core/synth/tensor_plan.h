// The tensors of a synthetic model, in file order, with how each is filled. Names and shapes follow
// docs/architectures.md; which tensors exist per architecture is the table in tensor_plan.cc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/synth/presets.h"
#include "core/synth/weight_recipe.h"

namespace hearth::synth {

struct TensorPlan {
  std::string name;
  std::vector<uint64_t> dims;  // ggml order: dims[0] is the row length
  TensorRole role;
  uint32_t layer = 0;
  // Contents: `values` when given (rope factors), else N(offset, scale²) elementwise.
  float scale = 0, offset = 0;
  std::vector<float> values;

  uint64_t row_length() const { return dims[0]; }
  uint64_t n_rows() const;
};

std::vector<TensorPlan> plan_tensors(const SynthPreset& preset);

}  // namespace hearth::synth
