// Test helper shared by the grammar suites: does a grammar accept a whole text?
#pragma once

#include <memory>
#include <string>

#include "core/grammar/stack_automaton.h"

namespace hearth::grammar {

inline bool accepts(StackAutomaton& a, const std::string& text) {
  StateId s = a.walk(a.start(), text.data(), text.size());
  return s != kDeadState && a.accepting(s);
}

inline bool accepts(const Grammar& g, const std::string& text) {
  StackAutomaton a(std::make_shared<Grammar>(g));
  return accepts(a, text);
}

}  // namespace hearth::grammar
