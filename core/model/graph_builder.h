// Builds a Graph op by op: each call appends one node and returns the id of its output value.
#pragma once

#include <string>

#include "core/model/graph.h"

namespace hearth {

class GraphBuilder {
 public:
  int32_t embed(const GgufTensor* table, int32_t width);
  int32_t rms_norm(int32_t x, const GgufTensor* w, float eps, const std::string& name);  // group = weight length
  int32_t matmul(int32_t x, const GgufTensor* w, const std::string& name);
  int32_t add_bias(int32_t x, const GgufTensor* bias, const std::string& name);
  int32_t slice(int32_t x, int32_t offset, int32_t width, const std::string& name);
  int32_t glu(int32_t gate, int32_t up, Activation act, const std::string& name);
  int32_t add(int32_t a, int32_t b, const std::string& name);
  int32_t scale(int32_t x, float s, const std::string& name);
  int32_t soft_cap(int32_t x, float cap, const std::string& name);
  int32_t output_rows(int32_t x);
  int32_t layer_norm(int32_t x, const GgufTensor* w, const GgufTensor* b, float eps, const std::string& name);
  int32_t add_rows(int32_t x, const GgufTensor* table, bool positional, const std::string& name);  // row 0 unless positional
  int32_t activate(int32_t x, Activation act, const std::string& name);
  int32_t pool(int32_t x, Pooling pooling);
  // Appends a fully described node (rope, attention); `width` and `out` are filled in.
  int32_t custom(Node node, int32_t width);

  int32_t width(int32_t value) const { return graph_.widths[size_t(value)]; }
  Graph finish(int32_t logits, int32_t n_layer, int32_t kv_width, Pooling pooling = Pooling::kNone);

 private:
  int32_t push(Node node, int32_t width);
  Graph graph_;
};

}  // namespace hearth
