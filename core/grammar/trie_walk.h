// Sets the bit of every token in a trie whose bytes the automaton accepts from a state: one forward
// pass over the flat trie, skipping the subtree of each refused byte.
#pragma once

#include <cstdint>

#include "core/grammar/stack_automaton.h"
#include "core/grammar/token_vocabulary.h"

namespace hearth::grammar {

void walk_trie(StackAutomaton& automaton, const FlatTrie& trie, StateId s, uint64_t* bits);

}  // namespace hearth::grammar
