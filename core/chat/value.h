// The value type of the chat-template engine: JSON's kinds (null, bool, int, float, string, array,
// object with insertion order) plus the two Jinja needs at run time, undefined and callable.
// Arrays and objects are shared by reference, as in Python: a namespace() or a list seen through two
// names is one object.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace hearth::chat {

class Value;
class Object;
struct CallArgs;
using Array = std::vector<Value>;
using Function = std::function<Value(const CallArgs&)>;

// Value is defined before the containers of it (Object, CallArgs): std::pair<std::string, Value>
// needs a complete Value under clang.
class Value {
 public:
  enum class Kind { kUndefined, kNull, kBool, kInt, kFloat, kString, kArray, kObject, kFunction };

  Value() = default;  // undefined
  Value(std::nullptr_t) : v_(Null{}) {}
  Value(bool b) : v_(b) {}
  Value(int i) : v_(int64_t(i)) {}
  Value(int64_t i) : v_(i) {}
  Value(double d) : v_(d) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(Array a);
  Value(Object o);
  static Value function(Function f) { Value v; v.v_ = std::make_shared<Function>(std::move(f)); return v; }
  static Value undefined(std::string hint = {}) { Value v; v.v_ = Undefined{std::move(hint)}; return v; }
  static Value array() { return Value(Array{}); }
  static Value object();
  // A namespace() object: attribute assignment allowed, printed as <Namespace>.
  static Value make_namespace(Object o);
  // A tuple: an array that prints as (a, b) and never equals a list.
  static Value make_tuple(Array a) { Value v(std::move(a)); v.is_tuple_ = true; return v; }
  // A Markup string (|safe, |escape): text already HTML-safe. Concatenated with `+` to a plain
  // string, the plain one is escaped, as jinja2's Markup does; otherwise it is a string.
  static Value markup(std::string s) { Value v(std::move(s)); v.is_markup_ = true; return v; }

  Kind kind() const { return Kind(v_.index()); }
  bool is_undefined() const { return kind() == Kind::kUndefined; }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_float() const { return kind() == Kind::kFloat; }
  bool is_number() const { return is_int() || is_float(); }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_markup() const { return is_markup_ && is_string(); }
  bool is_array() const { return kind() == Kind::kArray; }
  bool is_object() const { return kind() == Kind::kObject; }
  bool is_function() const { return kind() == Kind::kFunction; }
  bool is_namespace() const { return is_namespace_; }
  bool is_tuple() const { return is_tuple_; }

  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_double() const { return is_int() ? double(as_int()) : is_bool() ? double(as_bool()) : std::get<double>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const Array& as_array() const { return *std::get<std::shared_ptr<Array>>(v_); }
  Array& as_array() { return *std::get<std::shared_ptr<Array>>(v_); }
  const Object& as_object() const { return *std::get<std::shared_ptr<Object>>(v_); }
  Object& as_object() { return *std::get<std::shared_ptr<Object>>(v_); }
  const Function& as_function() const { return *std::get<std::shared_ptr<Function>>(v_); }
  const std::string& undefined_hint() const { return std::get<Undefined>(v_).hint; }

  bool truthy() const;                         // Python truthiness; undefined is false
  bool same_object(const Value& o) const;      // Python `is`
  std::string type_name() const;               // Python's type name: 'dict', 'list', 'str', ...
  std::string str() const;                     // Python str(): what {{ x }} prints
  std::string repr() const;                    // Python repr(): 'a', [1, 'b'], {'k': None}
  size_t length() const;                       // len(); throws for numbers

 private:
  struct Undefined { std::string hint; };
  struct Null {};
  std::variant<Undefined, Null, bool, int64_t, double, std::string, std::shared_ptr<Array>, std::shared_ptr<Object>,
               std::shared_ptr<Function>>
      v_;
  bool is_namespace_ = false;
  bool is_tuple_ = false;
  bool is_markup_ = false;
};

// Insertion-ordered map (Python dict order). Small: lookups are linear. Keys are strings, as JSON
// and templates mostly give them, or other hashable values from a dict literal ({1: 'a'}): those
// are stored under key_of(key), a string no plain key collides with, and keep the value the
// template gave (key_at), which is what keys(), items(), iteration and printing show.
class Object {
 public:
  const Value* find(const std::string& key) const;
  Value* find(const std::string& key);
  void set(const std::string& key, Value v);  // replaces in place or appends
  bool erase(const std::string& key);
  size_t size() const { return items_.size(); }
  // Storage keys (key_of's encoding for non-string keys) and values.
  const std::vector<std::pair<std::string, Value>>& items() const { return items_; }

  // Python's dict keys: 1, 1.0 and True are one key; lists and dicts are unhashable (an error).
  static std::string key_of(const Value& key);
  const Value* find_key(const Value& key) const { return find(key_of(key)); }
  void set_key(const Value& key, Value v);
  // The i-th key as the template gave it.
  Value key_at(size_t i) const;

 private:
  std::vector<std::pair<std::string, Value>> items_;
  // Parallel to items_ once a non-string key is set: the key's value (undefined for string keys).
  std::vector<Value> typed_keys_;
};

// Positional and keyword arguments of a call.
struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keyword;
  const Value* kwarg(const std::string& name) const;
};

// Defined here, once Object is complete (libc++ and clang need complete types for these).
inline Value::Value(Array a) : v_(std::make_shared<Array>(std::move(a))) {}
inline Value::Value(Object o) : v_(std::make_shared<Object>(std::move(o))) {}
inline Value Value::object() { return Value(Object{}); }
inline Value Value::make_namespace(Object o) {
  Value v(std::move(o));
  v.is_namespace_ = true;
  return v;
}

bool operator==(const Value& a, const Value& b);  // Python ==: 1 == 1.0 == True, deep for containers
inline bool operator!=(const Value& a, const Value& b) { return !(a == b); }
// Python ordering (<): numbers with numbers, strings with strings, sequences lexicographically;
// anything else throws Error(kInvalidArgument).
bool less_than(const Value& a, const Value& b);

// Python float repr: shortest round-trip digits, "1.0", "1e-05", "1e+16", "inf", "nan".
std::string format_float(double d);

}  // namespace hearth::chat
