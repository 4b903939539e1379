#include "core/grammar/stack_automaton.h"

#include <algorithm>

#include "core/util/error.h"

namespace hearth::grammar {

StackAutomaton::StackAutomaton(std::shared_ptr<const Grammar> grammar) : grammar_(std::move(grammar)) {
  stacks_.push_back({UINT32_MAX, -1});  // id 0: the empty stack
  std::vector<int32_t> init;
  ++generation_;
  for (uint32_t alt : grammar_->rule(grammar_->root()).alternatives) close(alt, 0, init);
  start_ = intern_state(std::move(init));
}

int32_t StackAutomaton::intern_stack(uint32_t pos, int32_t parent) {
  uint64_t key = (uint64_t(pos) << 32) | uint32_t(parent);
  auto [it, fresh] = stack_ids_.emplace(key, int32_t(stacks_.size()));
  if (fresh) {
    if (stacks_.size() >= kMaxStacks) fail(ErrorCode::kOutOfMemory, "grammar: more than " + std::to_string(kMaxStacks) + " parser stacks");
    stacks_.push_back({pos, parent});
  }
  return it->second;
}

void StackAutomaton::close(uint32_t pos0, int32_t parent0, std::vector<int32_t>& out) {
  const Grammar& g = *grammar_;
  work_.clear();
  work_.push_back({pos0, parent0});
  while (!work_.empty()) {
    auto [pos, parent] = work_.back();
    work_.pop_back();
    // End of a frame: resume the parent (its position is already past the call).
    while (pos != UINT32_MAX && g.at(pos).kind == Element::Kind::kEnd) {
      if (parent == 0) { pos = UINT32_MAX; break; }
      pos = stacks_[parent].pos;
      parent = stacks_[parent].parent;
    }
    int32_t id = pos == UINT32_MAX ? 0 : intern_stack(pos, parent);
    if (seen_.size() <= size_t(id)) seen_.resize(stacks_.size() * 2, 0);
    if (seen_[id] == generation_) continue;
    seen_[id] = generation_;
    if (id == 0) { out.push_back(0); continue; }
    const Element& e = g.at(pos);
    if (e.kind == Element::Kind::kBytes) { out.push_back(id); continue; }
    // A call: the callee's frames sit on the continuation (or on our parent, for a tail call).
    int32_t cont = g.at(pos + 1).kind == Element::Kind::kEnd ? parent : intern_stack(pos + 1, parent);
    for (uint32_t alt : g.rule(e.value).alternatives) work_.push_back({alt, cont});
  }
}

StateId StackAutomaton::intern_state(std::vector<int32_t> stacks) {
  if (stacks.empty()) return kDeadState;
  std::sort(stacks.begin(), stacks.end());
  stacks.erase(std::unique(stacks.begin(), stacks.end()), stacks.end());
  auto found = state_ids_.find(stacks);
  if (found != state_ids_.end()) return found->second;
  if (states_.size() >= kMaxStates) fail(ErrorCode::kOutOfMemory, "grammar: more than " + std::to_string(kMaxStates) + " parser states");
  State st;
  for (int32_t id : stacks) {
    if (id == 0) { st.accepting = true; continue; }
    st.live |= grammar_->byte_set(grammar_->at(stacks_[id].pos).value);
  }
  st.stacks = stacks;
  StateId sid = StateId(states_.size());
  states_.push_back(std::move(st));
  rows_.emplace_back();
  state_ids_.emplace(std::move(stacks), sid);
  return sid;
}

StateId StackAutomaton::compute_step(StateId s, uint8_t byte) {
  StateId next = kDeadState;
  if (states_[s].live.has(byte)) {
    std::vector<int32_t> out;
    ++generation_;
    // close() may grow stacks_, so copy the ids first
    std::vector<int32_t> from = states_[s].stacks;
    for (int32_t id : from) {
      if (id == 0) continue;
      Node n = stacks_[id];
      if (!grammar_->byte_set(grammar_->at(n.pos).value).has(byte)) continue;
      close(n.pos + 1, n.parent, out);
    }
    next = intern_state(std::move(out));
  }
  if (!rows_[s]) {
    rows_[s].reset(new int32_t[256]);
    std::fill(rows_[s].get(), rows_[s].get() + 256, kUnknown);
  }
  rows_[s][byte] = next;
  return next;
}

}  // namespace hearth::grammar
