// Code point queries for the tokenizers: UTF-8 decoding the way llama.cpp does it, general-category
// flags, White_Space, lowercase and the "first code point of NFD" mapping. Tables come from
// unicode_tables.cc (generated); lookups are binary searches over small arrays.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/util/utf8.h"

namespace hearth::tok {

enum CpFlag : uint8_t {
  kLetter = 1,       // \p{L}
  kNumber = 2,       // \p{N}
  kPunct = 4,        // \p{P}
  kSymbol = 8,       // \p{S}
  kMark = 16,        // \p{M}
  kSeparator = 32,   // \p{Z}
  kControl = 64,     // Cc, Cf, Co, Cs
  kUndefined = 128,  // Cn (unassigned)
};

uint8_t cp_flags(uint32_t cp);  // exactly one CpFlag bit; kUndefined beyond U+10FFFF
bool cp_is_whitespace(uint32_t cp);  // the White_Space property
inline bool cp_is_letter(uint32_t cp) { return cp_flags(cp) & kLetter; }
inline bool cp_is_number(uint32_t cp) { return cp_flags(cp) & kNumber; }
uint32_t cp_to_lower(uint32_t cp);   // first code point of the full lowercase mapping
uint32_t cp_nfd_first(uint32_t cp);  // first code point of the NFD decomposition

// Length of the UTF-8 sequence a lead byte announces (1 for stray continuation bytes), judged by the
// high nibble only, as llama.cpp's SPM/BPE symbol splitting does.
size_t utf8_len(uint8_t lead);
// Decodes UTF-8 to code points; each byte that does not start a well-formed sequence becomes U+FFFD
// (llama.cpp's unicode_cpts_from_utf8 behaviour, which the BPE pre-tokenizers see).
std::vector<uint32_t> utf8_to_cpts(std::string_view s);
using ::hearth::append_utf8;  // core/util/utf8.h
std::string cpts_to_utf8(const std::vector<uint32_t>& cps, size_t begin, size_t end);

}  // namespace hearth::tok
