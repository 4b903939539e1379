// The expression tree every front end (GBNF text, JSON Schema, regex) builds a rule from. The
// GrammarBuilder lowers it into the flat rule form the matcher runs (grammar.h): literals become byte
// sequences, code-point classes become UTF-8 byte alternatives, repeats and nested choices become
// helper rules. Front ends never see the flat form.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/grammar/byte_set.h"

namespace hearth::grammar {

// Inclusive code point ranges, sorted and disjoint after normalize().
using CodepointRanges = std::vector<std::pair<uint32_t, uint32_t>>;
constexpr uint32_t kMaxCodepoint = 0x10FFFF;

// Sorts and merges; drops the surrogates D800-DFFF (not encodable in UTF-8).
CodepointRanges normalize(CodepointRanges ranges);
// The complement within [0, 0x10FFFF] (surrogates excluded).
CodepointRanges complement(const CodepointRanges& ranges);

struct Expr {
  enum class Kind { kEmpty, kBytes, kCodepoints, kLiteral, kRef, kSeq, kChoice, kRepeat };
  static constexpr uint32_t kUnbounded = UINT32_MAX;

  Kind kind = Kind::kEmpty;
  ByteSet bytes;                // kBytes: one byte from the set
  CodepointRanges codepoints;   // kCodepoints: one UTF-8 character in the ranges
  std::string text;             // kLiteral: these bytes
  uint32_t rule = 0;            // kRef: the rule's id
  std::vector<Expr> items;      // kSeq, kChoice; kRepeat: items[0]
  uint32_t min = 0, max = 0;    // kRepeat: count bounds, max may be kUnbounded

  static Expr empty() { return Expr{}; }
  static Expr byte_set(const ByteSet& s) { Expr e; e.kind = Kind::kBytes; e.bytes = s; return e; }
  static Expr literal(std::string s) {
    if (s.empty()) return empty();
    Expr e; e.kind = Kind::kLiteral; e.text = std::move(s); return e;
  }
  // One character in the ranges (negated: not in them). An empty class matches nothing.
  static Expr chars(CodepointRanges ranges, bool negated = false);
  static Expr ref(uint32_t rule) { Expr e; e.kind = Kind::kRef; e.rule = rule; return e; }
  static Expr seq(std::vector<Expr> items);
  static Expr choice(std::vector<Expr> items);
  static Expr repeat(Expr item, uint32_t min, uint32_t max);
  static Expr optional(Expr item) { return repeat(std::move(item), 0, 1); }
  static Expr star(Expr item) { return repeat(std::move(item), 0, kUnbounded); }
  static Expr plus(Expr item) { return repeat(std::move(item), 1, kUnbounded); }
  // Matches nothing at all (an empty choice): what an unsatisfiable schema lowers to.
  static Expr nothing() { Expr e; e.kind = Kind::kChoice; return e; }

  bool is_nothing() const { return kind == Kind::kChoice && items.empty(); }
};

}  // namespace hearth::grammar
