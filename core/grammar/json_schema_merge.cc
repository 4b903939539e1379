// allOf: the subschemas (and $ref targets with assertion siblings) merged into one schema, keyword
// by keyword: types intersected, properties and required joined, bounds tightened. A pair of
// keywords that cannot be merged exactly (two different patterns, two anyOf lists, ...) is refused.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/grammar/json_schema_compiler.h"
#include "core/util/error.h"

namespace hearth::grammar::json_schema {
namespace {

constexpr int kMaxRefDepth = 32;

const char* const kLower[] = {"minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum"};
const char* const kUpper[] = {"maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum"};

Value all_of(const Value& a, const Value& b) {
  if (a.is_bool() && a.as_bool()) return b;
  if (b.is_bool() && b.as_bool()) return a;
  if ((a.is_bool() && !a.as_bool()) || (b.is_bool() && !b.as_bool())) return Value(false);
  chat::Object o;
  o.set("allOf", Value(chat::Array{a, b}));
  return Value(std::move(o));
}

// Draft 4's boolean exclusiveMinimum/exclusiveMaximum in the later numeric form.
void normalize_bounds(chat::Object& o) {
  for (auto [bound, flag] : {std::pair{"minimum", "exclusiveMinimum"}, std::pair{"maximum", "exclusiveMaximum"}}) {
    Value* f = o.find(flag);
    if (!f || !f->is_bool()) continue;
    bool on = f->as_bool();
    const Value* b = o.find(bound);
    if (on && b) {
      Value v = *b;
      o.erase(bound);
      o.set(flag, v);
    } else o.erase(flag);
  }
}

uint32_t types_of(const Value& t) {
  uint32_t bits = 0;
  if (t.is_string()) return type_bit(t.as_string());
  if (t.is_array()) for (const Value& n : t.as_array()) if (n.is_string()) bits |= type_bit(n.as_string());
  return bits;
}

Value type_value(uint32_t bits) {
  chat::Array names;
  if (bits & kNull) names.push_back("null");
  if (bits & kBoolean) names.push_back("boolean");
  if (bits & kObject) names.push_back("object");
  if (bits & kArray) names.push_back("array");
  if (bits & kString) names.push_back("string");
  if ((bits & kNumber) == kNumber) names.push_back("number");
  else if (bits & kInteger) names.push_back("integer");
  return Value(std::move(names));
}

}  // namespace

void Compiler::flatten(const Value& s, const std::string& ptr, std::vector<Value>& out, int depth) {
  if (depth > kMaxRefDepth) unsupported("allOf/$ref nested deeper than " + std::to_string(kMaxRefDepth), ptr);
  if (s.is_bool()) { if (!s.as_bool()) out.push_back(s); return; }
  if (!s.is_object()) invalid("a schema must be an object or a boolean", ptr);
  chat::Object rest;
  for (auto& [k, v] : s.as_object().items()) {
    if (k == "$ref") {
      if (!v.is_string()) invalid("$ref must be a string", ptr);
      std::string target_ptr;
      const Value& target = resolve(v.as_string(), ptr + "/$ref", target_ptr);
      flatten(target, target_ptr, out, depth + 1);
    } else if (k == "allOf") {
      if (!v.is_array()) invalid("'allOf' must be an array", ptr);
      for (size_t i = 0; i < v.as_array().size(); ++i)
        flatten(v.as_array()[i], ptr + "/allOf/" + std::to_string(i), out, depth + 1);
    } else rest.set(k, v);
  }
  normalize_bounds(rest);
  out.push_back(Value(std::move(rest)));
}

Value Compiler::flatten_merge(const Value& s, const std::string& ptr) {
  std::vector<Value> parts;
  flatten(s, ptr, parts, 0);
  Value acc = Value(chat::Object{});
  for (const Value& p : parts) acc = merge(acc, p, ptr);
  return acc;
}

Value Compiler::merge(const Value& a0, const Value& b0, const std::string& ptr) {
  if (a0.is_bool()) return a0.as_bool() ? flatten_merge(b0, ptr) : a0;
  if (b0.is_bool()) return b0.as_bool() ? flatten_merge(a0, ptr) : b0;
  // both sides without $ref/allOf at the top
  Value a = (get(a0, "$ref") || get(a0, "allOf")) ? flatten_merge(a0, ptr) : a0;
  Value b = (get(b0, "$ref") || get(b0, "allOf")) ? flatten_merge(b0, ptr) : b0;
  if (a.is_bool() || b.is_bool()) return merge(a, b, ptr);
  chat::Object x = a.as_object(), y = b.as_object();
  normalize_bounds(x);
  normalize_bounds(y);
  chat::Object out = x;
  auto conflict = [&](const std::string& k) { unsupported("allOf with two different '" + k + "'", ptr); };

  // A property one side declares is, on the other side, an additional property (or one of its
  // patterns): both must hold.
  auto extra_schema = [&](const chat::Object& side, const std::string& key) -> Value {
    if (const Value* pp = side.find("patternProperties"); pp && pp->is_object() && pp->as_object().size())
      unsupported("allOf of properties with patternProperties", ptr);
    const Value* ap = side.find("additionalProperties");
    return ap ? *ap : Value(true);
  };
  const Value* px = x.find("properties");
  const Value* py = y.find("properties");
  if (px || py) {
    chat::Object props;
    chat::Object empty;
    const chat::Object& ox = px && px->is_object() ? px->as_object() : empty;
    const chat::Object& oy = py && py->is_object() ? py->as_object() : empty;
    for (auto& [k, v] : ox.items()) {
      const Value* w = oy.find(k);
      props.set(k, all_of(v, w ? *w : extra_schema(y, k)));
    }
    for (auto& [k, w] : oy.items())
      if (!ox.find(k)) props.set(k, all_of(extra_schema(x, k), w));
    out.set("properties", Value(std::move(props)));
  }

  for (auto& item : y.items()) {
    const std::string& k = item.first;  // not a structured binding: clang 14 cannot capture those
    const Value& v = item.second;
    const Value* mine = x.find(k);
    if (k == "properties") continue;
    if (!mine) { out.set(k, v); continue; }
    if (json_equal(*mine, v)) continue;
    if (k == "type") {
      out.set(k, type_value(types_of(*mine) & types_of(v)));
    } else if (k == "required") {
      if (!mine->is_array() || !v.is_array()) conflict(k);
      chat::Array req = mine->as_array();
      for (const Value& r : v.as_array())
        if (std::none_of(req.begin(), req.end(), [&](const Value& q) { return json_equal(q, r); })) req.push_back(r);
      out.set(k, Value(std::move(req)));
    } else if (k == "enum" || k == "const") {
      // both to one enum: the values in both
      auto list = [](const chat::Object& o) {
        chat::Array l;
        if (const Value* e = o.find("enum"); e && e->is_array()) l = e->as_array();
        if (const Value* c = o.find("const")) {
          chat::Array kept;
          if (o.find("enum")) { for (auto& q : l) if (json_equal(q, *c)) kept.push_back(q); }
          else kept.push_back(*c);
          l = kept;
        }
        return l;
      };
      chat::Array lx = list(x), ly = list(y), both;
      bool x_has = x.find("enum") || x.find("const");
      if (!x_has) both = ly;
      else for (auto& q : lx) if (std::any_of(ly.begin(), ly.end(), [&](const Value& r) { return json_equal(q, r); })) both.push_back(q);
      out.erase("const");
      out.set("enum", Value(std::move(both)));
    } else if (k == "additionalProperties" || k == "items" || k == "additionalItems" || k == "not") {
      if (k == "not") conflict(k);
      if (k == "items" && (mine->is_array() || v.is_array())) conflict(k);
      out.set(k, all_of(*mine, v));
    } else if (std::find_if(std::begin(kLower), std::end(kLower), [&](const char* n) { return k == n; }) != std::end(kLower)) {
      if (!mine->is_number() || !v.is_number()) conflict(k);
      out.set(k, mine->as_double() >= v.as_double() ? *mine : v);
    } else if (std::find_if(std::begin(kUpper), std::end(kUpper), [&](const char* n) { return k == n; }) != std::end(kUpper)) {
      if (!mine->is_number() || !v.is_number()) conflict(k);
      out.set(k, mine->as_double() <= v.as_double() ? *mine : v);
    } else if (k == "uniqueItems") {
      out.set(k, Value(mine->truthy() || v.truthy()));
    } else if (k == "multipleOf" && mine->is_int() && v.is_int() && mine->as_int() > 0 && v.as_int() > 0) {
      out.set(k, Value(int64_t(std::lcm(mine->as_int(), v.as_int()))));
    } else if (is_assertion_keyword(k)) {
      conflict(k);
    }
    // annotations and unknown keys: the first one stays
  }
  return Value(std::move(out));
}

}  // namespace hearth::grammar::json_schema
