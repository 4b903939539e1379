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

void StackAutomaton::compute_shortest_rest() {
  const Grammar& g = *grammar_;
  constexpr uint32_t kInf = UINT32_MAX / 4;  // sums of a few stay below UINT32_MAX
  std::vector<uint32_t> rule_min(g.rule_count(), kInf);
  rest_.assign(g.element_count(), kInf);
  // Bellman-Ford over the rules: every productive rule's shortest text is finite, and each pass
  // settles at least one more level of calls
  for (bool changed = true; changed;) {
    changed = false;
    for (uint32_t r = 0; r < g.rule_count(); ++r) {
      uint32_t best = rule_min[r];
      for (uint32_t alt : g.rule(r).alternatives) {
        uint32_t end = alt;
        while (g.at(end).kind != Element::Kind::kEnd) ++end;
        rest_[end] = 0;
        for (uint32_t p = end; p-- > alt;) {
          const Element& e = g.at(p);
          const uint32_t cost = e.kind == Element::Kind::kBytes ? 1 : rule_min[e.value];
          rest_[p] = std::min(kInf, cost + rest_[p + 1]);
        }
        best = std::min(best, rest_[alt]);
      }
      if (best < rule_min[r]) { rule_min[r] = best; changed = true; }
    }
  }
}

uint32_t StackAutomaton::stack_distance(int32_t id) {
  if (stack_dist_.size() < stacks_.size()) stack_dist_.resize(stacks_.size(), kUnknownDistance);
  if (stack_dist_[id] != kUnknownDistance) return stack_dist_[id];
  // the chain of unresolved frames, then their distances from the bottom up
  std::vector<int32_t> chain;
  for (int32_t at = id; at != 0 && stack_dist_[at] == kUnknownDistance; at = stacks_[at].parent) chain.push_back(at);
  for (size_t i = chain.size(); i-- > 0;) {
    const Node& n = stacks_[chain[i]];
    const uint32_t below = n.parent == 0 ? 0 : stack_dist_[n.parent];
    stack_dist_[chain[i]] = std::min<uint64_t>(uint64_t(rest_[n.pos]) + below, UINT32_MAX - 1);
  }
  return stack_dist_[id];
}

uint32_t StackAutomaton::min_bytes_to_accept(StateId s) {
  if (rest_.empty()) compute_shortest_rest();
  if (state_dist_.size() < states_.size()) state_dist_.resize(states_.size(), kUnknownDistance);
  if (state_dist_[s] != kUnknownDistance) return state_dist_[s];
  uint32_t best = UINT32_MAX - 1;
  for (int32_t id : states_[s].stacks) best = std::min(best, id == 0 ? 0u : stack_distance(id));
  return state_dist_[s] = best;
}

}  // namespace hearth::grammar
