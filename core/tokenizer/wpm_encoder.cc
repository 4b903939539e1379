#include "core/tokenizer/wpm_encoder.h"

#include <algorithm>

#include "core/tokenizer/unicode.h"
#include "core/tokenizer/vocab.h"

namespace hearth::tok {
namespace {

// BERT's "Chinese character" blocks (including the HF off-by-range for extension E).
bool is_chinese_char(uint32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

}  // namespace

std::vector<std::string> wpm_preprocess(std::string_view text, bool lowercase, bool strip_accents) {
  std::vector<uint32_t> cpts = utf8_to_cpts(text);
  if (strip_accents) {
    for (uint32_t& c : cpts) c = cp_nfd_first(c);
  }
  std::vector<std::string> words(1);
  for (uint32_t c : cpts) {
    const uint8_t f = cp_flags(c);
    if (cp_is_whitespace(c)) {
      if (!words.back().empty()) words.emplace_back();
      continue;
    }
    if (c == 0 || c == 0xFFFD || (f & kControl)) continue;
    if (strip_accents && (f & kMark)) continue;
    std::string s;
    append_utf8(s, lowercase ? cp_to_lower(c) : c);
    if ((f & kPunct) || (c < 0x7F && (f & kSymbol)) || is_chinese_char(c)) {
      if (!words.back().empty()) words.emplace_back();
      words.back() = s;  // a word of its own
      words.emplace_back();
    } else {
      words.back() += s;
    }
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

void wpm_encode(const Vocab& v, std::string_view text, std::vector<int32_t>& out) {
  for (const std::string& word : wpm_preprocess(text, v.wpm_lowercase, v.wpm_strip_accents)) {
    if (word.empty()) continue;
    const std::string w = "\xE2\x96\x81" + word;  // phantom space marks the word start
    const size_t n = w.size();
    const size_t start = out.size();
    for (size_t i = 0; i < n; ++i) {
      bool matched = false;
      for (size_t j = std::min(n, i + v.max_token_len + 1); j > i; --j) {
        const int32_t id = v.find(w.substr(i, j - i));
        if (id >= 0) {
          out.push_back(id);
          matched = true;
          i = j - 1;
          break;
        }
      }
      if (!matched) {  // the word cannot be covered: drop its pieces
        out.resize(start);
        break;
      }
    }
    if (out.size() == start && v.unk >= 0) out.push_back(v.unk);
  }
}

}  // namespace hearth::tok
