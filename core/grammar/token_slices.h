// The shortcut for states inside free text (a JSON string, a run of letters), where a trie walk
// would step through nearly every token.
//
// A class of characters C (a set L of ASCII bytes, plus all well-formed multi-byte UTF-8 characters
// or none) "chains" from a state S when every character of C leads from S to one state S1, every one
// leads from S1 to one S2, and so on, until the chain loops (S_m+1 == S_m: free text, a digit run)
// or ends (no character of C goes on: a maxLength reached). A token is its longest prefix of C
// characters, c of them, then a suffix starting where it leaves C. The prefix leads to S_c (S_m for
// c > m on a loop; nowhere for c > m on an end), and only the suffix needs stepping, from S_c. So a
// slice, per class, keeps: the tokens wholly inside C by their count of characters, and a trie of
// the other tokens' suffixes per count. The mask of S is the inside tokens short enough plus a walk of
// each count's suffix trie from its chain state: exact, and the suffix tries are small where it
// matters (JSON string content leaves its class only at " \ control bytes and split characters).
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
  // Writes s's token mask into bits (already zeroed) and returns true, or returns false when no
  // class of enough characters chains from s (the caller walks the whole trie).
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
  static constexpr int kDenseCounts = 64;
  struct Slice {
    // inside_upto[c]: tokens made only of class characters, at most c of them (c < kDenseCounts)
    std::vector<std::vector<uint64_t>> inside_upto;
    std::vector<std::pair<int, int32_t>> inside_long;  // (count, id) of longer inside tokens
    std::vector<FlatTrie> suffixes;  // [c]: tokens leaving the class after c characters, from there
    int max_count = 0;               // the most class characters any token starts with
  };
  const Slice& slice(const Key& key);

  const TokenVocabulary& vocab_;
  std::map<Key, std::unique_ptr<Slice>> slices_;
};

}  // namespace hearth::grammar
