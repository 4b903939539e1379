#include "core/grammar/trie_walk.h"

#include <vector>

namespace hearth::grammar {

void walk_trie(StackAutomaton& automaton, const FlatTrie& trie, StateId s, uint64_t* bits) {
  thread_local std::vector<StateId> depth_state;  // the walk's state at each depth
  depth_state.assign(1, s);
  const ByteSet first = automaton.live_bytes(s);  // a copy: stepping may grow the state table
  const TrieNode* nodes = trie.nodes.data();
  const int32_t* tokens = trie.tokens.data();
  const uint32_t n = uint32_t(trie.nodes.size());
  for (uint32_t i = 1; i < n;) {
    const TrieNode& node = nodes[i];
    // at depth 1 most bytes are refused: test the live set before stepping
    if (node.depth == 1 && !first.has(node.byte)) { i = node.subtree_end; continue; }
    StateId next = automaton.step(depth_state[node.depth - 1], node.byte);
    if (next == kDeadState) { i = node.subtree_end; continue; }
    for (uint32_t k = 0; k < node.token_count; ++k) {
      int32_t id = tokens[node.tokens_begin + k];
      bits[id >> 6] |= uint64_t(1) << (id & 63);
    }
    if (depth_state.size() <= node.depth) depth_state.resize(node.depth + 1);
    depth_state[node.depth] = next;
    ++i;
  }
}

}  // namespace hearth::grammar
