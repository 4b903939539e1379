#include "core/tokenizer/spm_encoder.h"

#include <algorithm>
#include <cstdio>
#include <queue>
#include <string>

#include "core/tokenizer/unicode.h"
#include "core/tokenizer/vocab.h"

namespace hearth::tok {
namespace {

struct Symbol {
  int prev, next;
  size_t begin, len;  // bytes of the text
};

struct Bigram {
  int left, right;
  float score;
  size_t len;
};
// Highest score first; on ties the leftmost pair (llama.cpp's order).
struct BigramLess {
  bool operator()(const Bigram& a, const Bigram& b) const {
    return a.score < b.score || (a.score == b.score && a.left > b.left);
  }
};

int32_t byte_token(const Vocab& v, uint8_t byte) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "<0x%02X>", byte);
  int32_t id = v.find(hex);
  if (id < 0) id = v.find(std::string(1, static_cast<char>(byte)));
  return id >= 0 ? id : v.unk;
}

}  // namespace

void spm_encode(const Vocab& v, std::string_view text, std::vector<int32_t>& out) {
  std::vector<Symbol> sym;
  for (size_t off = 0; off < text.size();) {
    const size_t len = std::min(utf8_len(static_cast<uint8_t>(text[off])), text.size() - off);
    const int idx = static_cast<int>(sym.size());
    sym.push_back({idx - 1, off + len == text.size() ? -1 : idx + 1, off, len});
    off += len;
  }
  std::priority_queue<Bigram, std::vector<Bigram>, BigramLess> queue;
  auto try_add = [&](int left, int right) {
    if (left < 0 || right < 0) return;
    const std::string s(text.substr(sym[left].begin, sym[left].len + sym[right].len));
    const int32_t id = v.find(s);
    if (id < 0) return;
    queue.push({left, right, v.score[id], s.size()});
  };
  for (int i = 1; i < static_cast<int>(sym.size()); ++i) try_add(i - 1, i);

  while (!queue.empty()) {
    const Bigram b = queue.top();
    queue.pop();
    Symbol& l = sym[b.left];
    Symbol& r = sym[b.right];
    if (l.len == 0 || r.len == 0 || l.len + r.len != b.len) continue;  // stale pair
    l.len += r.len;
    r.len = 0;
    l.next = r.next;
    if (r.next >= 0) sym[r.next].prev = b.left;
    try_add(l.prev, b.left);
    try_add(b.left, l.next);
  }

  // Every merged symbol is a token; only single characters can be missing from the vocab.
  for (int i = sym.empty() ? -1 : 0; i != -1; i = sym[i].next) {
    const std::string s(text.substr(sym[i].begin, sym[i].len));
    const int32_t id = v.find(s);
    if (id >= 0) {
      out.push_back(id);
      continue;
    }
    for (char c : s) {
      const int32_t b = byte_token(v, static_cast<uint8_t>(c));
      if (b >= 0) out.push_back(b);
    }
  }
}

}  // namespace hearth::tok
