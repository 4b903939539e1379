#include "core/grammar/token_vocabulary.h"

#include <algorithm>

#include "core/util/error.h"

namespace hearth::grammar {

FlatTrie FlatTrie::build(std::vector<std::pair<std::string, int32_t>> entries) {
  std::sort(entries.begin(), entries.end());
  FlatTrie t;
  // Sorted texts make the depth-first order: each entry extends the path shared with the previous.
  t.nodes.push_back({0, 0, 0, 0, 0});
  std::vector<uint32_t> path = {0};  // node index at each depth of the current path
  std::string current;
  for (const auto& [text, id] : entries) {
    size_t common = 0;
    while (common < current.size() && common < text.size() && current[common] == text[common]) ++common;
    for (size_t d = current.size(); d > common; --d) {  // close the nodes we leave
      t.nodes[path[d]].subtree_end = uint32_t(t.nodes.size());
      path.pop_back();
    }
    current.resize(common);
    for (size_t d = common; d < text.size(); ++d) {
      t.nodes.push_back({0, 0, 0, uint16_t(d + 1), uint8_t(text[d])});
      path.push_back(uint32_t(t.nodes.size() - 1));
      current.push_back(text[d]);
    }
    TrieNode& leaf = t.nodes[path.back()];
    if (leaf.token_count == 0) leaf.tokens_begin = uint32_t(t.tokens.size());
    t.tokens.push_back(id);  // equal texts are adjacent, so a node's tokens are contiguous
    ++leaf.token_count;
  }
  for (size_t d = current.size(); d > 0; --d) t.nodes[path[d]].subtree_end = uint32_t(t.nodes.size());
  t.nodes[0].subtree_end = uint32_t(t.nodes.size());
  return t;
}

TokenVocabulary::TokenVocabulary(std::vector<std::string> token_bytes, std::vector<int32_t> end_tokens,
                                 const std::vector<bool>& excluded)
    : bytes_(std::move(token_bytes)), end_tokens_(std::move(end_tokens)), in_trie_(bytes_.size(), false) {
  std::vector<std::pair<std::string, int32_t>> entries;
  for (int32_t id = 0; id < int32_t(bytes_.size()); ++id) {
    bool skip = bytes_[id].empty() || bytes_[id].size() > 0xFFFF || is_end_token(id) ||
                (size_t(id) < excluded.size() && excluded[id]);
    if (skip) continue;
    entries.push_back({bytes_[id], id});
    in_trie_[id] = true;
  }
  trie_ = FlatTrie::build(std::move(entries));
}

bool TokenVocabulary::is_end_token(int32_t id) const {
  return std::find(end_tokens_.begin(), end_tokens_.end(), id) != end_tokens_.end();
}

}  // namespace hearth::grammar
