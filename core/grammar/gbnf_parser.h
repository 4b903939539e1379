// GBNF, llama.cpp's grammar text, compiled to a Grammar. Supported: `name ::= expr` rules (the start
// rule is `root`), "literals" and [classes] (^ negation, ranges) with \n \r \t \\ \" \] \xHH \uHHHH
// \UHHHHHHHH escapes, `.` (any character), ( ) groups, |, and the postfix * + ? {m} {m,} {m,n}; `#`
// comments. A rule may continue over several lines; it ends where the next `name ::=` begins.
// Classes and `.` match whole UTF-8 characters. Not supported: llama.cpp's <token> references.
#pragma once

#include <string_view>

#include "core/grammar/grammar.h"

namespace hearth::grammar {

// Throws Error(kInvalidArgument) naming the line and column of the fault, an undefined rule, a
// missing root, or left recursion.
Grammar parse_gbnf(std::string_view text);

}  // namespace hearth::grammar
