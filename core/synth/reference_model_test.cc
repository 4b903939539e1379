// Tests of the float64 reference forward pass (tests/support/reference_model), which lives outside
// core/ and is linked into this suite because the synthetic models are what it mostly runs on.
#include "tests/support/reference_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "core/gguf/gguf_file.h"
#include "core/gguf/gguf_writer.h"
#include "core/synth/presets.h"
#include "core/synth/synthetic_model.h"
#include "core/tokenizer/tokenizer.h"
#include "core/util/error.h"

namespace hearth {
namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<uint8_t> generate(const std::string& preset, const std::string& type) {
  std::vector<uint8_t> bytes;
  write_synthetic_model({preset, type, 1, 2}, [&](const uint8_t* p, size_t n) { bytes.insert(bytes.end(), p, p + n); });
  return bytes;
}

int32_t argmax_of_row(const std::vector<double>& logits, size_t row, size_t V) {
  const auto begin = logits.begin() + row * V;
  return static_cast<int32_t>(std::max_element(begin, begin + V) - begin);
}

// stories260K (a real trained llama) greedily continues "Zoo" as its README records.
TEST(ReferenceModel, Stories260KGreedyContinuation) {
  const std::vector<uint8_t> bytes = read_file(std::string(HEARTH_SHARED_DIR) + "/models/stories260K.gguf");
  const GgufFile f = GgufFile::parse(bytes);
  const Tokenizer tok = Tokenizer::from_gguf(f);
  std::vector<int32_t> ids = {1, 410, 469, 347};
  EXPECT_EQ(tok.encode("Zoo", true, false), ids);
  const size_t V = static_cast<size_t>(tok.vocab_size());
  for (int step = 0; step < 12; ++step) {
    const std::vector<double> logits = reference_logits(f, ids, 512);
    ASSERT_EQ(logits.size(), ids.size() * V);
    ids.push_back(argmax_of_row(logits, ids.size() - 1, V));
  }
  const std::string text = tok.decode(std::span(ids).subspan(1));
  const std::string known =
      "Zoo was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red "
      "ball.";
  EXPECT_EQ(known.substr(0, text.size()), text) << "decoded: " << text;
  EXPECT_GT(text.size(), 30u);
}

// Every tiny preset: finite logits with spread; causal (a row depends only on its prefix);
// quantized weights move the logits only a little (q8_0's ~0.5% weight error, summed over the
// matrices a token passes through, gives ~1-2% of the logits' spread).
TEST(ReferenceModel, TinyPresetsRunAndAreCausal) {
  const std::vector<int32_t> tokens = {1, 17, 300, 42, 7, 99, 256, 5, 400, 3};
  for (const std::string& preset : synth_preset_names()) {
    if (preset.rfind("tiny-", 0) != 0) continue;
    if (synth::find_preset(preset).pooling != 0) continue;  // embedding models: core/api/embeddings_test, tests/llama_cpp
    SCOPED_TRACE(preset);
    const std::vector<uint8_t> bytes = generate(preset, "f32");
    const GgufFile f = GgufFile::parse(bytes);
    const std::vector<double> full = reference_logits(f, tokens, 64);
    const size_t V = full.size() / tokens.size();
    ASSERT_EQ(V, 512u);
    double sum = 0, sq = 0;
    for (double z : full) {
      ASSERT_TRUE(std::isfinite(z));
      sum += z, sq += z * z;
    }
    const double sd = std::sqrt(sq / full.size() - (sum / full.size()) * (sum / full.size()));
    EXPECT_GT(sd, 0.3);

    const std::vector<double> prefix = reference_logits(f, std::span(tokens).first(6), 64);
    for (size_t i = 0; i < prefix.size(); ++i) ASSERT_NEAR(prefix[i], full[i], 1e-9 * (1 + std::abs(full[i])));

    const std::vector<uint8_t> q8 = generate(preset, "q8_0");
    const std::vector<double> lq = reference_logits(GgufFile::parse(q8), tokens, 64);
    double max_err = 0, mean_err = 0;
    for (size_t i = 0; i < full.size(); ++i) {
      max_err = std::max(max_err, std::abs(lq[i] - full[i]));
      mean_err += std::abs(lq[i] - full[i]) / full.size();
    }
    EXPECT_LT(mean_err, 0.035 * sd) << "q8_0 moved logits by " << mean_err << " on average";
    EXPECT_LT(max_err, 0.2 * sd) << "q8_0 moved a logit by " << max_err;
    std::printf("%s: logit sd %.3f, q8_0 mean |err| %.4f max %.4f\n", preset.c_str(), sd, mean_err, max_err);
  }
}

// phi3 picks long rope factors once the run's context exceeds original_context_length (16 here).
TEST(ReferenceModel, Phi3RopeFactorsDependOnTheContext) {
  const std::vector<uint8_t> bytes = generate("tiny-phi3", "f32");
  const GgufFile f = GgufFile::parse(bytes);
  const std::vector<int32_t> tokens = {1, 100, 200, 300};
  const std::vector<double> short_ctx = reference_logits(f, tokens, 16);
  const std::vector<double> long_ctx = reference_logits(f, tokens, 17);
  EXPECT_EQ(short_ctx, reference_logits(f, tokens, 8));
  EXPECT_NE(short_ctx, long_ctx);
}

TEST(ReferenceModel, RefusesUnknownArchitectures) {
  GgufWriter w;
  w.set_string("general.architecture", "mamba");
  const std::vector<uint8_t> bytes = w.to_bytes({});
  const GgufFile f = GgufFile::parse(bytes);
  const std::vector<int32_t> tokens = {1};
  try {
    reference_logits(f, tokens, 8);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
    EXPECT_NE(std::string(e.what()).find("gemma3"), std::string::npos);
  }
}

}  // namespace
}  // namespace hearth
