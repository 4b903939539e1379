// One constrained generation: where the output stands in the grammar, token by token.
//
// The position is an automaton state id, and the matcher keeps one per accepted token, so rolling
// back (prefix reuse, a stop string cut) is popping the history. fill_mask gives the tokens allowed
// next (end tokens only where the grammar is complete); accept_token refuses a token outside the mask
// and leaves the matcher as it was.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/grammar/compiled_grammar.h"

namespace hearth::grammar {

class GrammarMatcher {
 public:
  explicit GrammarMatcher(std::shared_ptr<CompiledGrammar> grammar);

  const CompiledGrammar& grammar() const { return *grammar_; }
  void fill_mask(uint64_t* bits) { grammar_->fill_mask(history_.back(), bits); }
  bool accept_token(int32_t id);
  // Text forced into the output (not a sampled token), e.g. a prefix the caller writes itself.
  bool accept_text(std::string_view text);
  bool is_allowed(int32_t id) { return grammar_->after_token(history_.back(), id) != kDeadState; }
  // The grammar is complete here (an end token would be allowed).
  bool accepting() const { return grammar_->automaton().accepting(history_.back()); }
  // The fewest bytes still needed to complete the grammar: now, and after token id (UINT32_MAX when
  // id is refused). A byte is at most one token, so a budget of n tokens can finish from a state
  // n bytes away whatever the vocabulary, as long as it has single-byte tokens.
  uint32_t min_bytes_to_accept() { return grammar_->automaton().min_bytes_to_accept(history_.back()); }
  uint32_t min_bytes_to_accept_after(int32_t id) {
    const StateId next = grammar_->after_token(history_.back(), id);
    return next == kDeadState ? UINT32_MAX : grammar_->automaton().min_bytes_to_accept(next);
  }
  // Complete, and nothing more may follow: generation must end.
  bool must_end() const;
  // An end token was accepted.
  bool finished() const { return finished_; }
  // Undoes the last n accepted tokens or texts (n ≤ steps()).
  void rollback(size_t n);
  size_t steps() const { return history_.size() - 1; }
  void reset();

 private:
  std::shared_ptr<CompiledGrammar> grammar_;
  std::vector<StateId> history_;
  std::vector<bool> finished_at_;
  bool finished_ = false;
};

}  // namespace hearth::grammar
