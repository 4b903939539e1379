// Internal to the regex front end: the parsed pattern, shared by the lowering (regex_parser.cc)
// and the length-counted automaton (regex_counted.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/grammar/expr.h"
#include "core/grammar/grammar.h"
#include "core/grammar/regex_parser.h"

namespace hearth::grammar::regex {

// Characters (one code point from the ranges), sequences, alternatives, repeats, the two anchors.
struct Node {
  enum class Kind { kChars, kSeq, kAlt, kRepeat, kStart, kEnd };
  Kind kind = Kind::kSeq;
  CodepointRanges chars;
  std::vector<Node> kids;
  uint32_t min = 0, max = 0;  // kRepeat; max may be Expr::kUnbounded
};

// The pattern's matches of min..max characters as the product of its NFA with a character count:
// one rule per (NFA state, count) reached. nullopt where that product would be too large or an
// anchor sits inside a branch (not at its ends).
std::optional<Expr> counted_by_automaton(const Node& root, GrammarBuilder& b, RegexMode mode, uint32_t min_chars,
                                         uint32_t max_chars);

}  // namespace hearth::grammar::regex
