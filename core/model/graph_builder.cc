#include "core/model/graph_builder.h"

#include "core/util/error.h"

namespace hearth {

const char* op_name(OpKind op) {
  switch (op) {
    case OpKind::kEmbed: return "embed";
    case OpKind::kRmsNorm: return "rms_norm";
    case OpKind::kMatMul: return "matmul";
    case OpKind::kAddBias: return "add_bias";
    case OpKind::kSlice: return "slice";
    case OpKind::kRope: return "rope";
    case OpKind::kAttention: return "attention";
    case OpKind::kGlu: return "glu";
    case OpKind::kAdd: return "add";
    case OpKind::kScale: return "scale";
    case OpKind::kSoftCap: return "soft_cap";
    case OpKind::kOutputRows: return "output_rows";
    case OpKind::kLayerNorm: return "layer_norm";
    case OpKind::kAddRows: return "add_rows";
    case OpKind::kActivate: return "activate";
    case OpKind::kPool: return "pool";
  }
  return "?";
}

int32_t GraphBuilder::push(Node node, int32_t width) {
  node.out = int32_t(graph_.widths.size());
  node.width = width;
  graph_.widths.push_back(width);
  graph_.nodes.push_back(std::move(node));
  return graph_.nodes.back().out;
}

int32_t GraphBuilder::embed(const GgufTensor* table, int32_t width) {
  Node n{OpKind::kEmbed, "token_embd"};
  n.weight = table;
  return push(std::move(n), width);
}

int32_t GraphBuilder::rms_norm(int32_t x, const GgufTensor* w, float eps, const std::string& name) {
  Node n{OpKind::kRmsNorm, name};
  n.in[0] = x;
  n.weight = w;
  n.group = int32_t(w->dims[0]);
  n.eps = eps;
  if (width(x) % n.group != 0) fail(ErrorCode::kInternal, name + ": norm group does not divide the width");
  return push(std::move(n), width(x));
}

int32_t GraphBuilder::matmul(int32_t x, const GgufTensor* w, const std::string& name) {
  if (int64_t(w->dims[0]) != width(x)) fail(ErrorCode::kInternal, name + ": matmul input width mismatch");
  Node n{OpKind::kMatMul, name};
  n.in[0] = x;
  n.weight = w;
  return push(std::move(n), int32_t(w->dims[1]));
}

int32_t GraphBuilder::add_bias(int32_t x, const GgufTensor* bias, const std::string& name) {
  Node n{OpKind::kAddBias, name};
  n.in[0] = x;
  n.weight = bias;
  return push(std::move(n), width(x));
}

int32_t GraphBuilder::slice(int32_t x, int32_t offset, int32_t w, const std::string& name) {
  Node n{OpKind::kSlice, name};
  n.in[0] = x;
  n.offset = offset;
  return push(std::move(n), w);
}

int32_t GraphBuilder::glu(int32_t gate, int32_t up, Activation act, const std::string& name) {
  Node n{OpKind::kGlu, name};
  n.in[0] = gate;
  n.in[1] = up;
  n.activation = act;
  return push(std::move(n), width(gate));
}

int32_t GraphBuilder::add(int32_t a, int32_t b, const std::string& name) {
  Node n{OpKind::kAdd, name};
  n.in[0] = a;
  n.in[1] = b;
  return push(std::move(n), width(a));
}

int32_t GraphBuilder::scale(int32_t x, float s, const std::string& name) {
  Node n{OpKind::kScale, name};
  n.in[0] = x;
  n.scale = s;
  return push(std::move(n), width(x));
}

int32_t GraphBuilder::soft_cap(int32_t x, float cap, const std::string& name) {
  Node n{OpKind::kSoftCap, name};
  n.in[0] = x;
  n.cap = cap;
  return push(std::move(n), width(x));
}

int32_t GraphBuilder::output_rows(int32_t x) {
  Node n{OpKind::kOutputRows, "output_rows"};
  n.in[0] = x;
  return push(std::move(n), width(x));
}

int32_t GraphBuilder::layer_norm(int32_t x, const GgufTensor* w, const GgufTensor* b, float eps, const std::string& name) {
  if (int64_t(w->dims[0]) != width(x) || (b && b->dims[0] != w->dims[0])) fail(ErrorCode::kInternal, name + ": layer norm width mismatch");
  Node n{OpKind::kLayerNorm, name};
  n.in[0] = x;
  n.weight = w;
  n.bias = b;
  n.eps = eps;
  return push(std::move(n), width(x));
}

int32_t GraphBuilder::add_rows(int32_t x, const GgufTensor* table, bool positional, const std::string& name) {
  if (int64_t(table->dims[0]) != width(x)) fail(ErrorCode::kInternal, name + ": embedding rows do not match the width");
  Node n{OpKind::kAddRows, name};
  n.in[0] = x;
  n.weight = table;
  n.positional = positional;
  return push(std::move(n), width(x));
}

int32_t GraphBuilder::activate(int32_t x, Activation act, const std::string& name) {
  Node n{OpKind::kActivate, name};
  n.in[0] = x;
  n.activation = act;
  return push(std::move(n), width(x));
}

int32_t GraphBuilder::pool(int32_t x, Pooling pooling) {
  Node n{OpKind::kPool, std::string("pool_") + pooling_name(pooling)};
  n.in[0] = x;
  n.pooling = pooling;
  return push(std::move(n), width(x));
}

int32_t GraphBuilder::custom(Node node, int32_t w) { return push(std::move(node), w); }

Graph GraphBuilder::finish(int32_t logits, int32_t n_layer, int32_t kv_width, Pooling pooling) {
  graph_.logits = logits;
  graph_.pooling = pooling;
  graph_.n_layer = n_layer;
  graph_.kv_width = kv_width;
  return std::move(graph_);
}

}  // namespace hearth
