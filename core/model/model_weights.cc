#include "core/model/model_weights.h"

#include "core/util/error.h"

namespace hearth {
namespace {

std::string dims_str(const std::vector<uint64_t>& d) {
  std::string s = "[";
  for (size_t k = 0; k < d.size(); ++k) s += (k ? ", " : "") + std::to_string(d[k]);
  return s + "]";
}

// Looks a tensor up, checks its shape and that hearth can compute with its type.
class Binder {
 public:
  explicit Binder(const GgufFile& f) : f_(f) {}

  const GgufTensor* optional(const std::string& name, std::vector<uint64_t> dims) {
    const GgufTensor* t = f_.find_tensor(name);
    if (!t) return nullptr;
    if (t->dims != dims)
      fail(ErrorCode::kMalformedFile, "tensor '" + name + "' has shape " + dims_str(t->dims) + ", expected " + dims_str(dims));
    require_weight_type(t->type_id, "tensor '" + name + "'");
    if (dims.size() == 1 && t->type() != GgmlType::F32)
      fail(ErrorCode::kUnsupported, "tensor '" + name + "' is a vector of type " + ggml_type_name(t->type()) + "; only f32 is supported");
    return t;
  }

  // A table of rows of `width` (token types, positions), however many rows it has.
  const GgufTensor* optional_matrix(const std::string& name, uint64_t width) {
    const GgufTensor* t = f_.find_tensor(name);
    if (!t) return nullptr;
    if (t->dims.size() != 2 || t->dims[0] != width || t->dims[1] == 0)
      fail(ErrorCode::kMalformedFile, "tensor '" + name + "' has shape " + dims_str(t->dims) + ", expected [" + std::to_string(width) + ", rows]");
    require_weight_type(t->type_id, "tensor '" + name + "'");
    return t;
  }

  const GgufTensor* required(const std::string& name, std::vector<uint64_t> dims) {
    const GgufTensor* t = optional(name, dims);
    if (!t) fail(ErrorCode::kMalformedFile, "required tensor '" + name + "' is missing");
    return t;
  }

 private:
  const GgufFile& f_;
};

// bert and nomic-bert, as llama.cpp's converter names their tensors.
ModelWeights bind_encoder(Binder& b, const ModelConfig& c) {
  const uint64_t d = uint64_t(c.n_embd), f = uint64_t(c.n_ff), V = uint64_t(c.n_vocab);
  const uint64_t qw = uint64_t(c.q_width()), kvw = uint64_t(c.kv_width());
  ModelWeights w;
  w.token_embd = b.required("token_embd.weight", {d, V});
  w.token_types = b.optional_matrix("token_types.weight", d);
  if (c.traits->learned_positions) {
    w.position_embd = b.optional_matrix("position_embd.weight", d);
    if (!w.position_embd) fail(ErrorCode::kMalformedFile, "required tensor 'position_embd.weight' is missing");
  }
  w.token_embd_norm = b.required("token_embd_norm.weight", {d});
  w.token_embd_norm_bias = b.optional("token_embd_norm.bias", {d});
  w.layers.resize(size_t(c.n_layer));
  for (int32_t i = 0; i < c.n_layer; ++i) {
    LayerWeights& l = w.layers[size_t(i)];
    const std::string p = "blk." + std::to_string(i) + ".";
    l.attn_qkv = b.optional(p + "attn_qkv.weight", {d, qw + 2 * kvw});
    if (!l.attn_qkv) {
      l.attn_q = b.required(p + "attn_q.weight", {d, qw});
      l.attn_k = b.required(p + "attn_k.weight", {d, kvw});
      l.attn_v = b.required(p + "attn_v.weight", {d, kvw});
      l.attn_q_bias = b.optional(p + "attn_q.bias", {qw});
      l.attn_k_bias = b.optional(p + "attn_k.bias", {kvw});
      l.attn_v_bias = b.optional(p + "attn_v.bias", {kvw});
    }
    l.attn_output = b.required(p + "attn_output.weight", {qw, d});
    l.attn_output_bias = b.optional(p + "attn_output.bias", {d});
    l.attn_output_norm = b.required(p + "attn_output_norm.weight", {d});
    l.attn_output_norm_bias = b.optional(p + "attn_output_norm.bias", {d});
    if (c.traits->gated_ffn) l.ffn_gate = b.required(p + "ffn_gate.weight", {d, f});
    l.ffn_up = b.required(p + "ffn_up.weight", {d, f});
    l.ffn_up_bias = b.optional(p + "ffn_up.bias", {f});
    l.ffn_down = b.required(p + "ffn_down.weight", {f, d});
    l.ffn_down_bias = b.optional(p + "ffn_down.bias", {d});
    l.layer_output_norm = b.required(p + "layer_output_norm.weight", {d});
    l.layer_output_norm_bias = b.optional(p + "layer_output_norm.bias", {d});
  }
  return w;
}

}  // namespace

ModelWeights ModelWeights::bind(const GgufFile& file, const ModelConfig& c, int32_t n_ctx) {
  Binder b(file);
  const uint64_t d = uint64_t(c.n_embd), f = uint64_t(c.n_ff), V = uint64_t(c.n_vocab);
  const uint64_t qw = uint64_t(c.q_width()), kvw = uint64_t(c.kv_width()), hd = uint64_t(c.head_dim);
  const ArchTraits& traits = *c.traits;
  if (traits.encoder) return bind_encoder(b, c);

  ModelWeights w;
  w.token_embd = b.required("token_embd.weight", {d, V});
  w.output_norm = b.required("output_norm.weight", {d});
  w.output = b.optional("output.weight", {d, V});
  if (!w.output) w.output = w.token_embd;

  const GgufTensor* freq_factors = b.optional("rope_freqs.weight", {uint64_t(c.n_rot / 2)});
  if (traits.arch == Arch::kPhi3) {
    bool use_long = c.rope_original_ctx > 0 && n_ctx > c.rope_original_ctx;
    const GgufTensor* picked = b.optional(use_long ? "rope_factors_long.weight" : "rope_factors_short.weight", {uint64_t(c.n_rot / 2)});
    if (picked) freq_factors = picked;
  }

  w.layers.resize(size_t(c.n_layer));
  for (int32_t i = 0; i < c.n_layer; ++i) {
    LayerWeights& l = w.layers[size_t(i)];
    const std::string p = "blk." + std::to_string(i) + ".";
    l.rope_freq_factors = freq_factors;
    l.attn_norm = b.required(p + "attn_norm.weight", {d});
    if (traits.fused_qkv_gate_up) {
      l.attn_qkv = b.required(p + "attn_qkv.weight", {d, qw + 2 * kvw});
    } else {
      l.attn_q = b.required(p + "attn_q.weight", {d, qw});
      l.attn_k = b.required(p + "attn_k.weight", {d, kvw});
      l.attn_v = b.required(p + "attn_v.weight", {d, kvw});
      l.attn_q_bias = b.optional(p + "attn_q.bias", {qw});
      l.attn_k_bias = b.optional(p + "attn_k.bias", {kvw});
      l.attn_v_bias = b.optional(p + "attn_v.bias", {kvw});
    }
    if (traits.qk_norm) {
      l.attn_q_norm = b.required(p + "attn_q_norm.weight", {hd});
      l.attn_k_norm = b.required(p + "attn_k_norm.weight", {hd});
    }
    l.attn_output = b.required(p + "attn_output.weight", {qw, d});
    l.ffn_norm = b.required(p + "ffn_norm.weight", {d});
    if (traits.fused_qkv_gate_up) {
      l.ffn_up = b.required(p + "ffn_up.weight", {d, 2 * f});
    } else {
      l.ffn_gate = b.required(p + "ffn_gate.weight", {d, f});
      l.ffn_up = b.required(p + "ffn_up.weight", {d, f});
    }
    l.ffn_down = b.required(p + "ffn_down.weight", {f, d});
    if (traits.post_norms) {
      l.attn_post_norm = b.required(p + "post_attention_norm.weight", {d});
      l.ffn_post_norm = b.required(p + "post_ffw_norm.weight", {d});
    }
  }
  return w;
}

}  // namespace hearth
