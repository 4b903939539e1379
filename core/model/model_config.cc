#include "core/model/model_config.h"

#include <cmath>

#include "core/util/error.h"

namespace hearth {
namespace {

int32_t positive_i32(const GgufFile& f, const std::string& key, uint64_t value) {
  if (value == 0 || value > (1u << 30)) fail(ErrorCode::kMalformedFile, "metadata '" + key + "' has invalid value " + std::to_string(value));
  return int32_t(value);
}

int32_t required(const GgufFile& f, const std::string& key) { return positive_i32(f, key, f.get_uint(key)); }

int32_t optional(const GgufFile& f, const std::string& key, int32_t dflt) {
  return f.has(key) ? positive_i32(f, key, f.get_uint(key)) : dflt;
}

}  // namespace

ModelConfig ModelConfig::from_gguf(const GgufFile& f) {
  ModelConfig c;
  c.arch_name = f.get_string("general.architecture");
  c.traits = &arch_traits(c.arch_name);
  const std::string a = c.arch_name + ".";

  c.n_layer = required(f, a + "block_count");
  // Each layer has several tensors: a count beyond the file's tensors is corrupt, and must not size
  // any allocation (found by the fuzzer: block_count 2^30 asked for gigabytes of layer configs).
  if (uint64_t(c.n_layer) > f.tensors().size())
    fail(ErrorCode::kMalformedFile, "block_count " + std::to_string(c.n_layer) + " is more than the file's " +
                                        std::to_string(f.tensors().size()) + " tensors can describe");
  c.n_embd = required(f, a + "embedding_length");
  c.n_ff = required(f, a + "feed_forward_length");
  c.n_head = required(f, a + "attention.head_count");
  c.n_head_kv = optional(f, a + "attention.head_count_kv", c.n_head);
  if (c.n_head % c.n_head_kv != 0)
    fail(ErrorCode::kMalformedFile, "attention.head_count " + std::to_string(c.n_head) + " is not a multiple of head_count_kv " +
                                        std::to_string(c.n_head_kv));
  if (!f.has(a + "attention.key_length") && c.n_embd % c.n_head != 0)
    fail(ErrorCode::kMalformedFile, "embedding_length is not a multiple of attention.head_count and key_length is absent");
  c.head_dim = optional(f, a + "attention.key_length", c.n_embd / c.n_head);
  if (optional(f, a + "attention.value_length", c.head_dim) != c.head_dim)
    fail(ErrorCode::kUnsupported, "attention.value_length different from key_length is not supported");
  c.n_rot = optional(f, a + "rope.dimension_count", c.head_dim);
  if (c.n_rot > c.head_dim || c.n_rot % 2 != 0)
    fail(ErrorCode::kMalformedFile, "rope.dimension_count " + std::to_string(c.n_rot) + " must be even and at most the head size");
  c.n_ctx_train = required(f, a + "context_length");
  if (c.traits->encoder) {
    c.layer_norm_eps = float(f.get_float(a + "attention.layer_norm_epsilon"));
    if (!(c.layer_norm_eps > 0.0f) || c.layer_norm_eps > 1.0f) fail(ErrorCode::kMalformedFile, "attention.layer_norm_epsilon is out of range");
  } else {
    c.rms_eps = float(f.get_float(a + "attention.layer_norm_rms_epsilon"));
    if (!(c.rms_eps > 0.0f) || c.rms_eps > 1.0f) fail(ErrorCode::kMalformedFile, "attention.layer_norm_rms_epsilon is out of range");
  }
  // Embedding models: a pooling type (an encoder without the key pools its first token, BERT's
  // [CLS]), and attention that may see the whole input.
  const uint64_t pooling = f.has(a + "pooling_type") ? f.get_uint(a + "pooling_type") : (c.traits->encoder ? 2 : 0);
  if (pooling > 3)
    fail(ErrorCode::kUnsupported, "pooling_type " + std::to_string(pooling) + " is not supported (none, mean, cls and last are)");
  c.pooling = Pooling(pooling);
  c.causal = f.get_bool_or(a + "attention.causal", !c.traits->encoder);
  if (c.traits->encoder && c.pooling == Pooling::kNone)
    fail(ErrorCode::kUnsupported, "an encoder without pooling (pooling_type 0: one vector per token) is not supported");
  c.rope_mscale = float(f.get_float_or(a + "rope.scaling.attn_factor", 1.0));
  c.rope_original_ctx = optional(f, a + "rope.scaling.original_context_length", 0);
  c.sliding_window = optional(f, a + "attention.sliding_window", 0);
  c.attn_softcap = float(f.get_float_or(a + "attn_logit_softcapping", 0.0));
  c.final_softcap = float(f.get_float_or(a + "final_logit_softcapping", 0.0));
  c.attn_scale = 1.0f / std::sqrt(float(c.head_dim));

  const GgufTensor& embd = f.tensor("token_embd.weight");
  if (embd.dims.size() != 2 || embd.dims[0] != uint64_t(c.n_embd))
    fail(ErrorCode::kMalformedFile, "token_embd.weight should have rows of embedding_length " + std::to_string(c.n_embd));
  c.n_vocab = int32_t(embd.dims[1]);

  const float rope_base = float(f.get_float_or(a + "rope.freq_base", 10000.0));
  float linear_scale = 1.0f;
  if (f.get_string_or(a + "rope.scaling.type", "none") == "linear") {
    double factor = f.get_float_or(a + "rope.scaling.factor", 1.0);
    if (!(factor > 0.0)) fail(ErrorCode::kMalformedFile, "rope.scaling.factor must be positive");
    linear_scale = float(1.0 / factor);
  }
  c.layers.resize(size_t(c.n_layer));
  for (int32_t i = 0; i < c.n_layer; ++i) {
    LayerConfig& l = c.layers[size_t(i)];
    l.rope_base = rope_base;
    l.rope_linear_scale = linear_scale;
    if (c.sliding_window > 0) {
      if (c.traits->arch == Arch::kGemma2) l.sliding_window = (i % 2 == 0);
      if (c.traits->arch == Arch::kGemma3) l.sliding_window = ((i + 1) % 6 != 0);
    }
    if (c.traits->arch == Arch::kGemma3 && l.sliding_window) {
      l.rope_base = 10000.0f;  // gemma3's local layers use their own base, unscaled
      l.rope_linear_scale = 1.0f;
    }
  }
  return c;
}

}  // namespace hearth
