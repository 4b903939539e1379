// Splits a Jinja template into text, {{ expression }} and {% statement %} segments, applying the
// whitespace rules transformers renders with: trim_blocks, lstrip_blocks, `-`/`+` markers, one
// trailing newline of the source dropped (keep_trailing_newline=False), {# comments #} removed,
// {% raw %} kept verbatim. Expression and statement segments are cut into tokens.
#pragma once

#include <string>
#include <vector>

namespace hearth::chat {

struct Token {
  enum class Type { kName, kString, kInt, kFloat, kOp, kEnd };
  Type type;
  std::string text;  // names, operators; string literals decoded
  int line = 0, column = 0;
};

struct Segment {
  enum class Kind { kText, kExpression, kStatement };
  Kind kind;
  std::string text;           // kText
  std::vector<Token> tokens;  // kExpression/kStatement, ending with a kEnd token
  int line = 0, column = 0;
};

// Throws Error(kInvalidArgument) "line L, column C: ..." on unterminated tags or strings.
std::vector<Segment> lex_template(const std::string& source);

// Error with the template position prefixed.
[[noreturn]] void syntax_error(int line, int column, const std::string& message);

}  // namespace hearth::chat
