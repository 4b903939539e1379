// The lexical pieces of JSON text that the JSON Schema and regex front ends share: bounded
// whitespace, one string character in its encoded forms, any string, numbers, any value.
//
// String content is written as the JSON text encodes it while constraints speak of the decoded
// value, so a decoded character class maps to its encodings here: the raw character (never `"`, `\`
// or U+0000-U+001F), the short escapes \" \\ \/ \b \f \n \r \t of the characters in the class, and
// \u00XX for the other control characters (what Python's json.dumps writes). Other \uXXXX forms are
// accepted only where the content is unconstrained (json_char()), so a constrained string never
// needs a \u decoding to be checked.
#pragma once

#include <cstdint>

#include "core/grammar/expr.h"
#include "core/grammar/grammar.h"

namespace hearth::grammar {

// One decoded character in the class, in every encoding listed above.
Expr json_class_char(const CodepointRanges& decoded);

// item{lo,hi}; past 1024 optional items as blocks of 256 and a remainder (the split of a length into
// blocks and remainder is unique, so the language is the same), so maxLength 65535 costs hundreds
// of rules rather than one per character.
Expr long_repeat(GrammarBuilder& b, const Expr& item, uint32_t lo, uint32_t hi);

// Rules for the fixed parts of JSON text, declared in a builder on first use.
class JsonRules {
 public:
  // max_indent: the spaces allowed after a newline; allow_whitespace false: compact text only.
  JsonRules(GrammarBuilder& b, bool allow_whitespace, uint32_t max_indent);

  // Between tokens: "" | " " | "\n" + up to max_indent spaces (bounded, so a model cannot loop).
  Expr ws();
  // One decoded character, any encoding: raw, short escape, \uXXXX of a non-surrogate or a
  // surrogate pair (a lone surrogate is refused, so a \u form always counts as one character).
  Expr json_char();
  Expr string();   // any JSON string
  Expr number();   // any JSON number
  Expr integer();  // -?(0|[1-9][0-9]*): integers as Python prints them
  Expr boolean() { return Expr::choice({Expr::literal("true"), Expr::literal("false")}); }
  Expr null() { return Expr::literal("null"); }
  Expr value();    // any JSON value
  Expr object();   // any JSON object
  Expr array();    // any JSON array

  GrammarBuilder& builder() { return b_; }

 private:
  uint32_t rule(uint32_t& slot, const char* name);
  void define_values();

  GrammarBuilder& b_;
  bool allow_ws_;
  uint32_t max_indent_;
  static constexpr uint32_t kNone = UINT32_MAX;
  uint32_t ws_ = kNone, char_ = kNone, string_ = kNone, number_ = kNone, integer_ = kNone;
  uint32_t value_ = kNone, object_ = kNone, array_ = kNone;
};

}  // namespace hearth::grammar
