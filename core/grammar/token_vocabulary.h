// The model's vocabulary as grammars see it: each token's bytes, in a trie the mask walk descends.
//
// The trie is flat, in depth-first order: node i's subtree is [i, subtree_end), so a byte the
// grammar refuses skips the whole subtree in one jump and the walk is a single forward loop over an
// array (no pointer chasing, no recursion). Tokens that never appear in grammar-constrained text
// (control tokens, tokens with no bytes) are left out of the trie and so are never allowed; the end
// tokens (EOS, EOT) are allowed exactly when the grammar is complete.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hearth::grammar {

struct TrieNode {
  uint32_t subtree_end;   // one past the last node under this one
  uint32_t tokens_begin;  // this node's tokens: trie_tokens()[tokens_begin, +token_count)
  uint16_t token_count;
  uint16_t depth;         // bytes from the root; the root is depth 0
  uint8_t byte;           // the byte that leads here from the parent
};

// A trie over (bytes, token id) pairs in the layout above.
struct FlatTrie {
  std::vector<TrieNode> nodes;
  std::vector<int32_t> tokens;
  static FlatTrie build(std::vector<std::pair<std::string, int32_t>> entries);
};

class TokenVocabulary {
 public:
  // token_bytes[id] is token id's text as bytes; excluded[id] (when given) keeps it out of the trie.
  TokenVocabulary(std::vector<std::string> token_bytes, std::vector<int32_t> end_tokens,
                  const std::vector<bool>& excluded = {});

  int32_t size() const { return int32_t(bytes_.size()); }
  const std::string& bytes(int32_t id) const { return bytes_[id]; }
  const std::vector<int32_t>& end_tokens() const { return end_tokens_; }
  bool is_end_token(int32_t id) const;
  bool in_trie(int32_t id) const { return in_trie_[id]; }
  const FlatTrie& trie() const { return trie_; }
  size_t words() const { return (bytes_.size() + 63) / 64; }  // uint64 words in a token bitmask

 private:
  std::vector<std::string> bytes_;
  std::vector<int32_t> end_tokens_;
  std::vector<bool> in_trie_;
  FlatTrie trie_;
};

}  // namespace hearth::grammar
