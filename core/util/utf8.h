// UTF-8 encoding and decoding of one code point, shared by the tokenizers, the JSON parser, the
// template lexer and the grammar parsers (the one place that knows the byte layout).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hearth {

// Appends the UTF-8 encoding of cp (at most U+10FFFF; callers map surrogates themselves).
void append_utf8(std::string& out, uint32_t cp);

// Decodes the code point starting at s[i] and moves i past it; nullopt (i unchanged) when the
// lead byte is not one or the sequence runs past the end. Continuation bytes are not checked.
std::optional<uint32_t> decode_utf8(std::string_view s, size_t& i);

}  // namespace hearth
