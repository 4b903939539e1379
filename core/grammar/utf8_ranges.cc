#include "core/grammar/utf8_ranges.h"

#include <string>

#include "core/util/utf8.h"

namespace hearth::grammar {
namespace {

int encoded_length(uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

void split(uint32_t lo, uint32_t hi, std::vector<Utf8Sequence>& out) {
  static const uint32_t kLengthEnds[] = {0x7F, 0x7FF, 0xFFFF};
  for (uint32_t end : kLengthEnds) {  // one encoded length per piece
    if (lo <= end && hi > end) {
      split(lo, end, out);
      split(end + 1, hi, out);
      return;
    }
  }
  int n = encoded_length(lo);
  for (int i = 1; i < n; ++i) {  // each piece spans whole trailing-byte blocks
    uint32_t mask = (uint32_t(1) << (6 * i)) - 1;
    if ((lo & ~mask) != (hi & ~mask)) {
      if ((lo & mask) != 0) {
        split(lo, lo | mask, out);
        split((lo | mask) + 1, hi, out);
        return;
      }
      if ((hi & mask) != mask) {
        split(lo, (hi & ~mask) - 1, out);
        split(hi & ~mask, hi, out);
        return;
      }
    }
  }
  std::string a, b;
  append_utf8(a, lo);
  append_utf8(b, hi);
  Utf8Sequence seq;
  for (size_t i = 0; i < a.size(); ++i) seq.push_back({uint8_t(a[i]), uint8_t(b[i])});
  out.push_back(std::move(seq));
}

}  // namespace

std::vector<Utf8Sequence> utf8_sequences(const CodepointRanges& ranges) {
  std::vector<Utf8Sequence> out;
  for (auto [lo, hi] : ranges) split(lo, hi, out);
  return out;
}

}  // namespace hearth::grammar
