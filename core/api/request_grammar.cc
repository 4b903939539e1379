#include "core/api/request_grammar.h"

#include "core/api/grammar_vocabulary.h"
#include "core/grammar/gbnf_parser.h"
#include "core/grammar/json_schema.h"
#include "core/util/error.h"

namespace hearth::api {

namespace {

grammar::JsonFrame json_frame(const Json& j) {
  if (!j.is_object()) fail(ErrorCode::kInvalidArgument, "'grammar.frame' must be an object {before, after, between, max}");
  grammar::JsonFrame f;
  for (const auto& [k, v] : j.as_object()) {
    if (k == "before" || k == "after" || k == "between") {
      if (!v.is_string()) fail(ErrorCode::kInvalidArgument, "'grammar.frame." + k + "' must be a string");
      (k == "before" ? f.before : k == "after" ? f.after : f.between) = v.as_string();
    } else if (k == "max") {
      if (!v.is_number() || v.as_number() < 0 || v.as_number() > 1e6 || v.as_number() != double(uint32_t(v.as_number())))
        fail(ErrorCode::kInvalidArgument, "'grammar.frame.max' must be an integer in [0, 1000000] (0: unbounded)");
      f.max = uint32_t(v.as_number());
    } else {
      fail(ErrorCode::kInvalidArgument, "'grammar.frame' has an unknown field '" + k + "'");
    }
  }
  return f;
}

}  // namespace

std::shared_ptr<grammar::CompiledGrammar> GrammarCache::get(const Json& spec, const Tokenizer& tokenizer) {
  if (!spec.is_object()) fail(ErrorCode::kInvalidArgument, "'grammar' must be an object with a 'type'");
  // when the grammar applies (triggers, start_after: grammar_gate.h) is not part of what it is
  Json grammar_only{Json::Object{}};
  for (const auto& [k, v] : spec.as_object())
    if (k != "triggers" && k != "start_after") grammar_only.set(k, v);
  const std::string key = grammar_only.dump();
  for (auto it = recent_.begin(); it != recent_.end(); ++it) {
    if (it->first != key) continue;
    recent_.splice(recent_.begin(), recent_, it);
    return recent_.front().second;
  }
  const Json* type = spec.find("type");
  if (!type || !type->is_string()) fail(ErrorCode::kInvalidArgument, "'grammar.type' must be 'json_object', 'json_schema' or 'gbnf'");
  grammar::Grammar g;
  const Json* frame = spec.find("frame");
  if (frame && !frame->is_null() && type->is_string() && type->as_string() == "gbnf")
    fail(ErrorCode::kInvalidArgument, "'grammar.frame' applies to json_object and json_schema, not gbnf (write the frame in the grammar)");
  if (type->as_string() == "json_object" || type->as_string() == "json_schema") {
    chat::Value schema{chat::Object{}};
    if (type->as_string() == "json_object") {
      chat::Object o;
      o.set("type", "object");
      schema = chat::Value(std::move(o));
    } else {
      const Json* s = spec.find("schema");
      if (!s || !(s->is_object() || s->is_bool()))
        fail(ErrorCode::kInvalidArgument, "'grammar.schema' must be a JSON Schema (an object or a boolean)");
      schema = to_chat_value(*s);
    }
    g = frame && !frame->is_null() ? grammar::compile_json_schema(schema, json_frame(*frame)) : grammar::compile_json_schema(schema);
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
