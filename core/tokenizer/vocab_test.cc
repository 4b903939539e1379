// Loading errors and defaults, on small GGUF files written in memory.
#include "core/tokenizer/tokenizer.h"

#include <gtest/gtest.h>

#include "core/gguf/gguf_file.h"
#include "core/gguf/gguf_writer.h"
#include "core/util/error.h"

namespace hearth {
namespace {

using Ids = std::vector<int32_t>;

// A tiny SentencePiece vocab: <unk> <s> </s>, the 256 byte tokens, then a few pieces.
GgufWriter spm_writer() {
  std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
  std::vector<int32_t> types = {2, 3, 3};
  for (int b = 0; b < 256; ++b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "<0x%02X>", b);
    tokens.push_back(buf);
    types.push_back(6);
  }
  for (const char* p : {"▁", "a", "b", "ab", "▁ab", "<|im_end|>"}) {
    tokens.push_back(p);
    types.push_back(std::string(p) == "<|im_end|>" ? 4 : 1);  // deliberately not control
  }
  std::vector<float> scores(tokens.size(), 0.0f);
  scores[tokens.size() - 3] = -1.0f;  // "ab"
  scores[tokens.size() - 2] = -0.5f;  // "▁ab"
  GgufWriter w;
  w.set_string("tokenizer.ggml.model", "llama");
  w.set_string_array("tokenizer.ggml.tokens", tokens);
  w.set_f32_array("tokenizer.ggml.scores", scores);
  w.set_i32_array("tokenizer.ggml.token_type", types);
  return w;
}

GgufWriter bpe_writer() {
  std::vector<std::string> tokens;
  for (int c = '!'; c <= '~'; ++c) tokens.push_back(std::string(1, static_cast<char>(c)));
  tokens.push_back("Ġ");
  tokens.push_back("ab");
  tokens.push_back("<|endoftext|>");
  GgufWriter w;
  w.set_string("tokenizer.ggml.model", "gpt2");
  w.set_string("tokenizer.ggml.pre", "gpt-2");
  w.set_string_array("tokenizer.ggml.tokens", tokens);
  w.set_string_array("tokenizer.ggml.merges", {"a b"});
  w.set_u32("tokenizer.ggml.bos_token_id", static_cast<uint32_t>(tokens.size() - 1));
  w.set_u32("tokenizer.ggml.eos_token_id", static_cast<uint32_t>(tokens.size() - 1));
  return w;
}

Tokenizer build(const GgufWriter& w) {
  const std::vector<uint8_t> bytes = w.to_bytes({});
  return Tokenizer::from_gguf(GgufFile::parse(bytes));
}

void expect_error(const GgufWriter& w, ErrorCode code, const std::string& needle) {
  try {
    build(w);
    FAIL() << "no error, expected one mentioning " << needle;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(Vocab, SmallSpmWorks) {
  const Tokenizer t = build(spm_writer());
  EXPECT_EQ(t.encode("ab", true, false), (Ids{1, t.token_id("▁ab")}));
  EXPECT_EQ(t.encode("ab", false, false), (Ids{t.token_id("▁ab")}));
  // "<|im_end|>" is stored as user-defined; llama.cpp's by-text EOG detection makes it end
  // generation and turns it into a control token, so only parse_special matches it.
  const int32_t im_end = t.token_id("<|im_end|>");
  EXPECT_TRUE(t.is_eog(im_end));
  EXPECT_TRUE(t.is_control(im_end));
  EXPECT_EQ(t.encode("a<|im_end|>", false, true).back(), im_end);
  EXPECT_NE(t.encode("a<|im_end|>", false, false).back(), im_end);
  EXPECT_EQ(t.token_to_piece(im_end), "");
  // "c" has no piece: byte fallback.
  EXPECT_EQ(t.encode("c", false, false), (Ids{t.token_id("▁"), t.token_id("<0x63>")}));
  EXPECT_EQ(t.decode(t.encode("abc ba", false, false)), "abc ba");
}

TEST(Vocab, AddFlagsFromTheFile) {
  GgufWriter w = spm_writer();
  w.set_bool("tokenizer.ggml.add_bos_token", false);
  w.set_bool("tokenizer.ggml.add_eos_token", true);
  w.set_bool("tokenizer.ggml.add_space_prefix", false);
  const Tokenizer t = build(w);
  EXPECT_EQ(t.encode("ab", true, false), (Ids{t.token_id("ab"), 2}));
}

TEST(Vocab, SmallBpeWorks) {
  const Tokenizer t = build(bpe_writer());
  EXPECT_EQ(t.encode("ab a", false, false), (Ids{t.token_id("ab"), t.token_id("Ġ"), t.token_id("a")}));
  EXPECT_EQ(t.bos_id(), t.vocab_size() - 1);
  EXPECT_FALSE(t.add_bos());
}

TEST(Vocab, Llama3IgnoresMergesForWholeVocabWords) {
  // "abc" is a token but no merge builds it: llama-bpe takes the whole pre-token, gpt-2 cannot.
  GgufWriter w = bpe_writer();
  std::vector<std::string> tokens;
  for (int c = '!'; c <= '~'; ++c) tokens.push_back(std::string(1, static_cast<char>(c)));
  tokens.push_back("ab");
  tokens.push_back("abc");
  w.set_string_array("tokenizer.ggml.tokens", tokens);
  w.set_u32("tokenizer.ggml.bos_token_id", 0);
  w.set_u32("tokenizer.ggml.eos_token_id", 1);
  const Tokenizer gpt2 = build(w);
  EXPECT_EQ(gpt2.encode("abc", false, false), (Ids{gpt2.token_id("ab"), gpt2.token_id("c")}));
  w.set_string("tokenizer.ggml.pre", "llama-bpe");
  const Tokenizer llama3 = build(w);
  EXPECT_EQ(llama3.encode("abc", false, false), (Ids{llama3.token_id("abc")}));
  EXPECT_TRUE(llama3.add_bos());  // llama3-style pre-tokenizers default to adding BOS
  EXPECT_EQ(llama3.encode("abc", true, false), (Ids{0, llama3.token_id("abc")}));
}

TEST(VocabErrors, UnknownModel) {
  GgufWriter w = spm_writer();
  w.set_string("tokenizer.ggml.model", "rwkv-world");
  expect_error(w, ErrorCode::kUnsupported, "llama, gpt2, bert");
}

TEST(VocabErrors, UnknownPreTokenizer) {
  GgufWriter w = bpe_writer();
  w.set_string("tokenizer.ggml.pre", "future-model");
  expect_error(w, ErrorCode::kUnsupported, "future-model");
  expect_error(w, ErrorCode::kUnsupported, "llama-bpe");  // the message lists what is supported
}

TEST(VocabErrors, ScoresLength) {
  GgufWriter w = spm_writer();
  w.set_f32_array("tokenizer.ggml.scores", {0.0f, 1.0f});
  expect_error(w, ErrorCode::kMalformedFile, "tokenizer.ggml.scores");
}

TEST(VocabErrors, TokenTypeLength) {
  GgufWriter w = spm_writer();
  w.set_i32_array("tokenizer.ggml.token_type", {1});
  expect_error(w, ErrorCode::kMalformedFile, "tokenizer.ggml.token_type");
}

TEST(VocabErrors, MergeNamesUnknownToken) {
  GgufWriter w = bpe_writer();
  w.set_string_array("tokenizer.ggml.merges", {"a b", "x zzz"});
  expect_error(w, ErrorCode::kMalformedFile, "tokenizer.ggml.merges");
}

TEST(VocabErrors, MissingMerges) {
  GgufWriter w;
  w.set_string("tokenizer.ggml.model", "gpt2");
  w.set_string_array("tokenizer.ggml.tokens", {"a", "b"});
  expect_error(w, ErrorCode::kMalformedFile, "tokenizer.ggml.merges");
}

TEST(VocabErrors, SpecialIdOutOfRange) {
  GgufWriter w = spm_writer();
  w.set_u32("tokenizer.ggml.eos_token_id", 100000);
  expect_error(w, ErrorCode::kMalformedFile, "tokenizer.ggml.eos_token_id");
}

TEST(VocabErrors, DuplicateToken) {
  GgufWriter w = spm_writer();
  w.set_string_array("tokenizer.ggml.tokens", std::vector<std::string>(265, "x"));
  expect_error(w, ErrorCode::kMalformedFile, "twice");
}

TEST(VocabErrors, AddBosWithoutBos) {
  GgufWriter w = bpe_writer();
  w.set_u32("tokenizer.ggml.bos_token_id", 0xFFFFFFFFu);  // "none" keeps gpt2's default 11
  w.set_bool("tokenizer.ggml.add_bos_token", true);
  EXPECT_EQ(build(w).encode("a", true, false).front(), 11);
}

// A vocabulary from a stranger's file: tokens that are not valid UTF-8 and tokens of zero length.
// It loads or fails with a typed error; encoding any text and decoding any id never crash.
TEST(VocabHostile, InvalidUtf8AndEmptyTokens) {
  const std::vector<std::string> odd = {"", "\xff\xfe", "\xc3", "a\x80" "b", std::string("\0x", 2), "\xed\xa0\x80"};
  auto exercise = [](const GgufWriter& w) {
    try {
      const Tokenizer t = build(w);
      for (const char* text : {"ab", "", "\xff\xfe a\x80" "b \xc3", "<|endoftext|>x"}) {
        for (bool special : {false, true}) {
          const Ids ids = t.encode(text, special, special);
          for (int32_t id : ids) EXPECT_TRUE(id >= 0 && id < t.vocab_size());
          (void)t.decode(ids);
        }
      }
      for (int32_t id = 0; id < t.vocab_size(); ++id) {
        (void)t.decode(Ids{id}, true);
        (void)t.token_to_piece(id);
      }
    } catch (const Error& e) {
      EXPECT_TRUE(e.code() == ErrorCode::kMalformedFile || e.code() == ErrorCode::kInvalidArgument) << e.what();
    }
  };
  {
    GgufWriter w = spm_writer();
    const GgufFile base = GgufFile::parse(w.to_bytes({}));
    std::vector<std::string> tokens;
    for (const auto& v : base.get_string_array("tokenizer.ggml.tokens")) tokens.push_back(v);
    tokens.insert(tokens.end(), odd.begin(), odd.end());
    w.set_string_array("tokenizer.ggml.tokens", tokens);
    w.set_f32_array("tokenizer.ggml.scores", std::vector<float>(tokens.size(), -1.0f));
    std::vector<int32_t> types(tokens.size(), 1);
    types[1] = types[2] = 3;
    w.set_i32_array("tokenizer.ggml.token_type", types);
    exercise(w);
  }
  {
    GgufWriter w = bpe_writer();
    std::vector<std::string> tokens;
    for (int c = '!'; c <= '~'; ++c) tokens.push_back(std::string(1, static_cast<char>(c)));
    tokens.insert(tokens.end(), odd.begin(), odd.end());
    tokens.push_back("<|endoftext|>");
    w.set_string_array("tokenizer.ggml.tokens", tokens);
    w.set_u32("tokenizer.ggml.bos_token_id", static_cast<uint32_t>(tokens.size() - 1));
    w.set_u32("tokenizer.ggml.eos_token_id", static_cast<uint32_t>(tokens.size() - 1));
    exercise(w);
  }
}

}  // namespace
}  // namespace hearth
