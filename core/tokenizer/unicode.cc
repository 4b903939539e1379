#include "core/tokenizer/unicode.h"

#include <algorithm>

#include "core/tokenizer/unicode_tables.h"

namespace hearth::tok {

uint8_t cp_flags(uint32_t cp) {
  if (cp >= 0x110000) return kUndefined;
  const CategoryRun* end = kCategoryRuns + kCategoryRunCount;
  const CategoryRun* it = std::upper_bound(kCategoryRuns, end, cp,
                                           [](uint32_t c, const CategoryRun& r) { return c < r.first; });
  return (it - 1)->flags;  // kCategoryRuns[0].first == 0
}

bool cp_is_whitespace(uint32_t cp) {
  return std::binary_search(kWhiteSpace, kWhiteSpace + kWhiteSpaceCount, cp);
}

uint32_t cp_to_lower(uint32_t cp) {
  const CodepointPair* end = kLowercase + kLowercaseCount;
  const CodepointPair* it =
      std::lower_bound(kLowercase, end, cp, [](const CodepointPair& p, uint32_t c) { return p.from < c; });
  return (it != end && it->from == cp) ? it->to : cp;
}

uint32_t cp_nfd_first(uint32_t cp) {
  const CodepointRangeMap* end = kNfdFirst + kNfdFirstCount;
  const CodepointRangeMap* it = std::upper_bound(
      kNfdFirst, end, cp, [](uint32_t c, const CodepointRangeMap& r) { return c < r.first; });
  if (it == kNfdFirst) return cp;
  --it;
  return cp <= it->last ? it->to : cp;
}

size_t utf8_len(uint8_t lead) {
  static constexpr uint8_t kLen[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
  return kLen[lead >> 4];
}

std::vector<uint32_t> utf8_to_cpts(std::string_view s) {
  std::vector<uint32_t> out;
  out.reserve(s.size());
  auto cont = [&](size_t i) { return i < s.size() && (static_cast<uint8_t>(s[i]) & 0xC0) == 0x80; };
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t b = static_cast<uint8_t>(s[i]);
    // Like llama.cpp: the lead byte decides the length; overlongs and surrogates are not rejected.
    if (b < 0x80) {
      out.push_back(b);
      i += 1;
    } else if ((b & 0xE0) == 0xC0 && cont(i + 1)) {
      out.push_back(((b & 0x1Fu) << 6) | (s[i + 1] & 0x3F));
      i += 2;
    } else if ((b & 0xF0) == 0xE0 && cont(i + 1) && cont(i + 2)) {
      out.push_back(((b & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3F));
      i += 3;
    } else if ((b & 0xF8) == 0xF0 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
      out.push_back(((b & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) |
                    (s[i + 3] & 0x3F));
      i += 4;
    } else {
      out.push_back(0xFFFD);
      i += 1;
    }
  }
  return out;
}

std::string cpts_to_utf8(const std::vector<uint32_t>& cps, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) append_utf8(out, cps[i]);
  return out;
}

}  // namespace hearth::tok
