// The hand-written pre-tokenizer matchers against what the reference regexes split (cases worked
// out from llama.cpp's regex semantics: leftmost match, ordered alternation, greedy with backtracking).
#include "core/tokenizer/pre_tokenizer.h"

#include <gtest/gtest.h>

#include "core/tokenizer/unicode.h"

namespace hearth::tok {
namespace {

using Words = std::vector<std::string>;

TEST(PreSplit, Gpt2) {
  EXPECT_EQ(pre_tokenize(PreKind::kGpt2, "Hello world's 123 ok!!  x\n\ny  "),
            (Words{"Hello", " world", "'s", " 123", " ok", "!!", " ", " x", "\n", "\n", "y", "  "}));
  EXPECT_EQ(pre_tokenize(PreKind::kGpt2, "I'M"), (Words{"I", "'", "M"}));  // contractions are case-sensitive
  EXPECT_EQ(pre_tokenize(PreKind::kGpt2, ""), Words{});
}

TEST(PreSplit, Llama3) {
  EXPECT_EQ(pre_tokenize(PreKind::kLlama3, "I'M 12345 (x)\n\n  y"),
            (Words{"I", "'M", " ", "123", "45", " (", "x", ")\n\n", " ", " y"}));
  EXPECT_EQ(pre_tokenize(PreKind::kLlama3, "a \n b"), (Words{"a", " \n", " b"}));
  EXPECT_EQ(pre_tokenize(PreKind::kQwen2, "12345"), (Words{"1", "2", "3", "4", "5"}));
}

TEST(PreSplit, StarcoderSplitsDigits) {
  EXPECT_EQ(pre_tokenize(PreKind::kStarcoder, "x 2024"), (Words{"x", " ", "2", "0", "2", "4"}));
}

TEST(PreSplit, DefaultAndFalconGroupDigitsByThree) {
  EXPECT_EQ(pre_tokenize(PreKind::kFalcon, "a 12345"), (Words{"a", " ", "123", "45"}));
  EXPECT_EQ(pre_tokenize(PreKind::kDefault, "x+=1;"), (Words{"x", "+=", "1", ";"}));
}

TEST(PreSplit, DeepseekLlm) {
  EXPECT_EQ(pre_tokenize(PreKind::kDeepseekLlm, "Hi 世界, 42\nok  "),
            (Words{"Hi", " ", "世界", ",", " ", "42", "\n", "ok", "  "}));
}

TEST(PreSplit, DeepseekCoder) {
  EXPECT_EQ(pre_tokenize(PreKind::kDeepseekCoder, "foo(bar) 42"),
            (Words{"foo", "(", "bar", ")", " ", "4", "2"}));
}

TEST(PreSplit, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(pre_tokenize(PreKind::kGpt2, "a\xFF"), (Words{"a", "\xEF\xBF\xBD"}));
}

TEST(PreTokenizerTable, NamesShareRuleSets) {
  ASSERT_NE(find_pre_tokenizer("llama-bpe"), nullptr);
  EXPECT_EQ(find_pre_tokenizer("llama-bpe")->kind, PreKind::kLlama3);
  EXPECT_TRUE(find_pre_tokenizer("llama-bpe")->ignore_merges);
  EXPECT_EQ(find_pre_tokenizer("mpt")->kind, PreKind::kGpt2);
  EXPECT_EQ(find_pre_tokenizer("refact")->kind, PreKind::kStarcoder);
  EXPECT_EQ(find_pre_tokenizer("smollm")->kind, PreKind::kStarcoder);
  EXPECT_EQ(find_pre_tokenizer("command-r")->kind, PreKind::kStarcoder);
  EXPECT_EQ(find_pre_tokenizer("qwen2")->kind, PreKind::kQwen2);
  EXPECT_EQ(find_pre_tokenizer("no-such-thing"), nullptr);
  EXPECT_NE(supported_pre_tokenizer_names().find("deepseek-coder"), std::string::npos);
}

TEST(Unicode, Categories) {
  EXPECT_TRUE(cp_is_letter('a'));
  EXPECT_TRUE(cp_is_letter(0x4E2D));   // 中
  EXPECT_TRUE(cp_is_number(0x0663));   // Arabic-Indic three
  EXPECT_TRUE(cp_flags('!') & kPunct);
  EXPECT_TRUE(cp_flags('$') & kSymbol);
  EXPECT_TRUE(cp_flags(0x0301) & kMark);
  EXPECT_TRUE(cp_flags(0x0378) & kUndefined);
  EXPECT_TRUE(cp_is_whitespace(0x3000));
  EXPECT_FALSE(cp_is_whitespace(0x200B));  // zero-width space is not White_Space
  EXPECT_EQ(cp_to_lower('A'), uint32_t('a'));
  EXPECT_EQ(cp_to_lower(0x00C9), 0x00E9u);  // É → é
  EXPECT_EQ(cp_nfd_first(0x00E9), uint32_t('e'));
  EXPECT_EQ(cp_nfd_first(0xAC01), 0x1100u);  // 각 → ᄀ
  EXPECT_EQ(utf8_to_cpts("é\xC3"), (std::vector<uint32_t>{0xE9, 0xFFFD}));
}

}  // namespace
}  // namespace hearth::tok
