// UTF-8 encoding of one code point, shared by the tokenizers, the JSON parser and the template
// lexer (the one place that knows the byte layout).
#pragma once

#include <cstdint>
#include <string>

namespace hearth {

// Appends the UTF-8 encoding of cp (at most U+10FFFF; callers map surrogates themselves).
void append_utf8(std::string& out, uint32_t cp);

}  // namespace hearth
