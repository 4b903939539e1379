// Hyperparameters of a model, read from GGUF metadata as docs/architectures.md defines them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/gguf/gguf_file.h"
#include "core/model/architecture.h"

namespace hearth {

// What differs from one layer to the next (gemma's sliding-window pattern and local rope base).
struct LayerConfig {
  bool sliding_window = false;
  float rope_base = 10000.0f;
  float rope_linear_scale = 1.0f;  // positions are multiplied by this (1 / rope.scaling.factor)
};

struct ModelConfig {
  const ArchTraits* traits = nullptr;
  std::string arch_name;
  int32_t n_layer = 0;
  int32_t n_embd = 0;       // d
  int32_t n_ff = 0;         // f
  int32_t n_head = 0;       // H
  int32_t n_head_kv = 0;    // Hkv
  int32_t head_dim = 0;     // hd
  int32_t n_rot = 0;
  int32_t n_vocab = 0;
  int32_t n_ctx_train = 0;
  float rms_eps = 1e-5f;           // decoders' RMSNorm
  float layer_norm_eps = 1e-12f;   // encoders' LayerNorm
  Pooling pooling = Pooling::kNone;  // not none: an embedding model (its graph ends in the pooled vector)
  bool causal = true;              // attention to earlier positions only; encoders see the whole input
  float rope_mscale = 1.0f;
  int32_t rope_original_ctx = 0;  // phi3: chooses long or short rope factors
  int32_t sliding_window = 0;     // 0 = none
  float attn_softcap = 0.0f;      // 0 = none
  float final_softcap = 0.0f;     // 0 = none
  float attn_scale = 0.0f;        // 1/sqrt(hd)
  std::vector<LayerConfig> layers;

  int32_t q_width() const { return n_head * head_dim; }
  int32_t kv_width() const { return n_head_kv * head_dim; }

  // Throws kUnsupported for unknown architectures and kMalformedFile for missing/inconsistent keys.
  static ModelConfig from_gguf(const GgufFile& file);
};

}  // namespace hearth
