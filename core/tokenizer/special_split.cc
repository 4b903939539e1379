#include "core/tokenizer/special_split.h"

#include "core/tokenizer/vocab.h"

namespace hearth::tok {
namespace {

bool ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

}  // namespace

std::vector<Fragment> split_specials(const Vocab& v, std::string_view text, bool parse_special) {
  std::vector<Fragment> frags;
  if (!text.empty()) frags.push_back({-1, 0, text.size()});
  std::vector<Fragment> next;
  for (int32_t id : v.special_by_len) {
    if (!parse_special && v.has_attr(id, kAttrControl | kAttrUnknown)) continue;
    const std::string& tok = v.text[id];
    bool found = false;
    next.clear();
    for (const Fragment& f : frags) {
      if (f.token >= 0) {
        next.push_back(f);
        continue;
      }
      size_t pos = f.offset;
      const size_t end = f.offset + f.length;
      while (pos < end) {
        const size_t hit = text.substr(0, end).find(tok, pos);
        if (hit == std::string_view::npos) break;
        found = true;
        size_t left_end = hit;
        if (v.has_attr(id, kAttrLstrip)) {
          while (left_end > pos && ascii_space(text[left_end - 1])) --left_end;
        }
        if (left_end > pos) next.push_back({-1, pos, left_end - pos});
        next.push_back({id, hit, tok.size()});
        pos = hit + tok.size();
        if (v.has_attr(id, kAttrRstrip)) {
          while (pos < end && ascii_space(text[pos])) ++pos;
        }
      }
      if (pos < end) next.push_back({-1, pos, end - pos});
    }
    if (found) frags.swap(next);
  }
  return frags;
}

}  // namespace hearth::tok
