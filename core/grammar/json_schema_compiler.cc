#include "core/grammar/json_schema_compiler.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/chat/json.h"
#include "core/grammar/stack_automaton.h"
#include "core/util/error.h"

namespace hearth::grammar {
namespace json_schema {

namespace {

constexpr int kMaxDepth = 64;  // nested schemas compiled inline ($ref chains in allOf, ...)

// Keywords that constrain an instance but are not compiled: refused, never ignored.
const char* const kRefused[] = {
    "dependentRequired", "dependentSchemas", "contains", "minContains", "maxContains", "propertyNames",
    "unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "$recursiveRef", "extends", "disallow",
    "divisibleBy",
};

// Keywords that assert something (so a $ref beside them is an allOf); everything else is an
// annotation or unknown, and ignored.
const char* const kAssertions[] = {
    "type", "enum", "const", "properties", "required", "additionalProperties", "patternProperties",
    "minProperties", "maxProperties", "items", "prefixItems", "additionalItems", "minItems", "maxItems",
    "uniqueItems", "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "multipleOf", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependencies",
    "dependentRequired", "dependentSchemas", "contains", "propertyNames", "unevaluatedProperties",
    "unevaluatedItems", "$ref", "extends", "disallow", "divisibleBy",
};

}  // namespace

bool is_assertion_keyword(const std::string& k) {
  for (const char* a : kAssertions) if (k == a) return true;
  return false;
}

namespace {

std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(char(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else out.push_back(s[i]);
  }
  return out;
}

}  // namespace

uint32_t type_bit(const std::string& name) {
  static const struct { const char* name; uint32_t bit; } kTypes[] = {
      {"null", kNull}, {"boolean", kBoolean}, {"object", kObject}, {"array", kArray},
      {"string", kString}, {"integer", kInteger}, {"number", kNumber}, {"any", kAllTypes}};
  for (auto& t : kTypes) if (name == t.name) return t.bit;
  return 0;
}

uint32_t value_type(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: return kNull;
    case Value::Kind::kBool: return kBoolean;
    case Value::Kind::kInt: return kInteger;
    case Value::Kind::kFloat: {
      double d = v.as_double();
      return std::isfinite(d) && d == std::floor(d) ? kInteger : kFraction;
    }
    case Value::Kind::kString: return kString;
    case Value::Kind::kArray: return kArray;
    case Value::Kind::kObject: return kObject;
    default: return 0;
  }
}

bool json_equal(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
    return a.as_double() == b.as_double();
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::kNull: return true;
    case Value::Kind::kBool: return a.as_bool() == b.as_bool();
    case Value::Kind::kString: return a.as_string() == b.as_string();
    case Value::Kind::kArray: {
      const auto &x = a.as_array(), &y = b.as_array();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) if (!json_equal(x[i], y[i])) return false;
      return true;
    }
    case Value::Kind::kObject: {
      const auto &x = a.as_object(), &y = b.as_object();
      if (x.size() != y.size()) return false;
      for (auto& [k, v] : x.items()) {
        const Value* w = y.find(k);
        if (!w || !json_equal(v, *w)) return false;
      }
      return true;
    }
    default: return false;
  }
}

void unsupported(const std::string& what, const std::string& ptr) {
  fail(ErrorCode::kUnsupported, "json_schema: " + what + " at " + (ptr.empty() ? "/" : ptr));
}
void invalid(const std::string& what, const std::string& ptr) {
  fail(ErrorCode::kInvalidArgument, "json_schema: " + what + " at " + (ptr.empty() ? "/" : ptr));
}

std::string pointer_escape(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out.push_back(c);
  }
  return out;
}

std::string json_text(const Value& v) {
  chat::JsonStyle style;
  style.item_separator = ",";
  style.has_item_separator = true;
  style.key_separator = ":";
  return chat::to_json(v, style);
}

const Value* get(const Value& schema, const char* key) {
  if (!schema.is_object()) return nullptr;
  return schema.as_object().find(key);
}

Compiler::Compiler(const Value& root, const JsonSchemaOptions& options)
    : root_(root), opt_(options), json_(b_, options.allow_whitespace, options.max_indent) {}

Grammar Compiler::run(const JsonFrame* frame) {
  uint32_t root = b_.declare("root");
  if (!frame) {
    b_.define(root, compile(root_, ""));
  } else {
    Expr value = compile_rule(root_, "", "instance");
    Expr item = Expr::seq({Expr::literal(frame->before), value, Expr::literal(frame->after)});
    const uint32_t more = frame->max == 0 ? Expr::kUnbounded : frame->max - 1;
    if (more == 0) b_.define(root, item);
    else b_.define(root, Expr::seq({item, Expr::repeat(Expr::seq({Expr::literal(frame->between), item}), 0, more)}));
  }
  return b_.build(root);
}

uint32_t Compiler::count_limit(const Value* v, const char* key, const std::string& ptr, uint32_t limit) {
  if (limit == 0) limit = opt_.max_repeat;
  if (!v) return 0;
  if (!v->is_number() || v->as_double() < 0 || v->as_double() != std::floor(v->as_double()))
    invalid(std::string("'") + key + "' must be a non-negative integer", ptr);
  double d = v->as_double();
  if (d > limit) unsupported(std::string("'") + key + "' " + json_text(*v) + " over the limit " + std::to_string(limit), ptr);
  return uint32_t(d);
}

const Value& Compiler::resolve(const std::string& ref0, const std::string& ptr, std::string& target_ptr) {
  std::string ref = ref0;
  if (!ref.empty() && ref[0] != '#') {
    // the document's own id followed by a fragment is a local ref
    const Value* id = get(root_, "$id");
    if (!id) id = get(root_, "id");
    std::string base = id && id->is_string() ? id->as_string() : "";
    if (!base.empty() && base.back() == '#') base.pop_back();
    if (!base.empty() && ref.starts_with(base) && (ref.size() == base.size() || ref[base.size()] == '#'))
      ref = ref.size() == base.size() ? "#" : ref.substr(base.size());
    else unsupported("remote $ref '" + ref0 + "'", ptr);
  }
  std::string frag = percent_decode(ref.substr(1));
  if (!frag.empty() && frag[0] != '/') unsupported("$ref to an anchor '" + ref0 + "'", ptr);
  const Value* at = &root_;
  target_ptr.clear();
  size_t i = 0;
  while (i < frag.size()) {
    size_t j = frag.find('/', i + 1);
    if (j == std::string::npos) j = frag.size();
    std::string tok = frag.substr(i + 1, j - i - 1), key;
    for (size_t k = 0; k < tok.size(); ++k) {
      if (tok[k] == '~' && k + 1 < tok.size() && (tok[k + 1] == '0' || tok[k + 1] == '1')) {
        key.push_back(tok[k + 1] == '0' ? '~' : '/');
        ++k;
      } else key.push_back(tok[k]);
    }
    if (at->is_object()) at = at->as_object().find(key);
    else if (at->is_array() && !key.empty() && std::all_of(key.begin(), key.end(), ::isdigit) && std::stoul(key) < at->as_array().size())
      at = &at->as_array()[std::stoul(key)];
    else at = nullptr;
    if (!at) invalid("$ref '" + ref0 + "' points at nothing", ptr);
    target_ptr += "/" + pointer_escape(key);
    i = j;
  }
  return *at;
}

Expr Compiler::compile_rule(const Value& schema, const std::string& ptr, const char* name) {
  Expr e = compile(schema, ptr);
  if (e.kind == Expr::Kind::kRef || e.kind == Expr::Kind::kLiteral || e.is_nothing() || e.kind == Expr::Kind::kEmpty) return e;
  uint32_t r = b_.declare(name);
  b_.define(r, e);
  return Expr::ref(r);
}

Expr Compiler::compile(const Value& s, const std::string& ptr) {
  if (s.is_bool()) return s.as_bool() ? json_.value() : Expr::nothing();
  if (!s.is_object()) invalid("a schema must be an object or a boolean", ptr);
  // the same schema text compiles to the same grammar: one rule for every copy
  std::string key = json_text(s);
  if (auto found = compiled_.find(key); found != compiled_.end()) return Expr::ref(found->second);
  Expr e = compile_uncached(s, ptr);
  if (e.kind == Expr::Kind::kRef || e.kind == Expr::Kind::kLiteral || e.kind == Expr::Kind::kEmpty || e.is_nothing()) return e;
  uint32_t r = b_.declare("schema");
  b_.define(r, e);
  compiled_.emplace(std::move(key), r);
  return Expr::ref(r);
}

Expr Compiler::compile_uncached(const Value& s, const std::string& ptr) {
  if (++depth_ > kMaxDepth) unsupported("schemas nested deeper than " + std::to_string(kMaxDepth), ptr);
  struct Leave { int& d; ~Leave() { --d; } } leave{depth_};
  const chat::Object& o = s.as_object();
  for (const char* k : kRefused)
    if (o.find(k)) unsupported(std::string("keyword '") + k + "'", ptr);
  if (const Value* d = o.find("dependencies"); d && !(d->is_object() && d->as_object().size() == 0))
    unsupported("keyword 'dependencies'", ptr);
  if (o.find("then") || o.find("else")) {
    if (o.find("if")) unsupported("keyword 'if'", ptr);  // then/else without if do nothing
  }
  const Value* ref = o.find("$ref");
  bool siblings = false;
  for (auto& [k, v] : o.items()) if (k != "$ref" && is_assertion_keyword(k) && k != "then" && k != "else" && k != "if") siblings = true;
  if (ref) {
    if (!ref->is_string()) invalid("$ref must be a string", ptr);
    if (!siblings) {
      std::string target_ptr;
      const Value& target = resolve(ref->as_string(), ptr + "/$ref", target_ptr);
      auto found = ref_rules_.find(target_ptr);
      if (found != ref_rules_.end()) return Expr::ref(found->second);
      uint32_t r = b_.declare("ref" + (target_ptr.empty() ? std::string("-root") : target_ptr));
      ref_rules_.emplace(target_ptr, r);
      int saved = depth_;
      depth_ = 0;  // a rule of its own: the nesting starts again
      b_.define(r, compile(target, target_ptr));
      depth_ = saved;
      return Expr::ref(r);
    }
  }
  if (ref || o.find("allOf")) {
    // a merge is a rule keyed by its text, so a recursive $ref inside allOf closes a loop
    Value merged = flatten_merge(s, ptr);
    std::string key = json_text(merged);
    auto found = merged_rules_.find(key);
    if (found != merged_rules_.end()) return Expr::ref(found->second);
    uint32_t r = b_.declare("allOf");
    merged_rules_.emplace(std::move(key), r);
    b_.define(r, compile(merged, ptr));
    return Expr::ref(r);
  }
  if (o.find("anyOf") || o.find("oneOf")) return compile_alternatives(s, ptr);
  return compile_typed(s, ptr);
}

Expr Compiler::compile_alternatives(const Value& s, const std::string& ptr) {
  const chat::Object& o = s.as_object();
  const Value* any = o.find("anyOf");
  const Value* one = o.find("oneOf");
  if (any && one) unsupported("anyOf beside oneOf", ptr);
  const Value& list = any ? *any : *one;
  std::string key = any ? "/anyOf" : "/oneOf";
  if (!list.is_array() || list.as_array().empty()) invalid("'" + key.substr(1) + "' must be a non-empty array", ptr);
  // the other keywords apply to every branch: merged into each one
  chat::Object base;
  bool base_asserts = false;
  for (auto& [k, v] : o.items()) {
    if (k == "anyOf" || k == "oneOf") continue;
    base.set(k, v);
    if (is_assertion_keyword(k)) base_asserts = true;
  }
  std::vector<Value> branches;
  for (size_t i = 0; i < list.as_array().size(); ++i) {
    const Value& b = list.as_array()[i];
    branches.push_back(base_asserts ? merge(Value(base), b, ptr + key + "/" + std::to_string(i)) : b);
  }
  if (one && branches.size() > 1) {
    std::vector<OneOfCut> cuts;
    check_disjoint(branches, ptr + key, cuts);
    for (size_t i = 0; i < branches.size(); ++i) {
      if (cuts[i].require.empty() && cuts[i].forbid.empty()) continue;
      chat::Object cut, props;
      cut.set("type", "object");
      chat::Array req;
      for (auto& k : cuts[i].require) req.push_back(Value(k));
      cut.set("required", Value(std::move(req)));
      for (auto& k : cuts[i].forbid) props.set(k, Value(false));
      cut.set("properties", Value(std::move(props)));
      branches[i] = merge(branches[i], Value(std::move(cut)), ptr + key + "/" + std::to_string(i));
    }
  }
  std::vector<Expr> alts;
  for (size_t i = 0; i < branches.size(); ++i) alts.push_back(compile(branches[i], ptr + key + "/" + std::to_string(i)));
  return Expr::choice(std::move(alts));
}

Expr Compiler::compile_typed(const Value& s, const std::string& ptr) {
  const chat::Object& o = s.as_object();
  uint32_t types = kAllTypes;
  if (const Value* t = o.find("type")) {
    types = 0;
    auto add = [&](const Value& name) {
      if (!name.is_string() || !type_bit(name.as_string())) invalid("unknown type " + json_text(name), ptr + "/type");
      types |= type_bit(name.as_string());
    };
    if (t->is_array()) for (const Value& n : t->as_array()) add(n);
    else add(*t);
  }
  if (const Value* n = o.find("not")) {
    // only `not` of types (or of everything / nothing) is compiled
    if (n->is_bool()) { if (n->as_bool()) return Expr::nothing(); }
    else if (!n->is_object()) invalid("'not' must be a schema", ptr);
    else {
      uint32_t banned = 0;
      for (auto& [k, v] : n->as_object().items()) {
        if (k == "type") {
          if (v.is_string() && type_bit(v.as_string())) banned |= type_bit(v.as_string());
          else if (v.is_array()) for (const Value& x : v.as_array()) banned |= x.is_string() ? type_bit(x.as_string()) : 0;
        } else if (is_assertion_keyword(k)) unsupported("keyword 'not' (other than of a type)", ptr + "/not");
      }
      if (!n->as_object().find("type")) return Expr::nothing();  // not {} matches nothing
      types &= ~banned;
    }
  }
  if (o.find("enum") || o.find("const")) return compile_enum(s, ptr, types);
  std::vector<Expr> alts;
  if (types & kNull) alts.push_back(json_.null());
  if (types & kBoolean) alts.push_back(json_.boolean());
  if (types & kObject) alts.push_back(compile_object(s, ptr));
  if (types & kArray) alts.push_back(compile_array(s, ptr));
  if (types & kString) alts.push_back(compile_string(s, ptr));
  if (types & kInteger) alts.push_back(compile_number(s, ptr, !(types & kFraction)));
  else if (types & kFraction) unsupported("numbers that are not integers", ptr);
  return Expr::choice(std::move(alts));
}

Expr Compiler::compile_enum(const Value& s, const std::string& ptr, uint32_t types) {
  const chat::Object& o = s.as_object();
  std::vector<Value> values;
  if (const Value* e = o.find("enum")) {
    if (!e->is_array()) invalid("'enum' must be an array", ptr);
    if (e->as_array().size() > opt_.max_enum) unsupported("an enum of more than " + std::to_string(opt_.max_enum) + " values", ptr);
    values = e->as_array();
  }
  if (const Value* c = o.find("const")) {
    if (o.find("enum")) {
      std::vector<Value> kept;
      for (auto& v : values) if (json_equal(v, *c)) kept.push_back(v);
      values = kept;
    } else values = {*c};
  }
  // other keywords must hold for each value too: checked by compiling them apart
  chat::Object rest;
  bool constrains = false;
  for (auto& [k, v] : o.items()) {
    if (k == "enum" || k == "const" || k == "type") continue;
    rest.set(k, v);
    if (is_assertion_keyword(k)) constrains = true;
  }
  std::vector<Expr> alts;
  std::vector<std::string> seen;
  for (const Value& v : values) {
    uint32_t t = value_type(v);
    if (!(t & types) && !(t == kInteger && (types & kFraction))) continue;
    if (constrains && !admits(Value(rest), v, ptr)) continue;
    std::string text = json_text(v);
    if (std::find(seen.begin(), seen.end(), text) != seen.end()) continue;
    seen.push_back(text);
    alts.push_back(Expr::literal(text));
  }
  return Expr::choice(std::move(alts));
}

bool Compiler::admits(const Value& schema, const Value& v, const std::string& ptr) {
  Compiler sub(root_, opt_);
  sub.opt_.allow_whitespace = false;
  uint32_t r = sub.b_.declare("root");
  sub.b_.define(r, sub.compile(schema, ptr));
  std::shared_ptr<Grammar> g;
  try {
    g = std::make_shared<Grammar>(sub.b_.build(r));
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kInvalidArgument) return false;  // matches nothing
    throw;
  }
  StackAutomaton a(g);
  std::string text = json_text(v);
  StateId st = a.walk(a.start(), text.data(), text.size());
  return st != kDeadState && a.accepting(st);
}

}  // namespace json_schema

Grammar compile_json_schema(const chat::Value& schema, const JsonSchemaOptions& options) {
  return json_schema::Compiler(schema, options).run();
}

Grammar compile_json_schema(const chat::Value& schema, const JsonFrame& frame, const JsonSchemaOptions& options) {
  return json_schema::Compiler(schema, options).run(&frame);
}

Grammar compile_json_schema(std::string_view schema_json, const JsonSchemaOptions& options) {
  chat::Value v = chat::parse_json(schema_json);
  return compile_json_schema(v, options);
}

Grammar json_any_value_grammar(const JsonSchemaOptions& options) {
  return compile_json_schema(chat::Value(true), options);
}

Grammar json_object_grammar(const JsonSchemaOptions& options) {
  chat::Object o;
  o.set("type", "object");
  return compile_json_schema(chat::Value(std::move(o)), options);
}

}  // namespace hearth::grammar
