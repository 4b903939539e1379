#include "core/tokenizer/bpe_encoder.h"

#include <algorithm>
#include <queue>
#include <string>

#include "core/tokenizer/byte_unicode.h"
#include "core/tokenizer/unicode.h"
#include "core/tokenizer/vocab.h"

namespace hearth::tok {
namespace {

struct Symbol {
  int prev, next;
  size_t begin, len;  // bytes of the encoded word
};

struct Bigram {
  int left, right;
  int32_t rank;
  std::string text;  // left + right when queued; a mismatch later means the pair is stale
};
// Lowest rank first; on ties the leftmost pair.
struct BigramAfter {
  bool operator()(const Bigram& a, const Bigram& b) const {
    return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
  }
};

}  // namespace

void bpe_encode_word(const Vocab& v, std::string_view raw, std::vector<int32_t>& out) {
  const std::string word = bytes_to_unicode_text(raw);
  if (word.empty()) return;
  std::vector<Symbol> sym;
  if (v.ignore_merges && v.find(word) >= 0) {
    sym.push_back({-1, -1, 0, word.size()});
  } else {
    for (size_t off = 0; off < word.size();) {
      const size_t len = std::min(utf8_len(static_cast<uint8_t>(word[off])), word.size() - off);
      const int idx = static_cast<int>(sym.size());
      sym.push_back({idx - 1, off + len == word.size() ? -1 : idx + 1, off, len});
      off += len;
    }
  }
  auto text_of = [&](int i) { return std::string_view(word).substr(sym[i].begin, sym[i].len); };

  std::priority_queue<Bigram, std::vector<Bigram>, BigramAfter> queue;
  auto try_add = [&](int left, int right) {
    if (left < 0 || right < 0) return;
    std::string key;
    key.reserve(sym[left].len + sym[right].len + 1);
    key.append(text_of(left)).append(" ").append(text_of(right));
    auto it = v.merge_rank.find(key);
    if (it == v.merge_rank.end()) return;
    std::string merged;
    merged.append(text_of(left)).append(text_of(right));
    queue.push({left, right, it->second, std::move(merged)});
  };
  for (int i = 1; i < static_cast<int>(sym.size()); ++i) try_add(i - 1, i);

  while (!queue.empty()) {
    Bigram b = queue.top();
    queue.pop();
    Symbol& l = sym[b.left];
    Symbol& r = sym[b.right];
    if (l.len == 0 || r.len == 0) continue;
    if (l.len + r.len != b.text.size() || word.compare(l.begin, b.text.size(), b.text) != 0) continue;
    l.len += r.len;
    r.len = 0;
    l.next = r.next;
    if (r.next >= 0) sym[r.next].prev = b.left;
    try_add(l.prev, b.left);
    try_add(b.left, l.next);
  }

  for (int i = 0; i != -1; i = sym[i].next) {
    if (sym[i].len == 0) continue;
    const std::string s(text_of(i));
    const int32_t id = v.find(s);
    if (id >= 0) {
      out.push_back(id);
      continue;
    }
    // llama.cpp looks each byte of the symbol's text up on its own and drops what it cannot find.
    for (char c : s) {
      const int32_t b = v.find(std::string(1, c));
      if (b >= 0) out.push_back(b);
    }
  }
}

}  // namespace hearth::tok
