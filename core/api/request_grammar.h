// A request's output constraint: the "grammar" field of a session request, compiled for the model's
// vocabulary, with compiled grammars kept by their text so a repeated schema costs nothing.
//
//   {"type": "json_object"}                      any JSON object
//   {"type": "json_schema", "schema": {...}}     JSON Schema (core/grammar/json_schema.h)
//   {"type": "gbnf", "grammar": "root ::= ..."}  GBNF text (core/grammar/gbnf_parser.h)
//
// json_object and json_schema take "frame": {"before", "after", "between", "max"} (JsonFrame): the
// instances written inside text, as tool calls are. "triggers" and "start_after" say when the
// grammar starts to apply (grammar_gate.h); they are not part of the compiled grammar.
#pragma once

#include <list>
#include <memory>
#include <string>
#include <utility>

#include "core/api/json.h"
#include "core/grammar/compiled_grammar.h"
#include "core/grammar/token_slices.h"
#include "core/tokenizer/tokenizer.h"

namespace hearth::api {

class GrammarCache {
 public:
  // The compiled grammar for a request's "grammar" value. Throws Error(kInvalidArgument) for a bad
  // field, Error(kUnsupported) for a schema feature hearth does not implement (naming it).
  std::shared_ptr<grammar::CompiledGrammar> get(const Json& spec, const Tokenizer& tokenizer);
  void clear();

  static constexpr size_t kCapacity = 16;

 private:
  std::shared_ptr<const grammar::TokenVocabulary> vocab_;
  std::shared_ptr<grammar::TokenSlices> slices_;
  std::list<std::pair<std::string, std::shared_ptr<grammar::CompiledGrammar>>> recent_;  // most recent first
};

}  // namespace hearth::api
