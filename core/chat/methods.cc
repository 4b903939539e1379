// Attribute and item lookup, iteration, and the Python str/dict methods templates call.
#include <algorithm>
#include <cctype>
#include <cstring>

#include "core/chat/runtime.h"
#include "core/util/error.h"

namespace hearth::chat {

void runtime_error(const std::string& message) { fail(ErrorCode::kInvalidArgument, message); }

Value arg(const CallArgs& a, size_t i, const char* name, Value dflt) {
  if (name)
    if (const Value* v = a.kwarg(name)) return *v;
  if (i < a.positional.size()) return a.positional[i];
  return dflt;
}

static void undefined_use(const Value& v) {
  runtime_error(v.undefined_hint().empty() ? "undefined value used" : v.undefined_hint());
}

Value call_value(const Value& callee, const CallArgs& args) {
  if (callee.is_undefined()) undefined_use(callee);
  if (!callee.is_function()) runtime_error("'" + callee.type_name() + "' object is not callable");
  return callee.as_function()(args);
}

static const char* kWhitespace = " \t\n\r\v\f";

static std::string strip_chars(const std::string& s, const Value& chars, bool left, bool right) {
  std::string set = chars.is_string() ? chars.as_string() : kWhitespace;
  size_t b = 0, e = s.size();
  if (left)
    while (b < e && set.find(s[b]) != std::string::npos) ++b;
  if (right)
    while (e > b && set.find(s[e - 1]) != std::string::npos) --e;
  return s.substr(b, e - b);
}

static Value split(const std::string& s, const Value& sep_v, const Value& max_v) {
  int64_t maxsplit = max_v.is_int() ? max_v.as_int() : -1;
  Array out;
  if (!sep_v.is_string()) {
    size_t i = 0;
    while (true) {
      while (i < s.size() && std::strchr(kWhitespace, s[i]) && s[i]) ++i;
      if (i >= s.size()) break;
      if (maxsplit >= 0 && int64_t(out.size()) == maxsplit) {
        size_t e = s.size();
        while (e > i && std::strchr(kWhitespace, s[e - 1])) --e;
        out.push_back(Value(s.substr(i, e - i)));
        break;
      }
      size_t j = i;
      while (j < s.size() && !std::strchr(kWhitespace, s[j])) ++j;
      out.push_back(Value(s.substr(i, j - i)));
      i = j;
    }
    return Value(std::move(out));
  }
  const std::string& sep = sep_v.as_string();
  if (sep.empty()) runtime_error("empty separator");
  size_t i = 0;
  while (true) {
    size_t j = s.find(sep, i);
    if (j == std::string::npos || (maxsplit >= 0 && int64_t(out.size()) == maxsplit)) {
      out.push_back(Value(s.substr(i)));
      break;
    }
    out.push_back(Value(s.substr(i, j - i)));
    i = j + sep.size();
  }
  return Value(std::move(out));
}

static std::string replace_all(const std::string& s, const std::string& from, const std::string& to, int64_t count) {
  std::string out;
  size_t i = 0;
  int64_t n = 0;
  if (from.empty()) return s;
  while (true) {
    size_t j = s.find(from, i);
    if (j == std::string::npos || (count >= 0 && n >= count)) break;
    out += s.substr(i, j - i) + to;
    i = j + from.size();
    ++n;
  }
  return out + s.substr(i);
}

static bool affix(const std::string& s, const Value& a, bool prefix) {
  auto one = [&](const std::string& p) {
    return p.size() <= s.size() && (prefix ? s.compare(0, p.size(), p) == 0 : s.compare(s.size() - p.size(), p.size(), p) == 0);
  };
  if (a.is_string()) return one(a.as_string());
  if (a.is_array()) {
    for (const Value& v : a.as_array())
      if (v.is_string() && one(v.as_string())) return true;
    return false;
  }
  runtime_error("startswith/endswith takes a string or a tuple of strings");
}

std::string to_upper(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
std::string to_lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
std::string to_title(const std::string& s) {
  std::string out = s;
  bool prev_letter = false;
  for (char& c : out) {
    bool letter = std::isalpha(static_cast<unsigned char>(c));
    if (letter) c = char(prev_letter ? std::tolower(static_cast<unsigned char>(c)) : std::toupper(static_cast<unsigned char>(c)));
    prev_letter = letter;
  }
  return out;
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Value string_method(const std::string& s, const std::string& name) {
  auto fn = [](auto f) { return Value::function(f); };
  if (name == "strip" || name == "lstrip" || name == "rstrip")
    return fn([s, name](const CallArgs& a) {
      return Value(strip_chars(s, arg(a, 0, nullptr), name != "rstrip", name != "lstrip"));
    });
  if (name == "split") return fn([s](const CallArgs& a) { return split(s, arg(a, 0, "sep"), arg(a, 1, "maxsplit")); });
  if (name == "startswith") return fn([s](const CallArgs& a) { return Value(affix(s, arg(a, 0, nullptr), true)); });
  if (name == "endswith") return fn([s](const CallArgs& a) { return Value(affix(s, arg(a, 0, nullptr), false)); });
  if (name == "upper") return fn([s](const CallArgs&) { return Value(to_upper(s)); });
  if (name == "lower") return fn([s](const CallArgs&) { return Value(to_lower(s)); });
  if (name == "title") return fn([s](const CallArgs&) { return Value(to_title(s)); });
  if (name == "capitalize")
    return fn([s](const CallArgs&) {
      std::string r = to_lower(s);
      if (!r.empty()) r[0] = char(std::toupper(static_cast<unsigned char>(r[0])));
      return Value(r);
    });
  if (name == "replace")
    return fn([s](const CallArgs& a) {
      Value from = arg(a, 0, nullptr), to = arg(a, 1, nullptr), count = arg(a, 2, "count");
      if (!from.is_string() || !to.is_string()) runtime_error("replace() arguments must be str");
      return Value(replace_all(s, from.as_string(), to.as_string(), count.is_int() ? count.as_int() : -1));
    });
  if (name == "find")
    return fn([s](const CallArgs& a) {
      Value sub = arg(a, 0, nullptr);
      if (!sub.is_string()) runtime_error("find() argument must be str");
      size_t p = s.find(sub.as_string());
      return Value(p == std::string::npos ? int64_t(-1) : int64_t(p));
    });
  if (name == "count")
    return fn([s](const CallArgs& a) {
      Value sub = arg(a, 0, nullptr);
      if (!sub.is_string() || sub.as_string().empty()) runtime_error("count() argument must be a non-empty str");
      int64_t n = 0;
      for (size_t p = s.find(sub.as_string()); p != std::string::npos; p = s.find(sub.as_string(), p + sub.as_string().size())) ++n;
      return Value(n);
    });
  if (name == "join")
    return fn([s](const CallArgs& a) {
      std::string out;
      bool first = true;
      for (const Value& v : iterate(arg(a, 0, nullptr))) {
        if (!first) out += s;
        first = false;
        out += v.str();
      }
      return Value(out);
    });
  if (name == "isdigit" || name == "isalpha" || name == "isspace" || name == "isalnum")
    return fn([s, name](const CallArgs&) {
      if (s.empty()) return Value(false);
      for (unsigned char c : s) {
        bool ok = name == "isdigit" ? std::isdigit(c) : name == "isalpha" ? std::isalpha(c) : name == "isspace" ? std::isspace(c) : std::isalnum(c);
        if (!ok) return Value(false);
      }
      return Value(true);
    });
  return Value::undefined("'str object' has no attribute '" + name + "'");
}

static Value dict_method(const Value& obj, const std::string& name) {
  if (name == "items")
    return Value::function([obj](const CallArgs&) {
      Array out;
      const Object& o = obj.as_object();
      for (size_t i = 0; i < o.size(); ++i) out.push_back(Value::make_tuple(Array{o.key_at(i), o.items()[i].second}));
      return Value(std::move(out));
    });
  if (name == "keys")
    return Value::function([obj](const CallArgs&) {
      Array out;
      for (size_t i = 0; i < obj.as_object().size(); ++i) out.push_back(obj.as_object().key_at(i));
      return Value(std::move(out));
    });
  if (name == "values")
    return Value::function([obj](const CallArgs&) {
      Array out;
      for (const auto& kv : obj.as_object().items()) out.push_back(kv.second);
      return Value(std::move(out));
    });
  if (name == "get")
    return Value::function([obj](const CallArgs& a) {
      Value key = arg(a, 0, nullptr);
      const Value* v = key.is_object() || (key.is_array() && !key.is_tuple()) ? nullptr : obj.as_object().find_key(key);
      return v ? *v : arg(a, 1, nullptr, Value(nullptr));
    });
  if (name == "update" || name == "pop" || name == "setdefault" || name == "clear" || name == "popitem")
    return Value::function([name](const CallArgs&) -> Value {
      runtime_error("access to attribute '" + name + "' of 'dict' object is unsafe.");
    });
  return Value();
}

static Value list_method(const std::string& name) {
  if (name == "append" || name == "pop" || name == "extend" || name == "insert" || name == "remove" || name == "clear" ||
      name == "sort" || name == "reverse")
    return Value::function([name](const CallArgs&) -> Value {
      runtime_error("access to attribute '" + name + "' of 'list' object is unsafe.");
    });
  return Value::undefined("'list object' has no attribute '" + name + "'");
}

static std::string object_desc(const Value& v) {
  if (v.is_null()) return "None";
  return "'" + v.type_name() + " object'";
}

Value get_attr(const Value& obj, const std::string& name) {
  switch (obj.kind()) {
    case Value::Kind::kUndefined: undefined_use(obj);
    case Value::Kind::kObject: {
      if (!obj.is_namespace()) {
        Value m = dict_method(obj, name);
        if (!m.is_undefined()) return m;
      }
      if (const Value* v = obj.as_object().find(name)) return *v;
      return Value::undefined(object_desc(obj) + " has no attribute '" + name + "'");
    }
    case Value::Kind::kString: return string_method(obj.as_string(), name);
    case Value::Kind::kArray: return list_method(name);
    default: return Value::undefined(object_desc(obj) + " has no attribute '" + name + "'");
  }
}

static int64_t normalise_index(int64_t i, size_t n) { return i < 0 ? i + int64_t(n) : i; }

Value get_item(const Value& obj, const Value& key) {
  switch (obj.kind()) {
    case Value::Kind::kUndefined: undefined_use(obj);
    case Value::Kind::kObject:
      if (key.is_string()) {
        if (const Value* v = obj.as_object().find_key(key)) return *v;
        if (!obj.is_namespace()) {
          Value m = dict_method(obj, key.as_string());
          if (!m.is_undefined()) return m;
        }
      } else if (const Value* v = obj.as_object().find_key(key)) {  // {1: 'a'}[1]; an unhashable key raises
        return *v;
      }
      return Value::undefined(object_desc(obj) + " has no attribute " + key.repr());
    case Value::Kind::kArray:
      if (key.is_int() || key.is_bool()) {
        int64_t i = normalise_index(key.is_bool() ? key.as_bool() : key.as_int(), obj.as_array().size());
        if (i >= 0 && i < int64_t(obj.as_array().size())) return obj.as_array()[size_t(i)];
        return Value::undefined(object_desc(obj) + " has no element " + key.str());
      }
      if (key.is_string()) return list_method(key.as_string());
      break;
    case Value::Kind::kString:
      if (key.is_int()) {
        Array chars = iterate(obj);
        int64_t i = normalise_index(key.as_int(), chars.size());
        if (i >= 0 && i < int64_t(chars.size())) return chars[size_t(i)];
        return Value::undefined(object_desc(obj) + " has no element " + key.str());
      }
      if (key.is_string()) return string_method(obj.as_string(), key.as_string());
      break;
    default: break;
  }
  return Value::undefined(object_desc(obj) + " has no attribute " + key.repr());
}

Value slice(const Value& obj, const Value& start_v, const Value& stop_v, const Value& step_v) {
  if (obj.is_undefined()) undefined_use(obj);
  Array items = obj.is_string() ? iterate(obj) : obj.is_array() ? obj.as_array() : Array();
  if (!obj.is_string() && !obj.is_array()) runtime_error("'" + obj.type_name() + "' object is not subscriptable");
  int64_t n = int64_t(items.size());
  int64_t step = step_v.is_int() ? step_v.as_int() : 1;
  if (step == 0) runtime_error("slice step cannot be zero");
  auto bound = [&](const Value& v, int64_t dflt) {
    if (!v.is_int()) return dflt;
    int64_t i = v.as_int();
    if (i < 0) i += n;
    if (step > 0) return std::clamp<int64_t>(i, 0, n);
    return std::clamp<int64_t>(i, -1, n - 1);
  };
  int64_t start = bound(start_v, step > 0 ? 0 : n - 1), stop = bound(stop_v, step > 0 ? n : -1);
  Array out;
  for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) out.push_back(items[size_t(i)]);
  if (obj.is_string()) {
    std::string s;
    for (const Value& c : out) s += c.as_string();
    return Value(s);
  }
  return obj.is_tuple() ? Value::make_tuple(std::move(out)) : Value(std::move(out));
}

std::vector<Value> iterate(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kUndefined: return {};
    case Value::Kind::kArray: return v.as_array();
    case Value::Kind::kObject: {
      std::vector<Value> keys;
      for (size_t i = 0; i < v.as_object().size(); ++i) keys.push_back(v.as_object().key_at(i));
      return keys;
    }
    case Value::Kind::kString: {
      std::vector<Value> chars;
      const std::string& s = v.as_string();
      for (size_t i = 0; i < s.size();) {
        size_t n = 1;
        unsigned char c = s[i];
        if (c >= 0xF0) n = 4;
        else if (c >= 0xE0) n = 3;
        else if (c >= 0xC0) n = 2;
        chars.push_back(Value(s.substr(i, n)));
        i += n;
      }
      return chars;
    }
    default: runtime_error("'" + v.type_name() + "' object is not iterable");
  }
}

}  // namespace hearth::chat
