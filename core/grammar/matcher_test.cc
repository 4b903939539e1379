#include "core/grammar/matcher.h"

#include <gtest/gtest.h>

#include <random>

#include "core/grammar/gbnf_parser.h"

namespace hearth::grammar {
namespace {

const char* kJsonGbnf = R"(
  root ::= value
  value ::= object | array | string | number | "true" | "false" | "null"
  object ::= "{" ( string ":" value ( "," string ":" value )* )? "}"
  array ::= "[" ( value ( "," value )* )? "]"
  string ::= "\"" ( [^"\\\x00-\x1f] | "\\" ( ["\\/bfnrt] | "u" [0-9a-fA-F]{4} ) )* "\""
  number ::= "-"? ( "0" | [1-9] [0-9]* ) ( "." [0-9]+ )? ( [eE] [-+]? [0-9]+ )?
)";

// Counted string content (maxLength-style chains) and a counted letter run beside a loop.
const char* kCountedGbnf = R"(
  root ::= "{" ( pair ( "," pair )* )? "}"
  pair ::= "\"" [^"\\\x00-\x1f]{0,12} "\":" ( "\"" [a-z ]{2,5} "\"" | [0-9]+ | "\"" [^"]* "\"" )
)";

// A vocabulary of the kinds of tokens real ones have: single bytes, JSON punctuation runs, words,
// words with quotes, UTF-8 characters and pieces of them.
std::vector<std::string> test_tokens(uint32_t seed) {
  std::vector<std::string> t;
  for (int b = 0; b < 256; ++b) t.push_back(std::string(1, char(b)));
  for (const char* s : {"{\"", "\":", "\",\"", "\"}", "}}", "]}", "true", "false", "null", "12", "0.", "e+",
                        "\\n", "\\u00", "é", "日本", "\xE6\x97", "\xA5", " \"", "\":\"", "},{"})
    t.push_back(s);
  std::mt19937 rng(seed);
  const std::string alphabet = "abcxyz019\" ,:{}[]\\.-e";
  for (int k = 0; k < 3000; ++k) {
    std::string s;
    int len = 1 + int(rng() % 6);
    for (int i = 0; i < len; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
    t.push_back(s);
  }
  return t;
}

struct Fixture {
  std::shared_ptr<const TokenVocabulary> vocab;
  std::shared_ptr<CompiledGrammar> compiled;
  std::shared_ptr<TokenSlices> slices;
  int32_t eos;
  Fixture(const char* gbnf, bool use_slices) {
    auto tokens = test_tokens(7);
    eos = int32_t(tokens.size());
    tokens.push_back("</s>");
    vocab = std::make_shared<TokenVocabulary>(tokens, std::vector<int32_t>{eos});
    auto g = std::make_shared<const Grammar>(parse_gbnf(gbnf));
    if (use_slices) slices = std::make_shared<TokenSlices>(*vocab);
    compiled = std::make_shared<CompiledGrammar>(g, vocab, slices);
  }
};

bool bit(const std::vector<uint64_t>& bits, int32_t id) { return (bits[id >> 6] >> (id & 63)) & 1; }

// The mask must say exactly what accepting each token alone says, along random valid paths.
void check_masks_along_random_paths(bool slices, const char* gbnf = kJsonGbnf) {
  Fixture f(gbnf, slices);
  std::mt19937 rng(11);
  std::vector<uint64_t> bits(f.vocab->words());
  int checked = 0;
  for (int run = 0; run < 20; ++run) {
    GrammarMatcher m(f.compiled);
    for (int step = 0; step < 40 && !m.finished(); ++step) {
      m.fill_mask(bits.data());
      std::vector<int32_t> allowed;
      for (int32_t id = 0; id < f.vocab->size(); ++id) {
        ASSERT_EQ(bit(bits, id), m.is_allowed(id)) << "token " << id << " \"" << f.vocab->bytes(id) << "\" in trie " << f.vocab->in_trie(id) << " at step " << step;
        if (bit(bits, id)) allowed.push_back(id);
      }
      ++checked;
      ASSERT_FALSE(allowed.empty());
      ASSERT_TRUE(m.accept_token(allowed[rng() % allowed.size()]));
    }
  }
  EXPECT_GT(checked, 200);
  if (slices) EXPECT_GT(f.slices->slice_count(), 0u);  // string content took the shortcut
}

TEST(Matcher, MaskIsExactlyTheAcceptedTokens) { check_masks_along_random_paths(false); }
TEST(Matcher, MaskIsExactlyTheAcceptedTokensWithSlices) { check_masks_along_random_paths(true); }
TEST(Matcher, CountedRepeatsTakeTheChainShortcutExactly) { check_masks_along_random_paths(true, kCountedGbnf); }

TEST(Matcher, EndTokenOnlyWhenComplete) {
  Fixture f(kJsonGbnf, true);
  GrammarMatcher m(f.compiled);
  EXPECT_FALSE(m.is_allowed(f.eos));
  EXPECT_TRUE(m.accept_text("{\"a\":[1,"));
  EXPECT_FALSE(m.is_allowed(f.eos));
  EXPECT_TRUE(m.accept_text("true]}"));
  EXPECT_TRUE(m.accepting());
  EXPECT_TRUE(m.must_end());
  EXPECT_TRUE(m.accept_token(f.eos));
  EXPECT_TRUE(m.finished());
  EXPECT_FALSE(m.accept_token(0));
}

TEST(Matcher, RefusedTokenLeavesStateAndRollbackRestores) {
  Fixture f(kJsonGbnf, false);
  GrammarMatcher m(f.compiled);
  int32_t brace = '{', quote = '"', close = '}';
  EXPECT_FALSE(m.accept_token(close));
  EXPECT_TRUE(m.accept_token(brace));
  EXPECT_TRUE(m.accept_token(close));
  EXPECT_TRUE(m.accepting());
  m.rollback(1);
  EXPECT_FALSE(m.accepting());
  EXPECT_TRUE(m.accept_token(quote));
  EXPECT_EQ(m.steps(), 2u);
  m.rollback(2);
  EXPECT_FALSE(m.is_allowed(close));
  EXPECT_TRUE(m.is_allowed(brace));
}

}  // namespace
}  // namespace hearth::grammar
