#include "core/grammar/gbnf_parser.h"

#include <gtest/gtest.h>

#include "core/grammar/test_support.h"
#include "core/util/error.h"

namespace hearth::grammar {
namespace {

TEST(Gbnf, LiteralsClassesAndRepeats) {
  Grammar g = parse_gbnf(R"(
    root ::= greeting " " name "!"?   # comment
    greeting ::= "hi" | "hello"
    name ::= [A-Z] [a-z]*
  )");
  EXPECT_TRUE(accepts(g, "hi Bob"));
  EXPECT_TRUE(accepts(g, "hello Al!"));
  EXPECT_FALSE(accepts(g, "hello al"));
  EXPECT_FALSE(accepts(g, "hey Bob"));
  EXPECT_FALSE(accepts(g, "hi Bob!!"));
}

TEST(Gbnf, CountedRepeats) {
  Grammar g = parse_gbnf("root ::= [0-9]{2,4} \"-\" [a]{3} [b]{1,}");
  EXPECT_TRUE(accepts(g, "12-aaab"));
  EXPECT_TRUE(accepts(g, "1234-aaabbb"));
  EXPECT_FALSE(accepts(g, "1-aaab"));
  EXPECT_FALSE(accepts(g, "12345-aaab"));
  EXPECT_FALSE(accepts(g, "12-aab"));
  EXPECT_FALSE(accepts(g, "12-aaa"));
}

TEST(Gbnf, UnicodeClassesMatchWholeCharacters) {
  Grammar g = parse_gbnf("root ::= [^\"\\\\]+ | \"\\u00e9t\\u00e9\"");
  EXPECT_TRUE(accepts(g, "naïve 日本"));
  EXPECT_TRUE(accepts(g, "été"));
  EXPECT_FALSE(accepts(g, "a\"b"));
  EXPECT_FALSE(accepts(g, std::string("\xC3")));       // half a character
  EXPECT_FALSE(accepts(g, std::string("\xED\xA0\x80")));  // a UTF-8-encoded surrogate
}

TEST(Gbnf, RecursionAndTailCallsStayShallow) {
  Grammar g = parse_gbnf(R"(
    root ::= value
    value ::= "[" ( value ("," value)* )? "]" | [0-9]+
  )");
  EXPECT_TRUE(accepts(g, "[1,[2,[3]],[]]"));
  EXPECT_FALSE(accepts(g, "[1,[2]"));
  StackAutomaton a(std::make_shared<Grammar>(g));
  EXPECT_TRUE(accepts(a, "[" + std::string(5000, '7') + "]"));
  EXPECT_LT(a.stack_count(), 50u);  // a long digit run is a loop, not a growing stack
}

TEST(Gbnf, ShortestCompletionsCountBytesThroughNestedRules) {
  Grammar g = parse_gbnf(R"(
    root ::= "ab" digits | "x" | "[" root "]"
    digits ::= [0-9]{3} [0-9]*)");
  StackAutomaton a(std::make_shared<Grammar>(g));
  auto after = [&](std::string_view text) { return a.walk(a.start(), text.data(), text.size()); };
  EXPECT_EQ(a.min_bytes_to_accept(a.start()), 1u);  // "x"
  EXPECT_EQ(a.min_bytes_to_accept(after("a")), 4u);  // "b" and three digits
  EXPECT_EQ(a.min_bytes_to_accept(after("ab12")), 1u);
  EXPECT_EQ(a.min_bytes_to_accept(after("ab123")), 0u);
  EXPECT_EQ(a.min_bytes_to_accept(after("[[[")), 4u);  // "x]]]"
  EXPECT_EQ(a.min_bytes_to_accept(after("[[ab1")), 4u);  // "12]]"
}

TEST(Gbnf, ErrorsNameTheFault) {
  auto message = [](const char* text) {
    try { parse_gbnf(text); } catch (const Error& e) { return std::string(e.what()); }
    return std::string("no error");
  };
  EXPECT_NE(message("root ::= foo").find("'foo' is used but never defined"), std::string::npos);
  EXPECT_NE(message("start ::= \"a\"").find("no 'root'"), std::string::npos);
  EXPECT_NE(message("root ::= root \"a\" | \"b\"").find("left recursion"), std::string::npos);
  EXPECT_NE(message("root ::= \"a\n").find("unterminated"), std::string::npos);
  EXPECT_NE(message("root ::= [a-z").find("unterminated character class"), std::string::npos);
  EXPECT_NE(message("root ::= \"a\"\nx ::= (\"b\"").find("line 2"), std::string::npos);
  EXPECT_NE(message("root ::= [^\\x00-\\U0010FFFF]").find("matches no text"), std::string::npos);
}

TEST(Gbnf, UnproductiveAlternativesAreDropped) {
  Grammar g = parse_gbnf("root ::= \"a\" | never\nnever ::= \"b\" never");
  EXPECT_TRUE(accepts(g, "a"));
  StackAutomaton a(std::make_shared<Grammar>(g));
  EXPECT_EQ(a.step(a.start(), 'b'), kDeadState);  // the dead branch is never offered
}

}  // namespace
}  // namespace hearth::grammar
