// The grammar run over bytes as a deterministic automaton, built lazily.
//
// A parse is a set of stacks (the grammar may be ambiguous: "1" can start an integer or a number).
// A stack is a chain of frames, each a position in Grammar::elements(); the top frame always sits on a
// byte set, the frames below on the positions to resume at when the rule above ends. Stacks are
// interned as (position, parent) nodes, so stacks share their tails and each has an id; a set of stack
// ids, sorted, is interned as a state. A state is therefore a whole parser configuration in one int:
// the matcher's history is a vector of them (rollback is popping it) and everything derived from a
// state — its byte transitions, its token mask — is memoized by id and shared by every matcher of the
// grammar. A call to a rule in the last position of an alternative replaces the frame (a tail call),
// so the repeats the builder writes as right recursion run in constant stack depth.
//
// Trade-offs: states are per whole configuration, so the same string rule reached from two properties
// gives two states (masks are computed once per state, not once per rule position); a transition row
// is 256 ints (1 KiB) per visited state, for one array load per byte on the hot path. Not thread-safe:
// one automaton is used from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/grammar/byte_set.h"
#include "core/grammar/grammar.h"

namespace hearth::grammar {

using StateId = int32_t;
constexpr StateId kDeadState = -1;

class StackAutomaton {
 public:
  explicit StackAutomaton(std::shared_ptr<const Grammar> grammar);

  const Grammar& grammar() const { return *grammar_; }
  StateId start() const { return start_; }
  // The state after one more byte, or kDeadState. Memoized.
  StateId step(StateId s, uint8_t byte) {
    const int32_t* row = rows_[s].get();
    if (row && row[byte] != kUnknown) return row[byte];
    return compute_step(s, byte);
  }
  // Every byte of text, stopping at the first dead one.
  StateId walk(StateId s, const char* text, size_t n) {
    for (size_t i = 0; i < n && s != kDeadState; ++i) s = step(s, uint8_t(text[i]));
    return s;
  }
  bool accepting(StateId s) const { return states_[s].accepting; }
  // The fewest bytes that take s to an accepting state (0 when s accepts): what a generation needs
  // at least to finish, used to end it within its token budget. Computed on first use (the
  // grammar's shortest completions, one fixed point over its rules), then memoized per stack.
  uint32_t min_bytes_to_accept(StateId s);
  // Bytes that have a live transition from s (the union of the top frames' byte sets).
  const ByteSet& live_bytes(StateId s) const { return states_[s].live; }
  size_t state_count() const { return states_.size(); }
  size_t stack_count() const { return stacks_.size(); }

  // Past these the grammar is refused for this request (Error(kOutOfMemory)), not the process.
  static constexpr size_t kMaxStates = 400'000;
  static constexpr size_t kMaxStacks = 4'000'000;

 private:
  static constexpr int32_t kUnknown = -2;
  struct Node {
    uint32_t pos;
    int32_t parent;
  };
  struct State {
    std::vector<int32_t> stacks;  // sorted stack ids; 0 is the empty stack (the grammar is complete)
    ByteSet live;
    bool accepting = false;
  };
  struct VectorHash {
    size_t operator()(const std::vector<int32_t>& v) const {
      size_t h = v.size();
      for (int32_t x : v) h = h * 0x9E3779B97F4A7C15ull ^ (size_t(x) + (h >> 11));
      return h;
    }
  };

  int32_t intern_stack(uint32_t pos, int32_t parent);
  // Adds to out every byte-position stack reachable from frame (pos, parent) without a byte.
  void close(uint32_t pos, int32_t parent, std::vector<int32_t>& out);
  StateId intern_state(std::vector<int32_t> stacks);
  StateId compute_step(StateId s, uint8_t byte);
  void compute_shortest_rest();
  uint32_t stack_distance(int32_t id);

  std::shared_ptr<const Grammar> grammar_;
  std::vector<Node> stacks_;
  std::unordered_map<uint64_t, int32_t> stack_ids_;
  std::vector<State> states_;
  std::vector<std::unique_ptr<int32_t[]>> rows_;
  std::unordered_map<std::vector<int32_t>, StateId, VectorHash> state_ids_;
  std::vector<uint32_t> seen_;  // per stack id: the close() generation that visited it
  uint32_t generation_ = 0;
  std::vector<std::pair<uint32_t, int32_t>> work_;
  StateId start_ = kDeadState;
  std::vector<uint32_t> rest_;        // per grammar position: fewest bytes to the end of its alternative
  std::vector<uint32_t> stack_dist_;  // per stack id: fewest bytes to empty it (kUnknownDistance: not yet)
  std::vector<uint32_t> state_dist_;  // per state
  static constexpr uint32_t kUnknownDistance = UINT32_MAX;
};

}  // namespace hearth::grammar
