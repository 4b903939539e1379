#include "core/tokenizer/utf8_stream.h"

namespace hearth {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// For a lead byte: the sequence length (0 when it can never start one) and the allowed range of the
// second byte (narrower after E0, ED, F0, F4 to exclude overlongs, surrogates and > U+10FFFF).
struct Lead {
  int len;
  uint8_t lo, hi;
};
Lead lead_info(uint8_t b) {
  if (b < 0x80) return {1, 0, 0};
  if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};
  if (b == 0xED) return {3, 0x80, 0x9F};
  if (b >= 0xE1 && b <= 0xEF) return {3, 0x80, 0xBF};
  if (b == 0xF0) return {4, 0x90, 0xBF};
  if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};
}

}  // namespace

std::string Utf8Stream::push(int32_t id) { return push_bytes(tokenizer_.token_to_piece(id, render_special_)); }

std::string Utf8Stream::push_bytes(std::string_view bytes) {
  pending_.append(bytes);
  std::string out;
  size_t i = 0;
  const size_t n = pending_.size();
  while (i < n) {
    const uint8_t b = static_cast<uint8_t>(pending_[i]);
    const Lead lead = lead_info(b);
    if (lead.len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    // Count how many of the following bytes are valid continuations of this sequence.
    int ok = 1;
    while (ok < lead.len && i + ok < n) {
      const uint8_t c = static_cast<uint8_t>(pending_[i + ok]);
      const bool valid = ok == 1 ? (c >= lead.lo && c <= lead.hi) : (c >= 0x80 && c <= 0xBF);
      if (!valid) break;
      ++ok;
    }
    if (ok == lead.len) {
      out.append(pending_, i, ok);
      i += ok;
    } else if (i + ok == n) {
      break;  // unfinished but still valid: wait for more bytes
    } else {
      out += kReplacement;  // ill-formed: replace the maximal valid prefix, resume at the bad byte
      i += ok;
    }
  }
  pending_.erase(0, i);
  return out;
}

std::string Utf8Stream::flush() {
  std::string out;
  if (!pending_.empty()) out = std::string(kReplacement);
  pending_.clear();
  return out;
}

}  // namespace hearth
