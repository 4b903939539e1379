#include "core/synth/synthetic_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "core/gguf/gguf_file.h"
#include "core/synth/presets.h"
#include "core/synth/weight_recipe.h"
#include "core/tensor/dequantize.h"
#include "core/util/error.h"

namespace hearth {
namespace {

std::vector<uint8_t> generate(const std::string& preset, const std::string& type, uint64_t seed = 1,
                              int n_threads = 2) {
  std::vector<uint8_t> bytes;
  write_synthetic_model({preset, type, seed, n_threads},
                        [&](const uint8_t* p, size_t n) { bytes.insert(bytes.end(), p, p + n); });
  return bytes;
}

std::vector<std::string> tiny_presets() {
  std::vector<std::string> out;
  for (const std::string& name : synth_preset_names()) {
    if (name.rfind("tiny-", 0) == 0) out.push_back(name);
  }
  return out;
}

// Every tiny preset in every type: a file GgufFile accepts, whose tensors have the spec's shapes, the
// recipe's types, and data that dequantizes to finite values.
TEST(SyntheticModel, TinyPresetsInEveryTypeParse) {
  for (const std::string& preset : tiny_presets()) {
    const synth::SynthPreset& p = synth::find_preset(preset);
    for (const std::string& type : synth_type_names()) {
      SCOPED_TRACE(preset + " " + type);
      const std::vector<uint8_t> bytes = generate(preset, type);
      const GgufFile f = GgufFile::parse(bytes);
      EXPECT_EQ(bytes.size(), f.file_size_needed());
      EXPECT_EQ(f.get_string("general.architecture"), p.arch);
      EXPECT_EQ(f.get_uint("general.file_type"), synth::find_recipe(type).file_type);
      EXPECT_EQ(f.get_string_array("tokenizer.ggml.tokens").size(), p.vocab);
      const GgufTensor& embd = f.tensor("token_embd.weight");
      EXPECT_EQ(embd.dims, (std::vector<uint64_t>{p.d, p.vocab}));
      EXPECT_EQ(f.find_tensor("output.weight") == nullptr, p.tied);
      for (const GgufTensor& t : f.tensors()) {
        if (t.dims.size() == 1) {
          EXPECT_EQ(t.type(), GgmlType::F32) << t.name;
        }
        std::vector<float> row(t.row_length());
        dequantize_row(t.type(), t.data, row.data(), static_cast<int64_t>(row.size()));
        for (float x : row) ASSERT_TRUE(std::isfinite(x)) << t.name;
      }
    }
  }
}

TEST(SyntheticModel, TensorShapesFollowTheSpec) {
  const GgufFile f = [] {
    static std::vector<uint8_t> bytes = generate("tiny-phi3", "f32");
    return GgufFile::parse(bytes);
  }();
  EXPECT_EQ(f.tensor("blk.0.attn_qkv.weight").dims, (std::vector<uint64_t>{256, (4 + 2 * 4) * 64}));
  EXPECT_EQ(f.tensor("blk.1.ffn_up.weight").dims, (std::vector<uint64_t>{256, 1024}));
  EXPECT_EQ(f.tensor("rope_factors_long.weight").dims, (std::vector<uint64_t>{32}));
  EXPECT_EQ(f.find_tensor("blk.0.ffn_gate.weight"), nullptr);
  EXPECT_GT(f.get_float("phi3.rope.scaling.attn_factor"), 1.0);
  EXPECT_EQ(f.get_uint("phi3.rope.scaling.original_context_length"), 16u);

  static std::vector<uint8_t> q3 = generate("tiny-qwen3", "f32");
  const GgufFile g = GgufFile::parse(q3);
  EXPECT_EQ(g.tensor("blk.0.attn_q.weight").dims, (std::vector<uint64_t>{256, 512}));
  EXPECT_EQ(g.tensor("blk.0.attn_k.weight").dims, (std::vector<uint64_t>{256, 256}));
  EXPECT_EQ(g.tensor("blk.0.attn_output.weight").dims, (std::vector<uint64_t>{512, 256}));
  EXPECT_EQ(g.tensor("blk.1.attn_q_norm.weight").dims, (std::vector<uint64_t>{128}));
  EXPECT_EQ(g.get_uint("qwen3.attention.key_length"), 128u);

  static std::vector<uint8_t> g3 = generate("tiny-gemma3", "f32");
  const GgufFile h = GgufFile::parse(g3);
  EXPECT_EQ(h.get_uint("gemma3.block_count"), 6u);
  EXPECT_TRUE(h.find_tensor("blk.5.post_ffw_norm.weight"));
  EXPECT_TRUE(h.find_tensor("blk.5.attn_k_norm.weight"));
  EXPECT_EQ(h.get_string("gemma3.rope.scaling.type"), "linear");
}

TEST(SyntheticModel, MixesGiveMoreBitsWhereLlamaCppDoes) {
  static std::vector<uint8_t> bytes = generate("tiny-gemma3", "q4_k_m");
  const GgufFile f = GgufFile::parse(bytes);
  // 6 layers: n/8 = 0, 7n/8 = 5, so more bits on 5 (last eighth) and 2 ((2 - 0) % 3 == 2).
  const std::map<int, GgmlType> v = {{0, GgmlType::Q4_K}, {1, GgmlType::Q4_K}, {2, GgmlType::Q6_K},
                                     {3, GgmlType::Q4_K}, {4, GgmlType::Q4_K}, {5, GgmlType::Q6_K}};
  for (const auto& [layer, type] : v) {
    const std::string b = "blk." + std::to_string(layer) + ".";
    EXPECT_EQ(f.tensor(b + "attn_v.weight").type(), type) << layer;
    EXPECT_EQ(f.tensor(b + "ffn_down.weight").type(), type) << layer;
    EXPECT_EQ(f.tensor(b + "attn_q.weight").type(), GgmlType::Q4_K) << layer;
  }
  EXPECT_EQ(f.tensor("token_embd.weight").type(), GgmlType::Q6_K);  // tied: the output projection
  EXPECT_EQ(f.get_uint("general.file_type"), 15u);
}

TEST(SyntheticModel, LegacyQuantsKeepTheOutputInQ6K) {
  static std::vector<uint8_t> bytes = generate("tiny-llama", "q4_0");
  const GgufFile f = GgufFile::parse(bytes);
  EXPECT_EQ(f.tensor("output.weight").type(), GgmlType::Q6_K);
  EXPECT_EQ(f.tensor("token_embd.weight").type(), GgmlType::Q4_0);
  EXPECT_EQ(f.tensor("blk.1.ffn_down.weight").type(), GgmlType::Q4_0);
  EXPECT_EQ(f.tensor("rope_freqs.weight").type(), GgmlType::F32);
}

TEST(SyntheticModel, DeterministicFromTheSeed) {
  const std::vector<uint8_t> a = generate("tiny-qwen2", "q4_k", 7, 2);
  EXPECT_EQ(a, generate("tiny-qwen2", "q4_k", 7, 1));  // threads do not change the bytes
  const std::vector<uint8_t> b = generate("tiny-qwen2", "q4_k", 8, 2);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_NE(a, b);
}

TEST(SyntheticModel, UnknownPresetOrTypeListsTheValidOnes) {
  try {
    synthetic_model_layout({"llama-9", "q8_0"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("tiny-llama"), std::string::npos);
  }
  try {
    synthetic_model_layout({"tiny-llama", "q9"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("q4_k_m"), std::string::npos);
  }
}

TEST(SyntheticModel, WeightsHaveTheIntendedScale) {
  static std::vector<uint8_t> bytes = generate("tiny-llama", "f32");
  const GgufFile f = GgufFile::parse(bytes);
  auto stats = [&](const std::string& name) {
    const GgufTensor& t = f.tensor(name);
    const float* x = reinterpret_cast<const float*>(t.data);
    double sum = 0, sq = 0;
    for (uint64_t i = 0; i < t.n_elements(); ++i) sum += x[i], sq += double(x[i]) * x[i];
    const double mean = sum / t.n_elements();
    return std::pair{mean, std::sqrt(sq / t.n_elements() - mean * mean)};
  };
  EXPECT_NEAR(stats("token_embd.weight").second, 1.0, 0.02);
  EXPECT_NEAR(stats("blk.0.ffn_down.weight").second, 1.0 / std::sqrt(512.0), 0.002);
  EXPECT_NEAR(stats("blk.0.attn_norm.weight").first, 1.0, 0.03);
}

}  // namespace
}  // namespace hearth
