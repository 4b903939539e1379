#include "core/tokenizer/byte_unicode.h"

#include <array>

#include "core/tokenizer/unicode.h"

namespace hearth::tok {
namespace {

bool printable(int b) { return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF); }

struct Tables {
  std::array<std::string, 256> to_text;
  std::array<uint32_t, 256> to_cp{};
  Tables() {
    uint32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      to_cp[b] = printable(b) ? static_cast<uint32_t>(b) : next++;
      append_utf8(to_text[b], to_cp[b]);
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

const std::string& byte_to_unicode(uint8_t byte) { return tables().to_text[byte]; }

int byte_from_unicode(uint32_t cp) {
  if (cp < 256) return printable(static_cast<int>(cp)) ? static_cast<int>(cp) : -1;
  // Non-printable bytes were numbered from U+0100 upwards in byte order.
  const auto& t = tables();
  for (int b = 0; b < 256; ++b) {
    if (t.to_cp[b] == cp) return b;
  }
  return -1;
}

std::string bytes_to_unicode_text(std::string_view raw) {
  std::string out;
  out.reserve(raw.size() * 2);
  for (char c : raw) out += byte_to_unicode(static_cast<uint8_t>(c));
  return out;
}

}  // namespace hearth::tok
