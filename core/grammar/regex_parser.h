// Regular expressions (the ECMAScript subset JSON Schema's `pattern` uses) compiled to an Expr.
//
// Supported: literal characters (UTF-8), escapes \d \w \s \D \W \S, \n \r \t \f \v \0, \xHH,
// \uHHHH, \u{H...}, escaped punctuation (\. \/ \- \\ ...); classes [...] with ranges, negation and
// the escapes above; `.` (any character but \n \r U+2028 U+2029, as ECMAScript); groups ( ), (?: )
// and (?<name> ); alternation |; the quantifiers * + ? {m} {m,} {m,n} and their lazy forms (same
// language); anchors ^ and $ (no multiline flag: start and end of the whole string). \d \w \s are
// ECMAScript's (ASCII digits and word characters; Unicode white space).
//
// Refused with Error(kUnsupported) naming the construct: lookahead and lookbehind, backreferences,
// \b \B, \p{...}, inline flags, \cX, escaped letters with no meaning, and anchors that sit where the
// compiler cannot place them exactly (inside a quantified group, or ^ after text that must consume).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/grammar/expr.h"
#include "core/grammar/grammar.h"

namespace hearth::grammar {

struct RegexMode {
  // true: a search, as JSON Schema's `pattern` (a match anywhere unless anchored);
  // false: the whole text must match (formats written as regexes).
  bool search = true;
  // true: the Expr matches JSON string content, the encoded form of the decoded text the regex is
  // about (json_text.h: each character class becomes its raw and escaped encodings);
  // false: it matches the UTF-8 text itself.
  bool json_string = true;
};

// Throws Error(kInvalidArgument) for a malformed pattern, Error(kUnsupported) as above.
Expr parse_regex(std::string_view pattern, GrammarBuilder& b, RegexMode mode = {});

// The same, limited to matches whose text is min_chars..max_chars decoded characters long (JSON
// Schema's minLength/maxLength beside a pattern). Where each branch of the pattern has at most one
// part of variable length that is a repeat of a fixed-length item (^[a-z]+$, ^x-\d{2,}$) the bound
// moves onto that repeat; otherwise the pattern's NFA is multiplied by a character count
// (regex_counted.cc). nullopt where that product would be too large (the caller refuses).
std::optional<Expr> parse_regex_counted(std::string_view pattern, GrammarBuilder& b, RegexMode mode,
                                        uint32_t min_chars, uint32_t max_chars);

}  // namespace hearth::grammar
