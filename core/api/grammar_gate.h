// When a generation's grammar applies. Most grammars bind from the first token; a lazy one waits:
//
//   "start_after": "</think>"       free text (a reasoning block) until this text, then the grammar
//                                   from the byte after it
//   "triggers": ["<tool_call>", ..] free text until one of these appears; the grammar then applies
//                                   from the trigger's first byte (the grammar spells the trigger)
//
// Both may be given (reasoning, then a tool call when the model starts one). The gate watches the
// raw bytes of the sampled tokens, not the UTF-8 text stream, so a character split over tokens
// is fed to the grammar whole. When the text after an opening point does not fit the grammar (the
// token that completed a trigger went on with bytes the grammar refuses) the generation carries on
// unconstrained: the output is then what the model wrote, and the caller's parser sees it as text.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/api/json.h"
#include "core/grammar/matcher.h"

namespace hearth::api {

class GrammarGate {
 public:
  // spec: the request's "grammar" object (its triggers and start_after are read here).
  GrammarGate(std::shared_ptr<grammar::CompiledGrammar> grammar, const Json& spec);

  // The grammar binds the next token: mask it and accept_token() it.
  bool bound() const { return phase_ == Phase::kBound; }
  grammar::GrammarMatcher& matcher() { return matcher_; }
  // A token sampled while unbound: its raw bytes. May bind the grammar.
  void observe(std::string_view bytes);
  // Whether the grammar was given up (its opening text did not fit).
  bool abandoned() const { return phase_ == Phase::kAbandoned; }

 private:
  enum class Phase { kBeforeStart, kBeforeTrigger, kBound, kAbandoned };
  void scan();
  grammar::GrammarMatcher matcher_;
  std::string start_after_;
  std::vector<std::string> triggers_;
  Phase phase_ = Phase::kBound;
  std::string seen_;  // bytes since the last opening point, while unbound
};

}  // namespace hearth::api
