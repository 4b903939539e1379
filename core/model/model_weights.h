// The weight tensors of a model, bound by name from the GGUF file and checked against the config
// (shapes, types). Pointers refer into the GgufFile, which must outlive this.
#pragma once

#include <vector>

#include "core/gguf/gguf_file.h"
#include "core/model/model_config.h"

namespace hearth {

struct LayerWeights {
  const GgufTensor* attn_norm = nullptr;
  const GgufTensor* attn_q = nullptr;    // absent when attn_qkv is used
  const GgufTensor* attn_k = nullptr;
  const GgufTensor* attn_v = nullptr;
  const GgufTensor* attn_qkv = nullptr;  // phi3: rows q, k, v
  const GgufTensor* attn_q_bias = nullptr;
  const GgufTensor* attn_k_bias = nullptr;
  const GgufTensor* attn_v_bias = nullptr;
  const GgufTensor* attn_q_norm = nullptr;
  const GgufTensor* attn_k_norm = nullptr;
  const GgufTensor* attn_output = nullptr;
  const GgufTensor* attn_post_norm = nullptr;
  const GgufTensor* ffn_norm = nullptr;
  const GgufTensor* ffn_gate = nullptr;  // absent when ffn_up is fused gate+up
  const GgufTensor* ffn_up = nullptr;
  const GgufTensor* ffn_down = nullptr;
  const GgufTensor* ffn_post_norm = nullptr;
  const GgufTensor* rope_freq_factors = nullptr;  // shared across layers, see ModelWeights
  // Encoders (bert, nomic-bert): biases and the LayerNorms after each residual.
  const GgufTensor* attn_output_bias = nullptr;
  const GgufTensor* attn_output_norm = nullptr;
  const GgufTensor* attn_output_norm_bias = nullptr;
  const GgufTensor* ffn_up_bias = nullptr;
  const GgufTensor* ffn_down_bias = nullptr;
  const GgufTensor* layer_output_norm = nullptr;
  const GgufTensor* layer_output_norm_bias = nullptr;
};

struct ModelWeights {
  const GgufTensor* token_embd = nullptr;
  const GgufTensor* output_norm = nullptr;
  const GgufTensor* output = nullptr;  // token_embd when tied; none in an encoder
  // Encoders: token-type rows (row 0 is added: every input is "sentence A"), learned positions
  // (bert), the LayerNorm of the embeddings.
  const GgufTensor* token_types = nullptr;
  const GgufTensor* position_embd = nullptr;
  const GgufTensor* token_embd_norm = nullptr;
  const GgufTensor* token_embd_norm_bias = nullptr;
  std::vector<LayerWeights> layers;

  // n_ctx is the context size of the run: phi3 picks its long or short rope factors from it.
  static ModelWeights bind(const GgufFile& file, const ModelConfig& config, int32_t n_ctx);
};

}  // namespace hearth
