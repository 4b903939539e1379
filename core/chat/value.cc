#include "core/chat/value.h"

#include <charconv>
#include <cstdlib>
#include <cstdio>
#include <cmath>

#include "core/util/error.h"

namespace hearth::chat {

const Value* Object::find(const std::string& key) const {
  for (const auto& kv : items_)
    if (kv.first == key) return &kv.second;
  return nullptr;
}

Value* Object::find(const std::string& key) {
  for (auto& kv : items_)
    if (kv.first == key) return &kv.second;
  return nullptr;
}

void Object::set(const std::string& key, Value v) {
  if (Value* e = find(key)) {
    *e = std::move(v);
  } else {
    items_.emplace_back(key, std::move(v));
    if (!typed_keys_.empty()) typed_keys_.emplace_back();
  }
}

// A non-string key's storage: a unit separator no JSON-given key starts with (a string key that
// does is stored escaped), then its kind and text.
static constexpr char kTypedKey = '\x1f';

std::string Object::key_of(const Value& key) {
  switch (key.kind()) {
    case Value::Kind::kString: return key.as_string().empty() || key.as_string()[0] != kTypedKey ? key.as_string() : kTypedKey + ("s" + key.as_string());
    case Value::Kind::kBool: return std::string(1, kTypedKey) + "i" + (key.as_bool() ? "1" : "0");
    case Value::Kind::kInt: return std::string(1, kTypedKey) + "i" + std::to_string(key.as_int());
    case Value::Kind::kFloat: {
      double d = key.as_double();
      if (d == std::floor(d) && std::fabs(d) < 9.2e18) return std::string(1, kTypedKey) + "i" + std::to_string(int64_t(d));
      return std::string(1, kTypedKey) + "f" + key.repr();
    }
    case Value::Kind::kNull: return std::string(1, kTypedKey) + "n";
    // jinja2's Undefined hashes and compares equal to every Undefined: {}[spec.type] with no
    // type is a miss, not an error (Hermes 3's tool template looks types up this way)
    case Value::Kind::kUndefined: return std::string(1, kTypedKey) + "u";
    case Value::Kind::kArray:
      if (key.is_tuple()) return std::string(1, kTypedKey) + "t" + key.repr();
      [[fallthrough]];
    default: throw Error(ErrorCode::kInvalidArgument, "unhashable type: '" + key.type_name() + "'");
  }
}

void Object::set_key(const Value& key, Value v) {
  const std::string stored = key_of(key);
  if (Value* e = find(stored)) {
    *e = std::move(v);  // Python keeps the first key ({1: 'a', True: 'b'} is {1: 'b'})
    return;
  }
  const bool typed = !typed_keys_.empty() || !key.is_string();
  if (typed) typed_keys_.resize(items_.size());
  items_.emplace_back(stored, std::move(v));
  if (typed) typed_keys_.push_back(key.is_string() ? Value() : key);
}

Value Object::key_at(size_t i) const {
  if (i < typed_keys_.size() && !typed_keys_[i].is_undefined()) return typed_keys_[i];
  const std::string& k = items_[i].first;
  if (k.size() == 2 && k[0] == kTypedKey && k[1] == 'u') return Value();
  return Value(k.size() > 1 && k[0] == kTypedKey && k[1] == 's' ? k.substr(2) : k);
}

bool Object::erase(const std::string& key) {
  for (size_t i = 0; i < items_.size(); ++i)
    if (items_[i].first == key) {
      items_.erase(items_.begin() + ptrdiff_t(i));
      if (i < typed_keys_.size()) typed_keys_.erase(typed_keys_.begin() + ptrdiff_t(i));
      return true;
    }
  return false;
}

const Value* CallArgs::kwarg(const std::string& name) const {
  for (const auto& kv : keyword)
    if (kv.first == name) return &kv.second;
  return nullptr;
}

bool Value::truthy() const {
  switch (kind()) {
    case Kind::kUndefined:
    case Kind::kNull: return false;
    case Kind::kBool: return as_bool();
    case Kind::kInt: return as_int() != 0;
    case Kind::kFloat: return as_double() != 0.0;
    case Kind::kString: return !as_string().empty();
    case Kind::kArray: return !as_array().empty();
    case Kind::kObject: return is_namespace_ || as_object().size() > 0;
    case Kind::kFunction: return true;
  }
  return false;
}

bool Value::same_object(const Value& o) const {
  if (kind() != o.kind()) return false;
  switch (kind()) {
    case Kind::kArray: return &as_array() == &o.as_array();
    case Kind::kObject: return &as_object() == &o.as_object();
    case Kind::kFunction: return &as_function() == &o.as_function();
    case Kind::kString: return as_string() == o.as_string();
    default: return *this == o;
  }
}

std::string Value::type_name() const {
  switch (kind()) {
    case Kind::kUndefined: return "Undefined";
    case Kind::kNull: return "NoneType";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kFloat: return "float";
    case Kind::kString: return "str";
    case Kind::kArray: return is_tuple_ ? "tuple" : "list";
    case Kind::kObject: return is_namespace_ ? "Namespace" : "dict";
    case Kind::kFunction: return "function";
  }
  return "?";
}

std::string format_float(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d < 0 ? "-inf" : "inf";
  char buf[64];
#if defined(__cpp_lib_to_chars)
  auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, r.ptr);
#else
  // emscripten's libc++ has no floating-point to_chars: the fewest correctly rounded digits that
  // read back as d (the same shortest round-trip digits, found by trying each precision)
  for (int p = 0; p <= 17; ++p) {
    std::snprintf(buf, sizeof buf, "%.*e", p, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  std::string sci(buf);
#endif
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  size_t e = sci.find('e');
  std::string digits;
  for (size_t i = 0; i < e; ++i)
    if (sci[i] != '.') digits += sci[i];
  int exp = std::stoi(sci.substr(e + 1));
  std::string out;
  if (exp < -4 || exp >= 16) {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    out += eb;
  } else if (exp < 0) {
    out = "0." + std::string(size_t(-exp - 1), '0') + digits;
  } else {
    size_t int_len = size_t(exp) + 1;
    if (digits.size() <= int_len) {
      out = digits + std::string(int_len - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, int_len) + "." + digits.substr(int_len);
    }
  }
  return neg ? "-" + out : out;
}

static std::string repr_string(const std::string& s) {
  bool has_single = s.find('\'') != std::string::npos, has_double = s.find('"') != std::string::npos;
  char q = has_single && !has_double ? '"' : '\'';
  std::string out(1, q);
  for (unsigned char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c == q) out += std::string("\\") + char(q);
    else if (c < 0x20 || c == 0x7f) {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    } else out += char(c);
  }
  return out + q;
}

std::string Value::repr() const {
  switch (kind()) {
    case Kind::kString: return repr_string(as_string());
    case Kind::kArray: {
      std::string out = is_tuple_ ? "(" : "[";
      bool first = true;
      for (const Value& v : as_array()) {
        if (!first) out += ", ";
        first = false;
        out += v.repr();
      }
      if (is_tuple_ && as_array().size() == 1) out += ",";
      return out + (is_tuple_ ? ")" : "]");
    }
    case Kind::kObject: {
      std::string out = is_namespace_ ? "<Namespace {" : "{";
      bool first = true;
      const Object& o = as_object();
      for (size_t i = 0; i < o.size(); ++i) {
        if (!first) out += ", ";
        first = false;
        out += o.key_at(i).repr() + ": " + o.items()[i].second.repr();
      }
      return out + (is_namespace_ ? "}>" : "}");
    }
    default: return str();
  }
}

std::string Value::str() const {
  switch (kind()) {
    case Kind::kUndefined: return "";
    case Kind::kNull: return "None";
    case Kind::kBool: return as_bool() ? "True" : "False";
    case Kind::kInt: return std::to_string(as_int());
    case Kind::kFloat: return format_float(as_double());
    case Kind::kString: return as_string();
    case Kind::kFunction: return "<function>";
    default: return repr();
  }
}

size_t Value::length() const {
  switch (kind()) {
    case Kind::kUndefined: return 0;
    case Kind::kString: {
      size_t n = 0;  // code points, as Python counts
      for (unsigned char c : as_string()) n += (c & 0xC0) != 0x80;
      return n;
    }
    case Kind::kArray: return as_array().size();
    case Kind::kObject: return as_object().size();
    default: fail(ErrorCode::kInvalidArgument, "object of type '" + type_name() + "' has no len()");
  }
}

bool operator==(const Value& a, const Value& b) {
  using K = Value::Kind;
  bool a_num = a.is_number() || a.is_bool(), b_num = b.is_number() || b.is_bool();
  if (a_num && b_num) {
    if (a.is_float() || b.is_float()) return a.as_double() == b.as_double();
    int64_t x = a.is_bool() ? a.as_bool() : a.as_int(), y = b.is_bool() ? b.as_bool() : b.as_int();
    return x == y;
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case K::kUndefined:
    case K::kNull: return true;
    case K::kString: return a.as_string() == b.as_string();
    case K::kArray: return a.is_tuple() == b.is_tuple() && a.as_array() == b.as_array();
    case K::kObject: {
      const Object &x = a.as_object(), &y = b.as_object();
      if (x.size() != y.size()) return false;
      for (const auto& [k, v] : x.items()) {
        const Value* w = y.find(k);
        if (!w || !(*w == v)) return false;
      }
      return true;
    }
    case K::kFunction: return &a.as_function() == &b.as_function();
    default: return false;
  }
}

bool less_than(const Value& a, const Value& b) {
  bool a_num = a.is_number() || a.is_bool(), b_num = b.is_number() || b.is_bool();
  if (a_num && b_num) {
    if (a.is_float() || b.is_float()) return a.as_double() < b.as_double();
    int64_t x = a.is_bool() ? a.as_bool() : a.as_int(), y = b.is_bool() ? b.as_bool() : b.as_int();
    return x < y;
  }
  if (a.is_string() && b.is_string()) return a.as_string() < b.as_string();
  if (a.is_array() && b.is_array()) {
    const Array &x = a.as_array(), &y = b.as_array();
    for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
      if (less_than(x[i], y[i])) return true;
      if (less_than(y[i], x[i])) return false;
    }
    return x.size() < y.size();
  }
  fail(ErrorCode::kInvalidArgument,
       "'<' not supported between instances of '" + a.type_name() + "' and '" + b.type_name() + "'");
}

}  // namespace hearth::chat
