// The shortcut for states inside free text (a JSON string, a run of digits): tokens made only of
// characters that keep the grammar in the same loop are allowed without stepping the automaton.
// Filled in below; until then fill() declines and the caller walks the trie.
#pragma once

#include <cstdint>

#include "core/grammar/stack_automaton.h"
#include "core/grammar/token_vocabulary.h"

namespace hearth::grammar {

class TokenSlices {
 public:
  explicit TokenSlices(const TokenVocabulary& vocab) : vocab_(vocab) {}
  // Writes s's token mask into bits (already zeroed) and returns true, or returns false when s is
  // not a state the shortcut covers.
  bool fill(StackAutomaton& automaton, StateId s, uint64_t* bits);

 private:
  const TokenVocabulary& vocab_;
};

}  // namespace hearth::grammar
