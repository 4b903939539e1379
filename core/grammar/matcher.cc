#include "core/grammar/matcher.h"

#include "core/util/error.h"

namespace hearth::grammar {

GrammarMatcher::GrammarMatcher(std::shared_ptr<CompiledGrammar> grammar) : grammar_(std::move(grammar)) { reset(); }

void GrammarMatcher::reset() {
  history_.assign(1, grammar_->automaton().start());
  finished_at_.assign(1, false);
  finished_ = false;
}

bool GrammarMatcher::accept_token(int32_t id) {
  if (finished_) return false;
  StateId next = grammar_->after_token(history_.back(), id);
  if (next == kDeadState) return false;
  history_.push_back(next);
  finished_ = grammar_->vocabulary().is_end_token(id);
  finished_at_.push_back(finished_);
  return true;
}

bool GrammarMatcher::accept_text(std::string_view text) {
  if (finished_) return false;
  StateId next = grammar_->automaton().walk(history_.back(), text.data(), text.size());
  if (next == kDeadState) return false;
  history_.push_back(next);
  finished_at_.push_back(false);
  return true;
}

bool GrammarMatcher::must_end() const {
  StackAutomaton& a = grammar_->automaton();
  StateId s = history_.back();
  return a.accepting(s) && a.live_bytes(s).empty();
}

void GrammarMatcher::rollback(size_t n) {
  if (n > steps()) fail(ErrorCode::kInvalidArgument, "grammar: rollback past the start");
  history_.resize(history_.size() - n);
  finished_at_.resize(history_.size());
  finished_ = finished_at_.back();
}

}  // namespace hearth::grammar
