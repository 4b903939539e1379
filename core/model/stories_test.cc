// stories260K, a real pretrained model, must produce its known greedy continuation.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "core/gguf/gguf_writer.h"
#include "core/model/cpu_executor.h"
#include "core/tokenizer/tokenizer.h"
#include "core/tokenizer/utf8_stream.h"
#include "core/util/error.h"

namespace hearth {
namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int32_t argmax(const float* v, int32_t n) { return int32_t(std::max_element(v, v + n) - v); }

class Stories : public ::testing::Test {
 protected:
  void SetUp() override {
    bytes_ = read_file(std::string(HEARTH_SHARED_DIR) + "/models/stories260K.gguf");
    ASSERT_FALSE(bytes_.empty());
    model_ = Model::load(bytes_);
  }
  std::vector<uint8_t> bytes_;
  std::unique_ptr<Model> model_;
};

TEST_F(Stories, KnownGreedyContinuation) {
  Tokenizer tok = Tokenizer::from_gguf(model_->file());
  std::vector<int32_t> prompt = tok.encode("Zoo", /*add_special=*/true, /*parse_special=*/false);
  ASSERT_EQ(prompt, (std::vector<int32_t>{1, 410, 469, 347}));
  CpuExecutor exec(*model_, 2);
  std::vector<float> logits = exec.eval(prompt);
  std::vector<int32_t> generated;
  for (int step = 0; step < 57; ++step) {
    int32_t next = argmax(logits.data(), model_->config().n_vocab);
    generated.push_back(next);
    if (step < 56) logits = exec.eval(std::span<const int32_t>(&next, 1));
  }
  std::string text = "Zoo";
  Utf8Stream stream(tok);
  for (int32_t id : generated) text += stream.push(id);
  text += stream.flush();
  EXPECT_EQ(text,
            "Zoo was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. "
            "She wanted to play with it, but she didn't want to play with");
  EXPECT_EQ(exec.n_past(), 60);
}

TEST_F(Stories, BatchedAndIncrementalLogitsAgree) {
  std::vector<int32_t> tokens = {1, 410, 469, 347, 500, 12, 99, 7, 300};
  CpuExecutor batched(*model_, 2);
  std::vector<float> all = batched.eval(tokens, /*all_logits=*/true);
  CpuExecutor stepwise(*model_, 1);
  const int32_t V = model_->config().n_vocab;
  for (size_t t = 0; t < tokens.size(); ++t) {
    std::vector<float> one = stepwise.eval(std::span<const int32_t>(&tokens[t], 1));
    for (int32_t k = 0; k < V; ++k) ASSERT_NEAR(one[size_t(k)], all[t * size_t(V) + size_t(k)], 1e-4f) << "pos " << t;
  }
}

TEST_F(Stories, RejectsBadTokensAndOverflowKeepingTheCache) {
  CpuExecutor exec(*model_, 1);
  exec.eval(std::vector<int32_t>{1, 410});
  EXPECT_THROW(exec.eval(std::vector<int32_t>{512}), Error);
  EXPECT_THROW(exec.eval(std::vector<int32_t>{-1}), Error);
  EXPECT_EQ(exec.n_past(), 2);
  std::vector<int32_t> too_many(size_t(exec.n_ctx()), 5);
  try {
    exec.eval(too_many);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("context is full"), std::string::npos);
  }
  EXPECT_EQ(exec.n_past(), 2);
}

}  // namespace
}  // namespace hearth

namespace hearth {
namespace {

// Found by the fuzzer: a tiny header claiming 2^29 layers must be refused before anything is sized by it.
TEST(ModelConfig, RejectsLayerCountsTheFileCannotHold) {
  std::vector<uint8_t> bytes = read_file(std::string(HEARTH_SHARED_DIR) + "/models/stories260K.gguf");
  GgufFile f = GgufFile::parse(bytes);
  GgufWriter w;
  for (const auto& [key, value] : f.metadata()) w.set(key, value);
  w.set_u32("llama.block_count", 1u << 29);
  try {
    ModelConfig::from_gguf(GgufFile::parse(w.to_bytes({})));
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kMalformedFile);
    EXPECT_NE(std::string(e.what()).find("block_count"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace hearth
