// GPT-2's byte-level alphabet: every byte maps to one printable code point (bytes that are already
// printable map to themselves; the rest to U+0100 onwards), so byte-level BPE vocabularies are text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hearth::tok {

const std::string& byte_to_unicode(uint8_t byte);     // UTF-8 of the byte's code point
int byte_from_unicode(uint32_t cp);                   // the byte, or -1 when cp is not in the alphabet
std::string bytes_to_unicode_text(std::string_view raw);  // maps every byte of `raw`

}  // namespace hearth::tok
