#include "core/api/grammar_gate.h"

#include <algorithm>

#include "core/util/error.h"

namespace hearth::api {

GrammarGate::GrammarGate(std::shared_ptr<grammar::CompiledGrammar> grammar, const Json& spec) : matcher_(std::move(grammar)) {
  if (const Json* s = spec.find("start_after"); s && !s->is_null()) {
    if (!s->is_string() || s->as_string().empty()) fail(ErrorCode::kInvalidArgument, "'grammar.start_after' must be a non-empty string");
    start_after_ = s->as_string();
  }
  if (const Json* t = spec.find("triggers"); t && !t->is_null()) {
    if (!t->is_array()) fail(ErrorCode::kInvalidArgument, "'grammar.triggers' must be an array of non-empty strings");
    for (const Json& v : t->as_array()) {
      if (!v.is_string() || v.as_string().empty()) fail(ErrorCode::kInvalidArgument, "'grammar.triggers' must be an array of non-empty strings");
      triggers_.push_back(v.as_string());
    }
  }
  phase_ = !start_after_.empty() ? Phase::kBeforeStart : !triggers_.empty() ? Phase::kBeforeTrigger : Phase::kBound;
}

void GrammarGate::observe(std::string_view bytes) {
  if (phase_ == Phase::kBound || phase_ == Phase::kAbandoned) return;
  seen_ += bytes;
  scan();
}

void GrammarGate::scan() {
  if (phase_ == Phase::kBeforeStart) {
    const size_t at = seen_.find(start_after_);
    if (at == std::string::npos) {
      if (seen_.size() >= start_after_.size()) seen_.erase(0, seen_.size() - (start_after_.size() - 1));
      return;
    }
    seen_.erase(0, at + start_after_.size());
    phase_ = triggers_.empty() ? Phase::kBound : Phase::kBeforeTrigger;
    if (phase_ == Phase::kBound) {
      if (!matcher_.accept_text(seen_)) phase_ = Phase::kAbandoned;
      seen_.clear();
      return;
    }
  }
  if (phase_ != Phase::kBeforeTrigger) return;
  size_t first = std::string::npos;
  for (const std::string& t : triggers_) first = std::min(first, seen_.find(t));
  if (first == std::string::npos) {
    // a trigger that starts in what was seen ends within its longest trigger's length
    size_t keep = 0;
    for (const std::string& t : triggers_) keep = std::max(keep, t.size() - 1);
    if (seen_.size() > keep) seen_.erase(0, seen_.size() - keep);
    return;
  }
  phase_ = matcher_.accept_text(std::string_view(seen_).substr(first)) ? Phase::kBound : Phase::kAbandoned;
  seen_.clear();
}

}  // namespace hearth::api
