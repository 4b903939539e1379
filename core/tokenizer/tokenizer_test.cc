// Behaviour of the public Tokenizer beyond the reference vectors: stories260K, BOS/EOS, special
// tokens, pieces, end-of-generation ids, and round trips through every vocab in the shared folder.
#include "core/tokenizer/tokenizer.h"

#include <gtest/gtest.h>

#include "core/tokenizer/test_support.h"
#include "core/util/error.h"

namespace hearth {
namespace {

using tok_test::load_tokenizer_file;
using tok_test::load_vocab;
using Ids = std::vector<int32_t>;

const Tokenizer& stories() {
  static const Tokenizer t = load_tokenizer_file(std::string(HEARTH_SHARED_DIR) + "/models/stories260K.gguf");
  return t;
}

TEST(Stories260K, ZooWithBos) {
  const Tokenizer& t = stories();
  EXPECT_EQ(t.vocab_size(), 512);
  EXPECT_EQ(t.model_name(), "llama");
  EXPECT_EQ(t.encode("Zoo", true, false), (Ids{1, 410, 469, 347}));
  EXPECT_EQ(t.encode("Zoo", false, false), (Ids{410, 469, 347}));
  EXPECT_EQ(t.decode(Ids{1, 410, 469, 347}), " Zoo");  // BOS first: llama.cpp keeps the space
  EXPECT_EQ(t.decode(Ids{410, 469, 347}), "Zoo");
  EXPECT_EQ(t.bos_id(), 1);
  EXPECT_EQ(t.eos_id(), 2);
  EXPECT_EQ(t.sep_id(), -1);  // stored as UINT32_MAX: "none"
  EXPECT_EQ(t.pad_id(), -1);
  EXPECT_TRUE(t.is_eog(2));
  EXPECT_FALSE(t.is_eog(1));
}

TEST(Stories260K, ByteFallbackForUnknownCharacters) {
  const Tokenizer& t = stories();
  // "🦙" is not in a 512-token vocab: it falls back to its four byte tokens after the "▁".
  const Ids ids = t.encode("🦙", false, false);
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_EQ(t.token_text(ids[0]), "▁");
  EXPECT_EQ(t.token_text(ids[1]), "<0xF0>");
  EXPECT_EQ(t.token_text(ids[4]), "<0x99>");
  EXPECT_EQ(t.token_to_piece(ids[4]), "\x99");
  EXPECT_EQ(t.decode(ids), "🦙");
}

TEST(Spm, PiecesAndSpecialRendering) {
  const Tokenizer t = load_vocab("llama-spm");
  EXPECT_EQ(t.token_to_piece(t.token_id("▁Hello")), " Hello");
  EXPECT_EQ(t.token_to_piece(t.token_id("<0x0A>")), "\n");
  EXPECT_EQ(t.token_to_piece(1), "");
  EXPECT_EQ(t.token_to_piece(1, true), "<s>");
  EXPECT_EQ(t.token_to_piece(0, true), "<unk>");
  EXPECT_EQ(t.decode(Ids{1, 15043, 3186, 2}, true), "<s> Hello world</s>");
  EXPECT_EQ(t.decode(Ids{1, 15043, 3186, 2}), " Hello world");
  EXPECT_EQ(t.encode("Hello world", true, false), (Ids{1, 15043, 3186}));
  EXPECT_TRUE(t.add_bos());
  EXPECT_FALSE(t.add_eos());
}

TEST(Spm, ParseSpecial) {
  const Tokenizer t = load_vocab("llama-spm");
  // On: "<s>" and "</s>" become their ids; text after a special gets the SentencePiece space prefix.
  EXPECT_EQ(t.encode("<s>Hello</s>", false, true), (Ids{1, 15043, 2}));
  // Off: they are plain text and round-trip as such.
  const Ids plain = t.encode("<s>Hello</s>", false, false);
  for (int32_t id : plain) EXPECT_FALSE(t.is_control(id));
  EXPECT_EQ(t.decode(plain), "<s>Hello</s>");
}

TEST(Bpe, Gpt2SpecialsAndFlags) {
  const Tokenizer t = load_vocab("gpt-2");
  EXPECT_EQ(t.model_name(), "gpt2");
  EXPECT_EQ(t.pre_name(), "gpt-2");
  EXPECT_EQ(t.encode("Hello world", false, false), (Ids{15496, 995}));
  EXPECT_FALSE(t.add_bos());  // gpt2 default, no add_bos_token key
  EXPECT_EQ(t.encode("Hello world", true, false), (Ids{15496, 995}));
  EXPECT_EQ(t.encode("a<|endoftext|>b", false, true), (Ids{64, 50256, 65}));
  const Ids plain = t.encode("a<|endoftext|>b", false, false);
  EXPECT_GT(plain.size(), 3u);
  EXPECT_EQ(t.decode(plain), "a<|endoftext|>b");
  EXPECT_TRUE(t.is_eog(50256));
  EXPECT_EQ(t.token_to_piece(50256), "");
  EXPECT_EQ(t.token_to_piece(50256, true), "<|endoftext|>");
  EXPECT_EQ(t.token_to_piece(t.token_id("Ġworld")), " world");
}

TEST(Bpe, DeepseekAddsBosFromTheFile) {
  const Tokenizer t = load_vocab("deepseek-llm");
  EXPECT_TRUE(t.add_bos());
  const Ids ids = t.encode("Hello", true, false);
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids.front(), 100000);
  EXPECT_EQ(Ids(ids.begin() + 1, ids.end()), t.encode("Hello", false, false));
  EXPECT_TRUE(t.is_eog(100001));
}

TEST(Bpe, UserDefinedTokensAlwaysMatch) {
  const Tokenizer t = load_vocab("mpt");
  const int32_t four_spaces = t.token_id("    ");
  ASSERT_GE(four_spaces, 0);
  const Ids ids = t.encode("a    b", false, false);
  EXPECT_NE(std::find(ids.begin(), ids.end(), four_spaces), ids.end());
  EXPECT_EQ(t.decode(ids), "a    b");
}

TEST(Wpm, ClsAndSep) {
  const Tokenizer t = load_vocab("bert-bge");
  EXPECT_EQ(t.model_name(), "bert");
  const Ids body = t.encode("Hello World!", false, false);
  const Ids full = t.encode("Hello World!", true, false);
  ASSERT_EQ(full.size(), body.size() + 2);
  EXPECT_EQ(full.front(), 101);
  EXPECT_EQ(full.back(), 102);
  EXPECT_EQ(t.decode(body), " hello world !");
  EXPECT_EQ(t.encode("[CLS] hi", false, true).front(), 101);
}

TEST(Eog, DetectedByText) {
  const Tokenizer t = load_vocab("phi-3");
  const int32_t end = t.token_id("<|end|>");
  ASSERT_GE(end, 0);
  EXPECT_TRUE(t.is_eog(end));
  EXPECT_TRUE(t.is_eog(t.eos_id()));
  EXPECT_EQ(t.eos_id(), 32000);
  EXPECT_FALSE(t.is_eog(t.token_id("▁the")));
  // With parse_special the chat markers become single tokens, and (llama.cpp's Phi-3 rule, keyed
  // on general.name) they swallow the whitespace after them.
  const Ids ids = t.encode("<|user|>\nHi<|end|>\n", false, true);
  EXPECT_EQ(ids, (Ids{t.token_id("<|user|>"), t.token_id("▁Hi"), end}));
}

TEST(Decode, RejectsOutOfRangeIds) {
  const Tokenizer& t = stories();
  try {
    t.decode(Ids{1, 512});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("512"), std::string::npos);
  }
  EXPECT_THROW(t.token_to_piece(-1), Error);
  EXPECT_THROW(t.token_text(99999), Error);
}

// Arbitrary texts every vocab must survive: decode(encode(s)) == s (or, for WordPiece, re-encoding
// the decoded text gives the same ids).
const char* const kRoundTripTexts[] = {
    "Hello, world! The quick brown fox jumps over the lazy dog.",
    "Ünïcödé àccénts: café, naïve, Straße, Ångström",
    "中文字符测试，日本語のテキスト、한국어 텍스트",
    "emoji 🦙🔥👍🏽 and flags 🇫🇷 zwj 👨‍👩‍👧",
    "def f(x):\n\treturn x ** 2  # comment\n\n\nint main() { return 0; }",
    "   leading and   multiple    spaces   ",
    "\n\n\nnewlines\r\nand\ttabs\t\t",
    "numbers 1234567890 3.14159 1,000,000",
    "it's we'll they've I'M DON'T",
    "",
    " ",
    "\xE2\x80\x83" "em space\xC2\xA0" "nbsp",
};

class RoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(RoundTrip, ArbitraryTexts) {
  const Tokenizer t = load_vocab(GetParam());
  for (const char* text : kRoundTripTexts) {
    const Ids ids = t.encode(text, false, false);
    for (int32_t id : ids) ASSERT_TRUE(id >= 0 && id < t.vocab_size());
    if (t.model_name() == "bert") {
      if (std::find(ids.begin(), ids.end(), t.unk_id()) != ids.end()) continue;  // [UNK] loses text
      EXPECT_EQ(t.encode(t.decode(ids), false, false), ids) << "text: [" << text << "]";
    } else {
      EXPECT_EQ(t.decode(ids), text) << GetParam();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllVocabs, RoundTrip,
                         ::testing::Values("baichuan", "bert-bge", "deepseek-coder", "deepseek-llm", "falcon",
                                           "gpt-2", "gpt-neox", "llama-spm", "mpt", "phi-3", "refact",
                                           "starcoder"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return n;
                         });

}  // namespace
}  // namespace hearth
