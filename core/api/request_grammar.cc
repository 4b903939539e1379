#include "core/api/request_grammar.h"

#include "core/api/grammar_vocabulary.h"
#include "core/grammar/gbnf_parser.h"
#include "core/grammar/json_schema.h"
#include "core/util/error.h"

namespace hearth::api {

std::shared_ptr<grammar::CompiledGrammar> GrammarCache::get(const Json& spec, const Tokenizer& tokenizer) {
  if (!spec.is_object()) fail(ErrorCode::kInvalidArgument, "'grammar' must be an object with a 'type'");
  const std::string key = spec.dump();
  for (auto it = recent_.begin(); it != recent_.end(); ++it) {
    if (it->first != key) continue;
    recent_.splice(recent_.begin(), recent_, it);
    return recent_.front().second;
  }
  const Json* type = spec.find("type");
  if (!type || !type->is_string()) fail(ErrorCode::kInvalidArgument, "'grammar.type' must be 'json_object', 'json_schema' or 'gbnf'");
  grammar::Grammar g;
  if (type->as_string() == "json_object") {
    g = grammar::json_object_grammar();
  } else if (type->as_string() == "json_schema") {
    const Json* schema = spec.find("schema");
    if (!schema || !(schema->is_object() || schema->is_bool()))
      fail(ErrorCode::kInvalidArgument, "'grammar.schema' must be a JSON Schema (an object or a boolean)");
    g = grammar::compile_json_schema(to_chat_value(*schema));
  } else if (type->as_string() == "gbnf") {
    const Json* text = spec.find("grammar");
    if (!text || !text->is_string()) fail(ErrorCode::kInvalidArgument, "'grammar.grammar' must be GBNF text");
    g = grammar::parse_gbnf(text->as_string());
  } else {
    fail(ErrorCode::kInvalidArgument, "'grammar.type' must be 'json_object', 'json_schema' or 'gbnf', not '" + type->as_string() + "'");
  }
  if (!vocab_) {
    vocab_ = grammar_vocabulary(tokenizer);
    slices_ = std::make_shared<grammar::TokenSlices>(*vocab_);
  }
  auto compiled = std::make_shared<grammar::CompiledGrammar>(std::make_shared<const grammar::Grammar>(std::move(g)), vocab_, slices_);
  recent_.emplace_front(key, compiled);
  if (recent_.size() > kCapacity) recent_.pop_back();
  return compiled;
}

void GrammarCache::clear() {
  recent_.clear();
  slices_.reset();
  vocab_.reset();
}

}  // namespace hearth::api
