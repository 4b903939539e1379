// The forward pass as data: a list of ops over activation tensors of shape [T, width] (T tokens of
// the current batch, row-major f32). Built once per model from its config and weights; every backend
// executes the same list (the CPU executor here, the WebGPU planner later), so there is one place
// that says what each architecture computes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/gguf/gguf_file.h"
#include "core/model/architecture.h"

namespace hearth {

enum class OpKind {
  kEmbed,       // out[t] = dequant(weight row tokens[t])                      [T, d]
  kRmsNorm,     // each group of `group` values normalised, times weight[group] [T, w]
  kMatMul,      // out[t] = weight · in0[t]                                    [T, rows of weight]
  kAddBias,     // out[t] = in0[t] + weight                                    [T, w]
  kSlice,       // out[t] = in0[t][offset .. offset + width)                   [T, width]
  kRope,        // rotary embedding of each head, at the batch's positions     [T, w]
  kAttention,   // in0 = q, in1 = k, in2 = v of the new tokens; appends k, v to layer's cache; [T, H·hd]
  kGlu,         // out = act(in0) ⊙ in1                                        [T, w]
  kAdd,         // out = in0 + in1                                             [T, w]
  kScale,       // out = in0 · scale                                           [T, w]
  kSoftCap,     // out = cap · tanh(in0 / cap)                                 [T, w]
  kOutputRows,  // keeps the rows whose logits are wanted (the last, or all)   [T', w]
  // Embedding models
  kLayerNorm,   // (x - mean) / sqrt(var + eps) · weight + bias over each row   [T, w]
  kAddRows,     // out[t] = in0[t] + dequant(weight row r): r = the token's position, or `offset`
  kActivate,    // out = act(in0)                                              [T, w]
  kPool,        // one row per input sequence: mean, first or last of its rows [S, w]
};

const char* op_name(OpKind op);

struct Node {
  OpKind op;
  std::string name;  // e.g. "blk.3.attn_q": what the value means, for debugging and dumps
  int32_t out = -1;
  int32_t in[3] = {-1, -1, -1};
  const GgufTensor* weight = nullptr;   // matmul / embed / norm / bias weight; rope freq factors
  const GgufTensor* bias = nullptr;     // layer_norm
  int32_t width = 0;                    // output width
  // op parameters (only those of the op are meaningful)
  int32_t group = 0;         // rms_norm group size; rope/attention head size
  int32_t offset = 0;        // slice
  int32_t n_head = 0;        // rope heads / attention query heads
  int32_t n_head_kv = 0;     // attention
  int32_t n_rot = 0;         // rope
  int32_t layer = -1;        // attention: which KV cache
  int32_t window = 0;        // attention: sliding window, 0 = none
  float eps = 0.0f;          // rms_norm
  float scale = 1.0f;        // scale; attention score scale; rope linear position scale
  float cap = 0.0f;          // soft cap (softcap op, attention scores); 0 = none
  float rope_base = 10000.0f;
  float rope_mscale = 1.0f;
  RopeMode rope_mode = RopeMode::kNorm;
  Activation activation = Activation::kSilu;
  bool causal = true;        // attention: earlier positions only (else the whole input sequence)
  bool positional = false;   // add_rows: row = position
  Pooling pooling = Pooling::kNone;  // pool
};

struct Graph {
  std::vector<Node> nodes;
  std::vector<int32_t> widths;  // width of each value id
  int32_t logits = -1;          // value id of the logits; of an embedding model, the pooled vectors
  Pooling pooling = Pooling::kNone;
  int32_t n_layer = 0;          // KV caches the graph uses
  int32_t kv_width = 0;         // per cache row: Hkv · hd
};

}  // namespace hearth
