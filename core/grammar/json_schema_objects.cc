// Objects and arrays.
//
// A declared key is written at most once, in the schema's order: the object is a chain of states
// S(i, c): declared properties before i are decided, c members are written (capped where
// min/maxProperties need no more; c is 0 or 1, "a comma is needed", without counts). Decision: no
// optional member anywhere around the required ones — that accepted 0.3% more dev-set schemas but
// let a key repeat, and a model looped on writing one optional member again and again. From S(i, c) the text may write property
// i (then S(i+1, c+1)), skip it if optional (S(i+1, c)), write an additional member (S(i, c+1)),
// or close once every required property is behind and c >= minProperties. So declared properties
// come in the schema's order, and additional ones anywhere between; the grammar has
// (properties + 1) x (cap + 1) rules, each of three alternatives at most.
//
// An additional member's key is never a declared name: where additionalProperties allows members,
// it is any key written without escapes that is not one of them (a trie of the names and its
// complement); where only patternProperties do, a key of the patterns (none of which may match a
// declared name). Its value must satisfy every pattern's schema (and additionalProperties), so no
// regex complement is needed: a key matching no pattern still gets a value valid for all.
#include <algorithm>
#include <array>
#include <map>

#include "core/grammar/json_schema_compiler.h"
#include "core/grammar/regex_parser.h"
#include "core/util/error.h"

namespace hearth::grammar::json_schema {
namespace {

// Decodes UTF-8 to code points (the names come from parsed JSON, so they are valid).
std::vector<uint32_t> code_points(const std::string& s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : c >> 5 == 6 ? 2 : c >> 4 == 14 ? 3 : 4;
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (int k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

// The characters a key may hold unescaped.
const CodepointRanges& raw_key_chars() {
  static const CodepointRanges r = complement({{0, 0x1F}, {'"', '"'}, {'\\', '\\'}});
  return r;
}

struct TrieNode {
  bool terminal = false;
  std::map<uint32_t, TrieNode> kids;
};

// Keys (raw characters only) whose text is none of the names below this node.
Expr complement_of(const TrieNode& node, const Expr& any_rest) {
  std::vector<Expr> alts;
  if (!node.terminal) alts.push_back(Expr::empty());
  CodepointRanges used;
  for (auto& [cp, kid] : node.kids) {
    used.push_back({cp, cp});
    alts.push_back(Expr::seq({Expr::chars({{cp, cp}}), complement_of(kid, any_rest)}));
  }
  CodepointRanges other = raw_key_chars();
  if (!used.empty()) {
    CodepointRanges cut = complement(used), keep;
    for (auto [lo, hi] : other)
      for (auto [clo, chi] : cut) {
        uint32_t a = std::max(lo, clo), z = std::min(hi, chi);
        if (a <= z) keep.push_back({a, z});
      }
    other = keep;
  }
  alts.push_back(Expr::seq({Expr::chars(other), any_rest}));
  return Expr::choice(std::move(alts));
}

}  // namespace

bool Compiler::pattern_matches(const std::string& pattern, const std::string& text, const std::string& ptr) {
  chat::Object o;
  o.set("type", "string");
  o.set("pattern", pattern);
  return admits(Value(std::move(o)), Value(text), ptr);
}

Expr Compiler::compile_object(const Value& s, const std::string& ptr) {
  const chat::Object& o = s.as_object();
  struct Member {
    std::string name;
    Value schema;
    bool required = false;
    std::string ptr;
  };
  std::vector<Member> members;
  const Value* props = o.find("properties");
  if (props && !props->is_object()) invalid("'properties' must be an object", ptr);
  const Value* pattern_props = o.find("patternProperties");
  if (pattern_props && !pattern_props->is_object()) invalid("'patternProperties' must be an object", ptr);
  const chat::Object empty;
  const chat::Object& patterns = pattern_props ? pattern_props->as_object() : empty;
  Value addl = o.find("additionalProperties") ? *o.find("additionalProperties") : Value(true);

  // The schemas of patterns a key matches, with the declared one (allOf of them all).
  auto with_patterns = [&](const std::string& key, std::vector<Value> schemas, bool& matched) {
    matched = false;
    for (size_t j = 0; j < patterns.items().size(); ++j) {
      auto& [pat, sch] = patterns.items()[j];
      if (pattern_matches(pat, key, ptr + "/patternProperties/" + pointer_escape(pat))) {
        schemas.push_back(sch);
        matched = true;
      }
    }
    if (schemas.empty()) return Value(true);
    if (schemas.size() == 1) return schemas[0];
    chat::Object all;
    all.set("allOf", Value(chat::Array(schemas)));
    return Value(std::move(all));
  };

  bool any_declared_matches = false;
  if (props) {
    for (auto& [name, sch] : props->as_object().items()) {
      bool matched;
      Member m{name, with_patterns(name, {sch}, matched), false, ptr + "/properties/" + pointer_escape(name)};
      any_declared_matches |= matched;
      if (const Value* r = get(sch, "required"); r && r->is_bool() && r->as_bool()) m.required = true;  // draft 3
      members.push_back(std::move(m));
    }
  }
  if (const Value* req = o.find("required")) {
    if (req->is_array()) {
      for (const Value& r : req->as_array()) {
        if (!r.is_string()) invalid("'required' must list strings", ptr + "/required");
        auto it = std::find_if(members.begin(), members.end(), [&](const Member& m) { return m.name == r.as_string(); });
        if (it != members.end()) { it->required = true; continue; }
        // required but not declared: an additional property, with the pattern or additional schema
        bool matched;
        Value sch = with_patterns(r.as_string(), {}, matched);
        if (!matched) sch = addl;
        any_declared_matches |= matched;
        members.push_back({r.as_string(), sch, true, ptr + "/required"});
      }
    } else if (!req->is_bool()) invalid("'required' must be an array", ptr + "/required");
  }
  uint32_t min_props = count_limit(o.find("minProperties"), "minProperties", ptr);
  const Value* max_v = o.find("maxProperties");
  uint32_t max_props = max_v ? count_limit(max_v, "maxProperties", ptr) : UINT32_MAX;

  // The additional members: key and value.
  Expr extra = Expr::nothing();
  bool addl_false = addl.is_bool() && !addl.as_bool();
  // With patterns, an additional member's value satisfies every pattern's schema (and the additional
  // one unless additionalProperties is false), whichever patterns its key matches: a subset that
  // needs no regex complement.
  Value value_schema = addl;
  if (patterns.size() > 0) {
    chat::Array all;
    for (auto& [pat, sch] : patterns.items()) all.push_back(sch);
    if (!addl_false) all.push_back(addl);
    chat::Object conj;
    conj.set("allOf", Value(std::move(all)));
    value_schema = Value(std::move(conj));
  }
  if (patterns.size() == 0 || !addl_false) {
    if (!addl_false) {
      TrieNode trie;
      for (const Member& m : members) {
        TrieNode* at = &trie;
        for (uint32_t cp : code_points(m.name)) at = &at->kids[cp];
        at->terminal = true;
      }
      Expr any_rest = Expr::star(Expr::chars(raw_key_chars()));
      Expr key = Expr::seq({Expr::literal("\""), complement_of(trie, any_rest), Expr::literal("\":")});
      extra = Expr::seq({key, json_.ws(), compile_rule(value_schema, ptr + "/additionalProperties", "additional")});
    }
  } else {
    // additionalProperties false: keys from the patterns, which must not take a declared name
    if (any_declared_matches) unsupported("patternProperties matching a declared property", ptr);
    std::vector<Expr> keys;
    for (auto& [pat, sch] : patterns.items()) keys.push_back(parse_regex(pat, b_, RegexMode{true, true}));
    Expr key = Expr::seq({Expr::literal("\""), Expr::choice(std::move(keys)), Expr::literal("\":")});
    extra = Expr::seq({key, json_.ws(), compile_rule(value_schema, ptr + "/patternProperties", "pattern-value")});
  }
  if (!extra.is_nothing()) {
    uint32_t r = b_.declare("extra-member");
    b_.define(r, extra);
    extra = Expr::ref(r);
  }

  const size_t n = members.size();
  uint32_t cap = std::max<uint32_t>(1, min_props);
  if (max_props != UINT32_MAX) cap = std::max(cap, max_props);
  if (uint64_t(n + 1) * (cap + 1) > opt_.max_object_states)
    unsupported("an object of " + std::to_string(n) + " properties counted to " + std::to_string(cap) + " (over the state limit)", ptr);
  std::vector<Expr> kv(n);
  for (size_t i = 0; i < n; ++i) {
    Expr value = compile_rule(members[i].schema, members[i].ptr, "property");
    if (value.is_nothing()) { kv[i] = Expr::nothing(); continue; }
    kv[i] = Expr::seq({Expr::literal(json_text(Value(members[i].name)) + ":"), json_.ws(), value});
    if (cap > 1) {
      uint32_t r = b_.declare("member");
      b_.define(r, kv[i]);
      kv[i] = Expr::ref(r);
    }
  }
  // S(i, c) rules, built back to front.
  std::vector<std::vector<uint32_t>> state(n + 1, std::vector<uint32_t>(cap + 1));
  for (size_t i = 0; i <= n; ++i)
    for (uint32_t c = 0; c <= cap; ++c) state[i][c] = b_.declare("object-" + std::to_string(i) + "-" + std::to_string(c));
  for (size_t i = n + 1; i-- > 0;) {
    for (uint32_t c = 0; c <= cap; ++c) {
      std::vector<Expr> alts;
      bool can_add = max_props == UINT32_MAX || c < max_props;
      uint32_t next = std::min(c + 1, cap);
      Expr sep = c > 0 ? Expr::seq({Expr::literal(","), json_.ws()}) : Expr::empty();
      if (i == n) {
        if (c >= min_props) alts.push_back(Expr::seq({c > 0 ? json_.ws() : Expr::empty(), Expr::literal("}")}));
      } else {
        if (!members[i].required) alts.push_back(Expr::ref(state[i + 1][c]));
        if (can_add && !kv[i].is_nothing()) alts.push_back(Expr::seq({sep, kv[i], Expr::ref(state[i + 1][next])}));
      }
      if (can_add && !extra.is_nothing()) alts.push_back(Expr::seq({sep, extra, Expr::ref(state[i][next])}));
      b_.define(state[i][c], Expr::choice(std::move(alts)));
    }
  }
  return Expr::seq({Expr::literal("{"), json_.ws(), Expr::ref(state[0][0])});
}

Expr Compiler::compile_array(const Value& s, const std::string& ptr) {
  const chat::Object& o = s.as_object();
  std::vector<const Value*> prefix;
  std::string prefix_key;
  Value rest = Value(true);
  std::string rest_ptr;
  const Value* items = o.find("items");
  if (const Value* p = o.find("prefixItems")) {
    if (!p->is_array()) invalid("'prefixItems' must be an array", ptr);
    for (const Value& v : p->as_array()) prefix.push_back(&v);
    prefix_key = "/prefixItems/";
    if (items) { rest = *items; rest_ptr = ptr + "/items"; }
  } else if (items && items->is_array()) {
    for (const Value& v : items->as_array()) prefix.push_back(&v);
    prefix_key = "/items/";
    if (const Value* a = o.find("additionalItems")) { rest = *a; rest_ptr = ptr + "/additionalItems"; }
  } else if (items) {
    rest = *items;
    rest_ptr = ptr + "/items";
  }
  uint32_t lo = count_limit(o.find("minItems"), "minItems", ptr);
  const Value* max_v = o.find("maxItems");
  uint32_t hi = max_v ? count_limit(max_v, "maxItems", ptr) : Expr::kUnbounded;
  if (const Value* u = o.find("uniqueItems"); u && u->truthy() && hi > 1)
    unsupported("keyword 'uniqueItems'", ptr);
  const uint32_t k = uint32_t(prefix.size());
  Expr close = Expr::seq({json_.ws(), Expr::literal("]")});
  Expr r = compile_rule(rest, rest_ptr, "item");
  // T(k): the items after the prefix
  Expr tail;
  if (hi != Expr::kUnbounded && hi <= k) {
    tail = k >= lo ? close : Expr::nothing();
  } else {
    Expr more = Expr::seq({Expr::literal(","), json_.ws(), r});
    uint32_t need = lo > k ? lo - k : 0;
    uint32_t room = hi == Expr::kUnbounded ? Expr::kUnbounded : hi - k;
    if (k == 0) {
      Expr some = Expr::seq({r, Expr::repeat(more, need > 0 ? need - 1 : 0, room == Expr::kUnbounded ? room : room - 1), close});
      tail = Expr::choice({need == 0 ? Expr::literal("]") : Expr::nothing(), some});
    } else {
      tail = Expr::seq({Expr::repeat(more, need, room), close});
    }
  }
  // T(j) for j < k, back to front
  for (uint32_t j = k; j-- > 0;) {
    Expr item = compile(*prefix[j], ptr + prefix_key + std::to_string(j));
    Expr sep = j > 0 ? Expr::seq({Expr::literal(","), json_.ws()}) : Expr::empty();
    Expr end = j >= lo ? (j > 0 ? close : Expr::literal("]")) : Expr::nothing();
    tail = Expr::choice({end, Expr::seq({sep, item, tail})});
  }
  return Expr::seq({Expr::literal("["), json_.ws(), tail});
}

}  // namespace hearth::grammar::json_schema
