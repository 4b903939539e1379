#include "core/synth/tensor_plan.h"

#include <cmath>
#include <cstring>

#include "core/synth/rope_factors.h"
#include "core/util/error.h"

namespace hearth::synth {
namespace {

// Which optional tensors an architecture has.
struct ArchLayout {
  const char* arch;
  bool qkv_bias;    // attn_q/k/v.bias
  bool qk_norm;     // attn_q_norm, attn_k_norm
  bool fused;       // attn_qkv and the gate-up ffn_up
  bool post_norms;  // post_attention_norm, post_ffw_norm
  bool gemma_embed; // embeddings scaled by √d at run time, so stored smaller
};
constexpr ArchLayout kLayouts[] = {
    {"llama", false, false, false, false, false}, {"qwen2", true, false, false, false, false},
    {"qwen3", false, true, false, false, false},  {"phi3", false, false, true, false, false},
    {"gemma2", false, false, false, true, true},  {"gemma3", false, true, false, true, true},
};

const ArchLayout& layout_of(const char* arch) {
  for (const ArchLayout& l : kLayouts) {
    if (std::strcmp(l.arch, arch) == 0) return l;
  }
  fail(ErrorCode::kInternal, std::string("no tensor layout for architecture ") + arch);
}

// Scales that keep activations O(1): matrices N(0, 1/in) so W·x has unit variance for unit x;
// norm weights near 1; small biases.
constexpr float kNormNoise = 0.1f;
constexpr float kBiasScale = 0.1f;
constexpr float kLogitSpread = 3.0f;
constexpr float kGemmaRowNorm = 0.25f;

class Planner {
 public:
  explicit Planner(std::vector<TensorPlan>& out) : out_(out) {}
  void matrix(const std::string& name, uint64_t in, uint64_t out, TensorRole role, uint32_t layer) {
    out_.push_back({name, {in, out}, role, layer, 1.0f / std::sqrt(static_cast<float>(in)), 0.0f, {}});
  }
  void norm(const std::string& name, uint64_t n, uint32_t layer = 0) {
    out_.push_back({name, {n}, TensorRole::kVector, layer, kNormNoise, 1.0f, {}});
  }
  void bias(const std::string& name, uint64_t n, uint32_t layer) {
    out_.push_back({name, {n}, TensorRole::kVector, layer, kBiasScale, 0.0f, {}});
  }
  void values(const std::string& name, std::vector<float> v) {
    const uint64_t n = v.size();
    out_.push_back({name, {n}, TensorRole::kVector, 0, 0.0f, 0.0f, std::move(v)});
  }

 private:
  std::vector<TensorPlan>& out_;
};

}  // namespace

uint64_t TensorPlan::n_rows() const {
  uint64_t n = 1;
  for (size_t i = 1; i < dims.size(); ++i) n *= dims[i];
  return n;
}

// bert and nomic-bert (names as llama.cpp's converter writes them). Post-norm blocks keep the
// residual stream at unit scale by themselves, so the embeddings are N(0, 1) and no output gain.
std::vector<TensorPlan> plan_encoder_tensors(const SynthPreset& p) {
  const bool bert = std::strcmp(p.arch, "bert") == 0;
  const uint64_t d = p.d, f = p.f, q_out = p.n_head * p.head_dim, kv_out = p.n_head_kv * p.head_dim;
  std::vector<TensorPlan> t;
  Planner plan(t);
  t.push_back({"token_embd.weight", {d, p.vocab}, TensorRole::kTokenEmbd, 0, 1.0f, 0.0f, {}});
  t.push_back({"token_types.weight", {d, 2}, TensorRole::kVector, 0, 0.1f, 0.0f, {}});
  if (bert) t.push_back({"position_embd.weight", {d, p.context_length}, TensorRole::kVector, 0, 0.1f, 0.0f, {}});
  plan.norm("token_embd_norm.weight", d);
  plan.bias("token_embd_norm.bias", d, 0);
  for (uint32_t i = 0; i < p.n_layer; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    if (bert) {
      plan.matrix(b + "attn_q.weight", d, q_out, TensorRole::kAttnQ, i);
      plan.bias(b + "attn_q.bias", q_out, i);
      plan.matrix(b + "attn_k.weight", d, kv_out, TensorRole::kAttnK, i);
      plan.bias(b + "attn_k.bias", kv_out, i);
      plan.matrix(b + "attn_v.weight", d, kv_out, TensorRole::kAttnV, i);
      plan.bias(b + "attn_v.bias", kv_out, i);
    } else {
      plan.matrix(b + "attn_qkv.weight", d, q_out + 2 * kv_out, TensorRole::kAttnQkv, i);
    }
    plan.matrix(b + "attn_output.weight", q_out, d, TensorRole::kAttnOutput, i);
    if (bert) plan.bias(b + "attn_output.bias", d, i);
    plan.norm(b + "attn_output_norm.weight", d, i);
    plan.bias(b + "attn_output_norm.bias", d, i);
    if (!bert) plan.matrix(b + "ffn_gate.weight", d, f, TensorRole::kFfnGate, i);
    plan.matrix(b + "ffn_up.weight", d, f, TensorRole::kFfnUp, i);
    if (bert) plan.bias(b + "ffn_up.bias", f, i);
    plan.matrix(b + "ffn_down.weight", f, d, TensorRole::kFfnDown, i);
    if (bert) plan.bias(b + "ffn_down.bias", d, i);
    plan.norm(b + "layer_output_norm.weight", d, i);
    plan.bias(b + "layer_output_norm.bias", d, i);
  }
  return t;
}

std::vector<TensorPlan> plan_tensors(const SynthPreset& p) {
  if (p.tokenizer == TokenizerFamily::kBert) return plan_encoder_tensors(p);
  const ArchLayout& l = layout_of(p.arch);
  const uint64_t d = p.d, f = p.f, hd = p.head_dim, q_out = p.n_head * hd, kv_out = p.n_head_kv * hd;
  std::vector<TensorPlan> t;
  Planner plan(t);

  // Untied embedding rows: N(0, 1) elements, as trained models roughly have. A tied embedding is also the output
  // projection, where each token's own row meets the residual it started: N(0, 1) rows would make
  // that logit (|e|² ≈ d) tower over the rest and the model only repeat its input. So tied rows get
  // norm 1, and gemma's (scaled by √d at run time, which brings the self-term back) norm 1/4; the
  // output norm's gain then sets the logits' spread.
  const float sqrt_d = std::sqrt(static_cast<float>(d));
  const float row_norm = l.gemma_embed ? kGemmaRowNorm : p.tied ? 1.0f : sqrt_d;
  const float out_row_norm = p.tied ? row_norm : 1.0f;
  t.push_back({"token_embd.weight", {d, p.vocab}, p.tied ? TensorRole::kOutput : TensorRole::kTokenEmbd, 0,
               row_norm / sqrt_d, 0.0f, {}});
  if (p.llama3_factor > 0) {
    plan.values("rope_freqs.weight", llama3_rope_factors(p.head_dim, p.rope_base, p.llama3_factor,
                                                         p.llama3_original_context));
  }
  if (p.original_context > 0) {
    plan.values("rope_factors_long.weight", phi3_long_factors(p.head_dim));
    plan.values("rope_factors_short.weight", phi3_short_factors(p.head_dim));
  }

  for (uint32_t i = 0; i < p.n_layer; ++i) {
    const std::string b = "blk." + std::to_string(i) + ".";
    plan.norm(b + "attn_norm.weight", d, i);
    if (l.fused) {
      plan.matrix(b + "attn_qkv.weight", d, q_out + 2 * kv_out, TensorRole::kAttnQkv, i);
    } else {
      plan.matrix(b + "attn_q.weight", d, q_out, TensorRole::kAttnQ, i);
      plan.matrix(b + "attn_k.weight", d, kv_out, TensorRole::kAttnK, i);
      plan.matrix(b + "attn_v.weight", d, kv_out, TensorRole::kAttnV, i);
    }
    if (l.qkv_bias) {
      plan.bias(b + "attn_q.bias", q_out, i);
      plan.bias(b + "attn_k.bias", kv_out, i);
      plan.bias(b + "attn_v.bias", kv_out, i);
    }
    if (l.qk_norm) {
      plan.norm(b + "attn_q_norm.weight", hd, i);
      plan.norm(b + "attn_k_norm.weight", hd, i);
    }
    plan.matrix(b + "attn_output.weight", q_out, d, TensorRole::kAttnOutput, i);
    if (l.post_norms) plan.norm(b + "post_attention_norm.weight", d, i);
    plan.norm(b + "ffn_norm.weight", d, i);
    if (l.fused) {
      plan.matrix(b + "ffn_up.weight", d, 2 * f, TensorRole::kFfnUp, i);
    } else {
      plan.matrix(b + "ffn_gate.weight", d, f, TensorRole::kFfnGate, i);
      plan.matrix(b + "ffn_up.weight", d, f, TensorRole::kFfnUp, i);
    }
    plan.matrix(b + "ffn_down.weight", f, d, TensorRole::kFfnDown, i);
    if (l.post_norms) plan.norm(b + "post_ffw_norm.weight", d, i);
  }

  // Logits then have a standard deviation of about kLogitSpread: top tokens at a few to tens of
  // percent, as in trained models, rather than a flat or a one-hot distribution.
  const float gain = kLogitSpread / out_row_norm;
  t.push_back({"output_norm.weight", {d}, TensorRole::kVector, 0, kNormNoise * gain, gain, {}});
  if (!p.tied) plan.matrix("output.weight", d, p.vocab, TensorRole::kOutput, 0);
  return t;
}

}  // namespace hearth::synth
