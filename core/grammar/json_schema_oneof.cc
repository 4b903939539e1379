// oneOf is compiled as anyOf when no instance can satisfy two branches. That is proved from a
// summary of each branch: its possible types, its enum/const values, and for objects the required
// properties, the declared ones with const/enum values (discriminators), the forbidden ones and,
// where additional properties are refused, the declared names. Overlapping branches are cut to a
// subset that provably is disjoint (see below); branches that cannot be told apart are refused.
#include <algorithm>
#include <map>
#include <set>

#include "core/grammar/json_schema_compiler.h"
#include "core/util/error.h"

namespace hearth::grammar::json_schema {
namespace {

struct Summary {
  uint32_t types = kAllTypes;
  std::optional<std::vector<Value>> values;          // enum/const
  std::set<std::string> required;
  std::map<std::string, std::vector<Value>> discriminators;  // declared property → its const/enum values
  bool closed = false;                                // additionalProperties false, no patterns
  std::set<std::string> declared;
  std::set<std::string> forbidden;                    // properties whose schema is false
};

std::optional<std::vector<Value>> values_of(const Value& s) {
  std::optional<std::vector<Value>> out;
  if (const Value* e = get(s, "enum"); e && e->is_array()) out = e->as_array();
  if (const Value* c = get(s, "const")) {
    std::vector<Value> kept;
    if (out) { for (auto& v : *out) if (json_equal(v, *c)) kept.push_back(v); }
    else kept.push_back(*c);
    out = kept;
  }
  return out;
}

uint32_t types_keyword(const Value& s) {
  const Value* t = get(s, "type");
  if (!t) return kAllTypes;
  uint32_t bits = 0;
  if (t->is_string()) bits = type_bit(t->as_string());
  else if (t->is_array()) for (const Value& n : t->as_array()) if (n.is_string()) bits |= type_bit(n.as_string());
  return bits;
}

bool disjoint_values(const std::vector<Value>& a, const std::vector<Value>& b) {
  for (auto& x : a) for (auto& y : b) if (json_equal(x, y)) return false;
  return true;
}

}  // namespace

void Compiler::check_disjoint(const std::vector<Value>& branches, const std::string& ptr, std::vector<OneOfCut>& cuts) {
  cuts.assign(branches.size(), OneOfCut{});
  auto summarize = [&](const Value& b0, const std::string& bptr) {
    Summary s;
    if (b0.is_bool()) { if (!b0.as_bool()) s.types = 0; return s; }
    Value b = b0;
    try {
      if (get(b, "$ref") || get(b, "allOf")) b = flatten_merge(b, bptr);
    } catch (const Error&) {
      return s;  // nothing known
    }
    if (b.is_bool()) { if (!b.as_bool()) s.types = 0; return s; }
    s.types = types_keyword(b);
    for (const char* alt : {"anyOf", "oneOf"}) {
      const Value* l = get(b, alt);
      if (!l || !l->is_array()) continue;
      uint32_t any = 0;
      for (const Value& x : l->as_array()) {
        Value y = x;
        try { if (get(y, "$ref") || get(y, "allOf")) y = flatten_merge(y, bptr); } catch (const Error&) { any = kAllTypes; break; }
        any |= y.is_bool() ? (y.as_bool() ? kAllTypes : 0) : types_keyword(y);
      }
      s.types &= any;
    }
    s.values = values_of(b);
    if (s.values) {
      uint32_t vt = 0;
      for (auto& v : *s.values) vt |= value_type(v) == kInteger ? kInteger | kFraction : value_type(v);
      s.types &= vt;
    }
    const Value* props = get(b, "properties");
    if (const Value* r = get(b, "required"); r && r->is_array())
      for (const Value& k : r->as_array()) if (k.is_string()) s.required.insert(k.as_string());
    if (props && props->is_object()) {
      for (auto& [k, p] : props->as_object().items()) {
        if (p.is_bool() && !p.as_bool()) s.forbidden.insert(k);
        Value q = p;
        try { if (get(q, "$ref") || get(q, "allOf")) q = flatten_merge(q, bptr); } catch (const Error&) { continue; }
        if (q.is_object())
          if (auto v = values_of(q)) s.discriminators[k] = *v;
      }
    }
    const Value* ap = get(b, "additionalProperties");
    const Value* pp = get(b, "patternProperties");
    if (ap && ap->is_bool() && !ap->as_bool() && !(pp && pp->is_object() && pp->as_object().size())) {
      s.closed = true;
      if (props && props->is_object()) for (auto& [k, v] : props->as_object().items()) s.declared.insert(k);
    }
    return s;
  };
  std::vector<Summary> sums;
  for (size_t i = 0; i < branches.size(); ++i) sums.push_back(summarize(branches[i], ptr + "/" + std::to_string(i)));
  // No instance of a is in b, from a's required properties and b's declared ones.
  auto directed = [](const Summary& a, const Summary& b) {
    uint32_t overlap = a.types & b.types;
    if (!overlap) return true;
    if (a.values && b.values && disjoint_values(*a.values, *b.values)) return true;
    if (overlap & ~uint32_t(kObject)) return false;  // the rest speaks of objects only
    for (const std::string& k : a.required) {
      auto va = a.discriminators.find(k), vb = b.discriminators.find(k);
      if (va != a.discriminators.end() && vb != b.discriminators.end() && disjoint_values(va->second, vb->second)) return true;
      if (b.closed && !b.declared.count(k)) return true;
      if (b.forbidden.count(k)) return true;
    }
    return false;
  };
  auto disjoint = [&](const Summary& a, const Summary& b) { return directed(a, b) || directed(b, a); };
  // A branch that overlaps another is cut to the objects that have its discriminator (a property
  // whose values the other does not allow) or that lack a property the other requires: then no
  // instance it keeps is in the other. A subset of the branch, so still sound.
  std::vector<Summary> strong = sums;
  for (size_t i = 0; i < sums.size(); ++i) {
    for (size_t j = 0; j < sums.size(); ++j) {
      if (j == i || disjoint(sums[i], sums[j])) continue;
      bool done = false;
      for (auto& [k, vi] : sums[i].discriminators) {
        auto vj = sums[j].discriminators.find(k);
        if (vj == sums[j].discriminators.end() || !disjoint_values(vi, vj->second)) continue;
        strong[i].required.insert(k);
        cuts[i].require.push_back(k);
        done = true;
        break;
      }
      if (!done) {
        for (const std::string& k : sums[j].required) {
          if (sums[i].required.count(k)) continue;
          strong[i].forbidden.insert(k);
          cuts[i].forbid.push_back(k);
          done = true;
          break;
        }
      }
      if (done) strong[i].types &= kObject;
    }
  }
  // each kept branch against every other as written
  for (size_t i = 0; i < sums.size(); ++i)
    for (size_t j = 0; j < sums.size(); ++j)
      if (i != j && !disjoint(strong[i], sums[j]))
        unsupported("oneOf whose branches " + std::to_string(std::min(i, j)) + " and " + std::to_string(std::max(i, j)) + " may overlap", ptr);
}

}  // namespace hearth::grammar::json_schema
