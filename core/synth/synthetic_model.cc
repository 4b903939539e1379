#include "core/synth/synthetic_model.h"

#include <algorithm>
#include <exception>
#include <thread>

#include "core/gguf/gguf_writer.h"
#include "core/synth/presets.h"
#include "core/synth/rope_factors.h"
#include "core/synth/synth_random.h"
#include "core/synth/synth_tokenizer.h"
#include "core/synth/tensor_plan.h"
#include "core/synth/weight_recipe.h"
#include "core/tensor/quantize.h"

namespace hearth {
namespace {

using synth::SynthPreset;
using synth::TensorPlan;

// Rows generated per batch: about 1M elements (4 MB as f32) keeps memory flat for any model size.
constexpr uint64_t kBatchElements = 1 << 20;

void write_metadata(const SynthPreset& p, const synth::WeightRecipe& r, uint64_t seed, GgufWriter& w) {
  const std::string a = p.arch;
  w.set_string("general.architecture", a);
  w.set_string("general.name", std::string("synthetic ") + p.name);
  w.set_string("general.description", "hearth synthetic model: random weights, seed " + std::to_string(seed));
  w.set_u32("general.file_type", r.file_type);
  w.set_u32("general.quantization_version", 2);
  w.set_u32(a + ".context_length", p.context_length);
  w.set_u32(a + ".embedding_length", p.d);
  w.set_u32(a + ".block_count", p.n_layer);
  w.set_u32(a + ".feed_forward_length", p.f);
  w.set_u32(a + ".attention.head_count", p.n_head);
  w.set_u32(a + ".attention.head_count_kv", p.n_head_kv);
  const bool encoder = p.tokenizer == synth::TokenizerFamily::kBert;
  if (encoder) {  // as llama.cpp's converter writes a BERT: LayerNorm epsilon, no head sizes
    w.set_f32(a + ".attention.layer_norm_epsilon", p.rms_eps);
    w.set_u32("tokenizer.ggml.token_type_count", 2);
  } else {
    w.set_u32(a + ".attention.key_length", p.head_dim);
    w.set_u32(a + ".attention.value_length", p.head_dim);
    w.set_f32(a + ".attention.layer_norm_rms_epsilon", p.rms_eps);
  }
  if (a != "bert") {
    w.set_f32(a + ".rope.freq_base", p.rope_base);
    w.set_u32(a + ".rope.dimension_count", p.head_dim);
  }
  if (p.pooling > 0) {
    w.set_u32(a + ".pooling_type", p.pooling);
    w.set_bool(a + ".attention.causal", p.causal);
  }
  if (p.original_context > 0) {
    w.set_u32(a + ".rope.scaling.original_context_length", p.original_context);
    w.set_f32(a + ".rope.scaling.attn_factor", synth::phi3_attn_factor(p.context_length, p.original_context));
  }
  if (p.rope_linear_factor > 0) {
    w.set_string(a + ".rope.scaling.type", "linear");
    w.set_f32(a + ".rope.scaling.factor", p.rope_linear_factor);
  }
  if (p.sliding_window > 0) w.set_u32(a + ".attention.sliding_window", p.sliding_window);
  if (p.attn_softcap > 0) w.set_f32(a + ".attn_logit_softcapping", p.attn_softcap);
  if (p.final_softcap > 0) w.set_f32(a + ".final_logit_softcapping", p.final_softcap);
}

struct Prepared {
  GgufWriter writer;
  std::vector<TensorPlan> plans;
  std::vector<GgmlType> types;
};

Prepared prepare(const SynthOptions& opts) {
  const SynthPreset& p = synth::find_preset(opts.preset);
  const synth::WeightRecipe& r = synth::find_recipe(opts.type);
  Prepared out;
  write_metadata(p, r, opts.seed, out.writer);
  synth::write_vocab(*synth::shared_vocab(p), out.writer);
  out.plans = synth::plan_tensors(p);
  for (const TensorPlan& t : out.plans) {
    const GgmlType type = synth::tensor_type(r, t.role, t.layer, p.n_layer, t.row_length());
    out.types.push_back(type);
    out.writer.add_tensor(t.name, type, t.dims);
  }
  return out;
}

// Rows [r0, r1) of a tensor into dst. Each row has its own stream (seeded by tensor and row), so
// the bytes do not depend on how rows are split among threads.
void generate_rows(const TensorPlan& t, GgmlType type, uint64_t tensor_seed, uint64_t r0, uint64_t r1,
                   uint8_t* dst) {
  const uint64_t n = t.row_length(), row_bytes = ggml_row_bytes(type, n);
  std::vector<float> row(n);
  for (uint64_t r = r0; r < r1; ++r) {
    if (!t.values.empty()) {
      row.assign(t.values.begin() + r * n, t.values.begin() + (r + 1) * n);
    } else {
      synth::SplitMix64 rng(synth::derive_seed(tensor_seed, r));
      synth::fill_normal(rng, row.data(), static_cast<int64_t>(n), t.scale, t.offset);
    }
    quantize_row(type, row.data(), dst + (r - r0) * row_bytes, static_cast<int64_t>(n));
  }
}

void generate_parallel(const TensorPlan& t, GgmlType type, uint64_t tensor_seed, uint64_t r0, uint64_t r1,
                       uint8_t* dst, int n_threads) {
  const uint64_t rows = r1 - r0, row_bytes = ggml_row_bytes(type, t.row_length());
  const uint64_t parts = std::max<uint64_t>(1, std::min<uint64_t>(n_threads, rows));
  std::vector<std::thread> threads;
  std::vector<std::exception_ptr> errors(parts);
  auto part = [&](uint64_t k) {
    const uint64_t a = r0 + rows * k / parts, b = r0 + rows * (k + 1) / parts;
    try {
      generate_rows(t, type, tensor_seed, a, b, dst + (a - r0) * row_bytes);
    } catch (...) {
      errors[k] = std::current_exception();
    }
  };
  for (uint64_t k = 1; k < parts; ++k) threads.emplace_back(part, k);
  part(0);
  for (std::thread& th : threads) th.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace

void write_synthetic_model(const SynthOptions& opts, const std::function<void(const uint8_t*, size_t)>& sink) {
  Prepared prep = prepare(opts);
  {
    const std::vector<uint8_t> header = prep.writer.header_bytes();
    sink(header.data(), header.size());
  }
  std::vector<uint8_t> batch;
  const std::vector<uint8_t> zeros(64, 0);
  for (size_t i = 0; i < prep.plans.size(); ++i) {
    const TensorPlan& t = prep.plans[i];
    const GgmlType type = prep.types[i];
    const uint64_t tensor_seed = synth::derive_seed(opts.seed, i);
    const uint64_t row_bytes = ggml_row_bytes(type, t.row_length());
    const uint64_t batch_rows = std::max<uint64_t>(1, kBatchElements / t.row_length());
    for (uint64_t r0 = 0; r0 < t.n_rows(); r0 += batch_rows) {
      const uint64_t r1 = std::min(t.n_rows(), r0 + batch_rows);
      batch.resize((r1 - r0) * row_bytes);
      generate_parallel(t, type, tensor_seed, r0, r1, batch.data(), opts.n_threads);
      sink(batch.data(), batch.size());
    }
    for (uint64_t pad = prep.writer.padding_after(i); pad > 0;) {
      const size_t n = std::min<uint64_t>(pad, zeros.size());
      sink(zeros.data(), n);
      pad -= n;
    }
  }
}

SynthLayout synthetic_model_layout(const SynthOptions& opts) {
  const Prepared prep = prepare(opts);
  SynthLayout out;
  out.header = prep.writer.header_bytes();
  out.file_size = out.header.size();
  for (size_t i = 0; i < prep.plans.size(); ++i) {
    out.file_size += prep.writer.tensor_bytes(i) + prep.writer.padding_after(i);
  }
  return out;
}

std::vector<std::string> synth_type_names() { return synth::recipe_names(); }

}  // namespace hearth
