// Full-size presets, checked from the header alone (no weights generated): the real models'
// parameter counts, metadata, and file sizes that agree with the tensor infos.
#include "core/synth/presets.h"

#include <gtest/gtest.h>

#include <map>

#include "core/gguf/gguf_file.h"
#include "core/synth/synthetic_model.h"
#include "core/synth/weight_recipe.h"

namespace hearth::synth {
namespace {

// Parameter counts of the Hugging Face checkpoints, plus the rope factor vectors GGUF adds
// (llama3: n_rot/2; phi3: 2 × n_rot/2).
const std::map<std::string, uint64_t> kParams = {
    {"llama-3.2-1b", 1235814400 + 32}, {"llama-3.2-3b", 3212749824 + 64}, {"llama-3.1-8b", 8030261248 + 64},
    {"qwen2.5-0.5b", 494032768},       {"qwen3-0.6b", 596049920},         {"phi-3.5-mini", 3821079552 + 96},
    {"gemma-2-2b", 2614341888},        {"gemma-3-1b", 999885952},
};

TEST(Presets, FullSizeHeadersMatchTheRealModels) {
  for (const auto& [name, params] : kParams) {
    SCOPED_TRACE(name);
    const SynthPreset& p = find_preset(name);
    const SynthLayout layout = synthetic_model_layout({name, "q4_k_m"});
    const GgufFile f = GgufFile::parse(layout.header, false);
    EXPECT_EQ(f.data_offset(), layout.header.size());
    EXPECT_EQ(f.file_size_needed(), layout.file_size);
    uint64_t n = 0, bytes = 0;
    for (const GgufTensor& t : f.tensors()) {
      n += t.n_elements();
      bytes += t.n_bytes;
      EXPECT_EQ(t.n_bytes, ggml_row_bytes(t.type(), t.row_length()) * t.n_rows()) << t.name;
    }
    EXPECT_EQ(n, params);
    EXPECT_LE(layout.file_size - layout.header.size() - bytes, 32 * f.tensors().size());

    const std::string a = p.arch;
    EXPECT_EQ(f.get_uint(a + ".block_count"), p.n_layer);
    EXPECT_EQ(f.get_uint(a + ".embedding_length"), p.d);
    EXPECT_EQ(f.get_uint(a + ".context_length"), p.context_length);
    EXPECT_EQ(f.get_string_array("tokenizer.ggml.tokens").size(), f.tensor("token_embd.weight").dims[1]);
    EXPECT_EQ(f.tensor(std::string("blk.") + std::to_string(p.n_layer - 1) + ".ffn_down.weight").dims,
              (std::vector<uint64_t>{p.f, p.d}));
  }
}

TEST(Presets, RealHyperparameters) {
  const GgufFile g2 = GgufFile::parse(synthetic_model_layout({"gemma-2-2b", "f16"}).header, false);
  EXPECT_EQ(g2.get_uint("gemma2.attention.sliding_window"), 4096u);
  EXPECT_EQ(g2.get_float("gemma2.attn_logit_softcapping"), 50.0);
  EXPECT_EQ(g2.get_float("gemma2.final_logit_softcapping"), 30.0);
  EXPECT_EQ(g2.get_uint("gemma2.attention.key_length"), 256u);

  const GgufFile phi = GgufFile::parse(synthetic_model_layout({"phi-3.5-mini", "q8_0"}).header, false);
  EXPECT_EQ(phi.get_uint("phi3.rope.scaling.original_context_length"), 4096u);
  EXPECT_NEAR(phi.get_float("phi3.rope.scaling.attn_factor"), 1.190238, 1e-5);
  EXPECT_EQ(phi.tensor("rope_factors_long.weight").dims, (std::vector<uint64_t>{48}));
  EXPECT_EQ(phi.get_string("tokenizer.ggml.model"), "llama");

  const GgufFile l8 = GgufFile::parse(synthetic_model_layout({"llama-3.1-8b", "q4_0"}).header, false);
  EXPECT_EQ(l8.tensor("output.weight").type(), GgmlType::Q6_K);
  EXPECT_EQ(l8.get_float("llama.rope.freq_base"), 500000.0);
  EXPECT_EQ(l8.get_uint("general.file_type"), 2u);
}

// Rows that are not whole K-quant blocks (qwen2.5: d = 896) fall back as in llama.cpp.
TEST(Presets, KQuantFallbacksForRowsNotMultipleOf256) {
  const GgufFile f = GgufFile::parse(synthetic_model_layout({"qwen2.5-0.5b", "q4_k_m"}).header, false);
  EXPECT_EQ(f.tensor("blk.0.attn_q.weight").type(), GgmlType::Q5_0);      // q4_k → q5_0
  EXPECT_EQ(f.tensor("blk.0.attn_v.weight").type(), GgmlType::Q8_0);      // q6_k → q8_0
  EXPECT_EQ(f.tensor("blk.0.ffn_down.weight").type(), GgmlType::Q6_K);    // rows of 4864 = 19 × 256
  EXPECT_EQ(f.tensor("blk.3.ffn_down.weight").type(), GgmlType::Q4_K);    // 24 layers: 0-2, 5, 8, ... get more
  EXPECT_EQ(f.tensor("token_embd.weight").type(), GgmlType::Q8_0);        // tied output
  EXPECT_EQ(f.tensor("blk.0.attn_q.bias").type(), GgmlType::F32);
}

TEST(WeightRecipe, UseMoreBitsLikeLlamaCpp) {
  // 16 layers: 0, 1 (first eighth), 14, 15 (last eighth), and 4, 7, 10, 13.
  std::vector<uint32_t> more;
  for (uint32_t i = 0; i < 16; ++i) {
    if (use_more_bits(i, 16)) more.push_back(i);
  }
  EXPECT_EQ(more, (std::vector<uint32_t>{0, 1, 4, 7, 10, 13, 14, 15}));
  EXPECT_EQ(tensor_type(find_recipe("q5_k_m"), TensorRole::kAttnQkv, 3, 32, 3072), GgmlType::Q6_K);
  EXPECT_EQ(tensor_type(find_recipe("q2_k"), TensorRole::kAttnQ, 3, 32, 1152), GgmlType::Q4_0);
  EXPECT_EQ(tensor_type(find_recipe("bf16"), TensorRole::kVector, 0, 1, 64), GgmlType::F32);
}

}  // namespace
}  // namespace hearth::synth
