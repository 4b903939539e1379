#include "core/grammar/token_vocabulary.h"

#include <algorithm>
#include <numeric>

#include "core/util/error.h"

namespace hearth::grammar {

TokenVocabulary::TokenVocabulary(std::vector<std::string> token_bytes, std::vector<int32_t> end_tokens,
                                 const std::vector<bool>& excluded)
    : bytes_(std::move(token_bytes)), end_tokens_(std::move(end_tokens)), in_trie_(bytes_.size(), false) {
  const int32_t n = int32_t(bytes_.size());
  std::vector<int32_t> order;
  for (int32_t id = 0; id < n; ++id) {
    bool skip = bytes_[id].empty() || bytes_[id].size() > 0xFFFF || is_end_token(id) ||
                (size_t(id) < excluded.size() && excluded[id]);
    if (!skip) order.push_back(id);
  }
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return bytes_[a] != bytes_[b] ? bytes_[a] < bytes_[b] : a < b;
  });
  // Sorted texts make the depth-first order: each token extends the path shared with the previous.
  trie_.push_back({0, 0, 0, 0, 0});
  std::vector<uint32_t> path = {0};  // node index at each depth of the current path
  std::string current;
  for (int32_t id : order) {
    const std::string& t = bytes_[id];
    size_t common = 0;
    while (common < current.size() && common < t.size() && current[common] == t[common]) ++common;
    for (size_t d = current.size(); d > common; --d) {  // close the nodes we leave
      trie_[path[d]].subtree_end = uint32_t(trie_.size());
      path.pop_back();
    }
    current.resize(common);
    for (size_t d = common; d < t.size(); ++d) {
      trie_.push_back({0, uint32_t(trie_tokens_.size()), 0, uint16_t(d + 1), uint8_t(t[d])});
      path.push_back(uint32_t(trie_.size() - 1));
      current.push_back(t[d]);
    }
    TrieNode& leaf = trie_[path.back()];
    if (leaf.token_count == 0) leaf.tokens_begin = uint32_t(trie_tokens_.size());
    trie_tokens_.push_back(id);  // equal texts are adjacent, so a node's tokens are contiguous
    ++leaf.token_count;
    in_trie_[id] = true;
  }
  for (size_t d = current.size(); d > 0; --d) trie_[path[d]].subtree_end = uint32_t(trie_.size());
  trie_[0].subtree_end = uint32_t(trie_.size());
}

bool TokenVocabulary::is_end_token(int32_t id) const {
  return std::find(end_tokens_.begin(), end_tokens_.end(), id) != end_tokens_.end();
}

}  // namespace hearth::grammar
