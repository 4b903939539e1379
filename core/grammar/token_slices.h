// The shortcut for states inside free text (a JSON string, a run of letters), where a trie walk
// would step through nearly every token.
//
// A state S "loops" on a set of characters when each of them leads from S back to S: the ASCII
// bytes L with step(S, b) == S and, when every well-formed multi-byte UTF-8 character does too, all
// of non-ASCII. A token made only of such characters is then allowed from S without stepping at all;
// any other token is its longest such prefix (which leaves S where it was) followed by a suffix that
// starts where it leaves the loop. So a slice, per loop (L, all-non-ASCII), keeps: the bitmask of the
// tokens wholly inside it, and a trie of the other tokens' suffixes. The mask of S is that bitmask
// plus a walk of the suffix trie from S: exact, and the suffix trie is small where it matters (JSON
// string content leaves the loop only at " \ control bytes and split UTF-8 characters).
//
// Slices depend only on the vocabulary, so one TokenSlices serves every grammar of a model; each
// slice is built on first use (one pass over the vocabulary).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/grammar/stack_automaton.h"
#include "core/grammar/token_vocabulary.h"

namespace hearth::grammar {

class TokenSlices {
 public:
  explicit TokenSlices(const TokenVocabulary& vocab) : vocab_(vocab) {}
  // Writes s's token mask into bits (already zeroed) and returns true, or returns false when s does
  // not loop on enough characters for the shortcut to pay.
  bool fill(StackAutomaton& automaton, StateId s, uint64_t* bits);

  size_t slice_count() const { return slices_.size(); }
  static constexpr int kMinLoopBytes = 16;

 private:
  struct Key {
    uint64_t ascii[2];
    bool non_ascii;
    bool operator<(const Key& o) const {
      if (ascii[0] != o.ascii[0]) return ascii[0] < o.ascii[0];
      if (ascii[1] != o.ascii[1]) return ascii[1] < o.ascii[1];
      return non_ascii < o.non_ascii;
    }
  };
  struct Slice {
    std::vector<uint64_t> inside;  // tokens made only of loop characters
    FlatTrie suffixes;             // the other tokens, from where they leave the loop
  };
  const Slice& slice(const Key& key);

  const TokenVocabulary& vocab_;
  std::map<Key, std::unique_ptr<Slice>> slices_;
};

}  // namespace hearth::grammar
