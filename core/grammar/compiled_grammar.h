// A grammar bound to a vocabulary: the automaton plus, per automaton state, the token mask — the
// bitmask of tokens whose bytes keep the text valid from that state. Masks are computed on first use
// (a walk of the vocabulary trie, or the slice shortcut in token_slices.h) and kept, so a state seen
// again costs a copy; the cache is shared by every matcher of this grammar and dropped whole past
// kMaxCacheBytes. Not thread-safe, like the automaton it owns.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/grammar/grammar.h"
#include "core/grammar/stack_automaton.h"
#include "core/grammar/token_slices.h"
#include "core/grammar/token_vocabulary.h"

namespace hearth::grammar {

class CompiledGrammar {
 public:
  CompiledGrammar(std::shared_ptr<const Grammar> grammar, std::shared_ptr<const TokenVocabulary> vocab,
                  std::shared_ptr<TokenSlices> slices = nullptr);

  StackAutomaton& automaton() { return automaton_; }
  const TokenVocabulary& vocabulary() const { return *vocab_; }
  // Writes vocabulary().words() words: bit id set when token id may come next from state s.
  void fill_mask(StateId s, uint64_t* bits);
  // The state after token id's bytes (kDeadState if they leave the grammar). End tokens: s itself
  // when s is accepting, else dead.
  StateId after_token(StateId s, int32_t id);

  size_t cached_masks() const { return masks_.size(); }
  static constexpr size_t kMaxCacheBytes = size_t(256) << 20;

 private:
  void compute_mask(StateId s, uint64_t* bits);

  std::shared_ptr<const Grammar> grammar_;
  std::shared_ptr<const TokenVocabulary> vocab_;
  std::shared_ptr<TokenSlices> slices_;
  StackAutomaton automaton_;
  std::unordered_map<StateId, std::vector<uint64_t>> masks_;
  size_t cache_bytes_ = 0;
};

}  // namespace hearth::grammar
