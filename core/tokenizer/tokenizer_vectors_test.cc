// The reference vectors: every string of every .inp file must encode to exactly the ids llama.cpp
// produced (no BOS, parse_special off), and decode back to the string where the tokenizer allows.
#include <gtest/gtest.h>

#include "core/tokenizer/test_support.h"

namespace hearth {
namespace {

using tok_test::load_vectors;
using tok_test::load_vocab;

std::string ids_str(const std::vector<int32_t>& ids) {
  std::string s;
  for (int32_t id : ids) s += " " + std::to_string(id);
  return s;
}

class VectorTest : public ::testing::TestWithParam<const char*> {};

TEST_P(VectorTest, EncodesEveryStringExactly) {
  const Tokenizer t = load_vocab(GetParam());
  const auto vectors = load_vectors(GetParam());
  ASSERT_EQ(vectors.size(), 46u);
  int failures = 0;
  for (const auto& vec : vectors) {
    const std::vector<int32_t> got = t.encode(vec.text, false, false);
    EXPECT_EQ(ids_str(got), ids_str(vec.ids)) << "text: [" << vec.text << "]";
    failures += got != vec.ids;
  }
  EXPECT_EQ(failures, 0);
}

TEST_P(VectorTest, DecodesBackToTheInput) {
  const Tokenizer t = load_vocab(GetParam());
  const bool bert = t.model_name() == "bert";
  for (const auto& vec : load_vectors(GetParam())) {
    const std::string back = t.decode(vec.ids);
    if (bert) {
      // WordPiece loses case, accents and spacing around punctuation; what survives is that the
      // decoded text tokenizes to the same ids (when no word fell back to [UNK]).
      bool has_unk = false;
      for (int32_t id : vec.ids) has_unk |= id == t.unk_id();
      if (!has_unk) EXPECT_EQ(ids_str(t.encode(back, false, false)), ids_str(vec.ids)) << "text: [" << vec.text << "]";
    } else {
      EXPECT_EQ(back, vec.text);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Vocabs, VectorTest,
                         ::testing::Values("llama-spm", "gpt-2", "deepseek-llm", "starcoder", "mpt", "bert-bge"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return n;
                         });

}  // namespace
}  // namespace hearth
