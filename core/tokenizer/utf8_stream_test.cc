#include "core/tokenizer/utf8_stream.h"

#include <gtest/gtest.h>

#include "core/tokenizer/test_support.h"

namespace hearth {
namespace {

using Ids = std::vector<int32_t>;

TEST(Utf8Stream, HoldsBackAnEmojiSplitOverByteTokens) {
  const Tokenizer t = tok_test::load_vocab("llama-spm");
  const Ids ids = t.encode("a🦙b", false, false);  // ▁a, <0xF0> <0x9F> <0xA6> <0x99>, b
  ASSERT_EQ(ids.size(), 6u);
  Utf8Stream s(t);
  EXPECT_EQ(s.push(ids[0]), " a");
  EXPECT_EQ(s.push(ids[1]), "");
  EXPECT_EQ(s.push(ids[2]), "");
  EXPECT_EQ(s.push(ids[3]), "");
  EXPECT_EQ(s.pending_bytes(), 3u);
  EXPECT_EQ(s.push(ids[4]), "🦙");
  EXPECT_EQ(s.push(ids[5]), "b");
  EXPECT_EQ(s.flush(), "");
}

TEST(Utf8Stream, ByteLevelBpeEmitsOnlyWholeCharacters) {
  const Tokenizer t = tok_test::load_vocab("gpt-2");
  const std::string text = "emoji 🦙🔥 ünïcödé 中文";
  const Ids ids = t.encode(text, false, false);
  Utf8Stream s(t);
  std::string all;
  for (int32_t id : ids) {
    const std::string part = s.push(id);
    EXPECT_EQ(tok_test::is_valid_utf8(part), true) << "partial character emitted";
    all += part;
  }
  all += s.flush();
  EXPECT_EQ(all, text);
}

TEST(Utf8Stream, InvalidBytesBecomeReplacementCharacters) {
  const Tokenizer t = tok_test::load_vocab("llama-spm");
  Utf8Stream s(t);
  EXPECT_EQ(s.push_bytes("\xFF"), "\xEF\xBF\xBD");               // never valid
  EXPECT_EQ(s.push_bytes("\xE2\x82"), "");                       // maybe €
  EXPECT_EQ(s.push_bytes("x"), "\xEF\xBF\xBDx");                 // no: one U+FFFD, then x
  EXPECT_EQ(s.push_bytes("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(s.push_bytes("\xF0\x9F"), "");
  EXPECT_EQ(s.flush(), "\xEF\xBF\xBD");  // unfinished at the end
  EXPECT_EQ(s.pending_bytes(), 0u);
  EXPECT_EQ(s.push_bytes("\xE2\x82\xAC"), "€");
}

TEST(Utf8Stream, ControlTokensFollowTheRenderFlag) {
  const Tokenizer t = tok_test::load_vocab("llama-spm");
  Utf8Stream quiet(t), loud(t, true);
  EXPECT_EQ(quiet.push(2), "");
  EXPECT_EQ(loud.push(2), "</s>");
  EXPECT_THROW(quiet.push(-5), Error);
}

}  // namespace
}  // namespace hearth
