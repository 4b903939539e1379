#include "core/grammar/regex_parser.h"

#include <gtest/gtest.h>

#include "core/grammar/test_support.h"
#include "core/util/error.h"

namespace hearth::grammar {
namespace {

// A grammar for the regex over raw text (mode.json_string false) or JSON string content.
Grammar regex(const std::string& pattern, bool search = true, bool json = false) {
  GrammarBuilder b;
  uint32_t root = b.declare("root");
  b.define(root, parse_regex(pattern, b, RegexMode{search, json}));
  return b.build(root);
}

std::string error_of(const std::string& pattern) {
  try { regex(pattern); } catch (const Error& e) { return e.what(); }
  return "no error";
}

TEST(Regex, SearchIsUnanchored) {
  Grammar g = regex("abc");
  EXPECT_TRUE(accepts(g, "abc"));
  EXPECT_TRUE(accepts(g, "xxabcxx"));
  EXPECT_FALSE(accepts(g, "abx"));
  Grammar anchored = regex("^abc$");
  EXPECT_TRUE(accepts(anchored, "abc"));
  EXPECT_FALSE(accepts(anchored, "xabc"));
  EXPECT_FALSE(accepts(anchored, "abc\n"));
  Grammar start = regex("^ab");
  EXPECT_TRUE(accepts(start, "abzz"));
  EXPECT_FALSE(accepts(start, "zab"));
}

TEST(Regex, AnchorsInAlternatives) {
  Grammar g = regex("^a|b$");  // starts with a, or ends with b
  EXPECT_TRUE(accepts(g, "axx"));
  EXPECT_TRUE(accepts(g, "xxb"));
  EXPECT_FALSE(accepts(g, "xax"));
  EXPECT_FALSE(accepts(g, "bx"));
  Grammar grouped = regex("^(cat|dog)$");
  EXPECT_TRUE(accepts(grouped, "dog"));
  EXPECT_FALSE(accepts(grouped, "dogs"));
  EXPECT_NE(error_of("a^b").find("'^' after text"), std::string::npos);
  EXPECT_NE(error_of("(^a)*").find("anchor inside a quantified group"), std::string::npos);
}

TEST(Regex, ClassesEscapesAndQuantifiers) {
  Grammar g = regex("^[A-Z][a-z0-9_-]{2,4}\\.\\d+\\s?$");
  EXPECT_TRUE(accepts(g, "Ab-_.12"));
  EXPECT_TRUE(accepts(g, "Abcde.1 "));
  EXPECT_FALSE(accepts(g, "Ab.1"));
  EXPECT_FALSE(accepts(g, "Abcdef.1"));
  EXPECT_FALSE(accepts(g, "ab-.1"));
  Grammar neg = regex("^[^abc]+$");
  EXPECT_TRUE(accepts(neg, "xyz日本"));
  EXPECT_FALSE(accepts(neg, "xaz"));
  Grammar dot = regex("^a.c$");
  EXPECT_TRUE(accepts(dot, "a\xC3\xA9" "c"));
  EXPECT_FALSE(accepts(dot, "a\nc"));
  Grammar esc = regex("^\\u00e9\\x41\\/\\-\\W$");
  EXPECT_TRUE(accepts(esc, "\xC3\xA9" "A/-!"));
  EXPECT_FALSE(accepts(esc, "\xC3\xA9" "A/-a"));
  Grammar lazy = regex("^a+?b*?(?:cd){1,}?$");
  EXPECT_TRUE(accepts(lazy, "aabcdcd"));
  EXPECT_FALSE(accepts(lazy, "aab"));
  Grammar brace = regex("^a{,2}$");  // not a quantifier: literal text
  EXPECT_TRUE(accepts(brace, "a{,2}"));
}

TEST(Regex, JsonContentMapsEscapes) {
  Grammar g = regex("^[a\"\\n]+$", true, true);
  EXPECT_TRUE(accepts(g, "a\\\"\\n"));
  EXPECT_FALSE(accepts(g, "a\""));   // a raw quote ends the string: never content
  EXPECT_FALSE(accepts(g, "\\t"));
  Grammar any = regex("x", true, true);
  EXPECT_TRUE(accepts(any, "\\u00e9x\\n"));
}

TEST(Regex, CountedLengths) {
  auto counted = [](const std::string& p, uint32_t lo, uint32_t hi) {
    GrammarBuilder b;
    uint32_t root = b.declare("root");
    auto e = parse_regex_counted(p, b, RegexMode{true, false}, lo, hi);
    EXPECT_TRUE(e.has_value()) << p;
    b.define(root, *e);
    return b.build(root);
  };
  Grammar g = counted("^[a-z]+$", 2, 3);
  EXPECT_FALSE(accepts(g, "a"));
  EXPECT_TRUE(accepts(g, "ab"));
  EXPECT_TRUE(accepts(g, "abc"));
  EXPECT_FALSE(accepts(g, "abcd"));
  Grammar s = counted("^ab", 0, 4);
  EXPECT_TRUE(accepts(s, "abxx"));
  EXPECT_FALSE(accepts(s, "abxxx"));
  // two variable parts: the NFA times a count
  Grammar two = counted("^a*b*$", 1, 3);
  EXPECT_FALSE(accepts(two, ""));
  EXPECT_TRUE(accepts(two, "ab"));
  EXPECT_TRUE(accepts(two, "bbb"));
  EXPECT_FALSE(accepts(two, "aabb"));
  EXPECT_FALSE(accepts(two, "ba"));
  Grammar words = counted("^(?:\\S+\\s+){0,2}\\S+$", 0, 5);
  EXPECT_TRUE(accepts(words, "a b c"));
  EXPECT_FALSE(accepts(words, "a b cd"));
  EXPECT_FALSE(accepts(words, "a b c d"));
  Grammar free_ends = counted("ab", 3, 4);
  EXPECT_TRUE(accepts(free_ends, "xab"));
  EXPECT_TRUE(accepts(free_ends, "xabx"));
  EXPECT_FALSE(accepts(free_ends, "ab"));
  EXPECT_FALSE(accepts(free_ends, "xxabx"));
}

TEST(Regex, UnsupportedConstructsAreNamed) {
  EXPECT_NE(error_of("a(?=b)").find("lookahead"), std::string::npos);
  EXPECT_NE(error_of("(?<!a)b").find("lookbehind"), std::string::npos);
  EXPECT_NE(error_of("(a)\\1").find("backreferences"), std::string::npos);
  EXPECT_NE(error_of("\\bword").find("word boundary"), std::string::npos);
  EXPECT_NE(error_of("\\p{L}").find("property escapes"), std::string::npos);
  EXPECT_NE(error_of("(?i)abc").find("inline flags"), std::string::npos);
  EXPECT_NE(error_of("[a-").find("unterminated character class"), std::string::npos);
  EXPECT_NE(error_of("(ab").find("missing ')'"), std::string::npos);
  try { regex("a(?=b)"); } catch (const Error& e) { EXPECT_EQ(e.code(), ErrorCode::kUnsupported); }
}

}  // namespace
}  // namespace hearth::grammar
