// The table of Jinja tests (`x is defined`, `x is not none`, ...), as jinja2 defines them.
#include <cmath>
#include <map>

#include "core/chat/runtime.h"

namespace hearth::chat {
namespace {

bool is_lower_str(const Value& v, bool upper) {
  if (!v.is_string()) return false;
  bool any = false;
  for (unsigned char c : v.as_string()) {
    if (std::isalpha(c)) {
      any = true;
      if (upper ? std::islower(c) : std::isupper(c)) return false;
    }
  }
  return any;
}

const std::map<std::string, TestFn>& tests() {
  static const std::map<std::string, TestFn> table = [] {
    std::map<std::string, TestFn> t;
    auto cmp = [](auto pred) {
      return [pred](const Value& v, const CallArgs& a) { return pred(v, arg(a, 0, nullptr)); };
    };
    t["defined"] = [](const Value& v, const CallArgs&) { return !v.is_undefined(); };
    t["undefined"] = [](const Value& v, const CallArgs&) { return v.is_undefined(); };
    t["none"] = [](const Value& v, const CallArgs&) { return v.is_null(); };
    t["boolean"] = [](const Value& v, const CallArgs&) { return v.is_bool(); };
    t["true"] = [](const Value& v, const CallArgs&) { return v.is_bool() && v.as_bool(); };
    t["false"] = [](const Value& v, const CallArgs&) { return v.is_bool() && !v.as_bool(); };
    t["integer"] = [](const Value& v, const CallArgs&) { return v.is_int(); };
    t["float"] = [](const Value& v, const CallArgs&) { return v.is_float(); };
    t["number"] = [](const Value& v, const CallArgs&) { return v.is_number() || v.is_bool(); };
    t["string"] = [](const Value& v, const CallArgs&) { return v.is_string(); };
    t["mapping"] = [](const Value& v, const CallArgs&) { return v.is_object(); };
    t["sequence"] = [](const Value& v, const CallArgs&) { return v.is_array() || v.is_string() || v.is_object(); };
    // jinja2: Undefined is iterable (as an empty sequence)
    t["iterable"] = [](const Value& v, const CallArgs&) { return v.is_array() || v.is_string() || v.is_object() || v.is_undefined(); };
    t["callable"] = [](const Value& v, const CallArgs&) { return v.is_function(); };
    t["odd"] = [](const Value& v, const CallArgs&) { return v.is_int() && ((v.as_int() % 2) + 2) % 2 == 1; };
    t["even"] = [](const Value& v, const CallArgs&) { return v.is_int() && v.as_int() % 2 == 0; };
    t["divisibleby"] = cmp([](const Value& v, const Value& n) {
      return v.is_int() && n.is_int() && n.as_int() != 0 && v.as_int() % n.as_int() == 0;
    });
    t["lower"] = [](const Value& v, const CallArgs&) { return is_lower_str(v, false); };
    t["upper"] = [](const Value& v, const CallArgs&) { return is_lower_str(v, true); };
    t["eq"] = t["equalto"] = t["=="] = cmp([](const Value& a, const Value& b) { return a == b; });
    t["ne"] = t["!="] = cmp([](const Value& a, const Value& b) { return a != b; });
    t["lt"] = t["lessthan"] = t["<"] = cmp([](const Value& a, const Value& b) { return less_than(a, b); });
    t["gt"] = t["greaterthan"] = t[">"] = cmp([](const Value& a, const Value& b) { return less_than(b, a); });
    t["le"] = t["<="] = cmp([](const Value& a, const Value& b) { return !less_than(b, a); });
    t["ge"] = t[">="] = cmp([](const Value& a, const Value& b) { return !less_than(a, b); });
    t["sameas"] = cmp([](const Value& a, const Value& b) { return a.same_object(b); });
    t["in"] = cmp([](const Value& a, const Value& b) {
      if (b.is_string()) return a.is_string() && b.as_string().find(a.as_string()) != std::string::npos;
      for (const Value& x : iterate(b))
        if (x == a) return true;
      return false;
    });
    return t;
  }();
  return table;
}

}  // namespace

const TestFn* find_test(const std::string& name) {
  auto it = tests().find(name);
  return it == tests().end() ? nullptr : &it->second;
}

bool apply_test(const std::string& name, const Value& input, const CallArgs& args) {
  const TestFn* t = find_test(name);
  if (!t) runtime_error("no test named '" + name + "'");
  return (*t)(input, args);
}

}  // namespace hearth::chat
