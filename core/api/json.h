// A small JSON value for the C ABI's requests and replies. Numbers are doubles; objects keep
// insertion order. Text goes through core/chat/json (the one JSON reader and writer): parse and dump
// convert to and from chat::Value.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/chat/value.h"

namespace hearth::api {

class Json {
 public:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  using Array = std::vector<Json>;
  using Object = std::vector<std::pair<std::string, Json>>;

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool b) : kind_(Kind::kBool), bool_(b) {}
  Json(double d) : kind_(Kind::kNumber), num_(d) {}
  Json(int v) : kind_(Kind::kNumber), num_(v) {}
  Json(int64_t v) : kind_(Kind::kNumber), num_(double(v)) {}
  Json(uint64_t v) : kind_(Kind::kNumber), num_(double(v)) {}
  Json(const char* s) : kind_(Kind::kString), str_(s) {}
  Json(std::string s) : kind_(Kind::kString), str_(std::move(s)) {}
  Json(Array a) : kind_(Kind::kArray), arr_(std::move(a)) {}
  Json(Object o) : kind_(Kind::kObject), obj_(std::move(o)) {}

  // Throws Error(kInvalidArgument) with the line and column of the first syntax error; nesting
  // deeper than 64 is refused (the wasm stack is small).
  static Json parse(std::string_view text);
  // Compact; non-ASCII stays UTF-8; integers print without ".0", other numbers as the shortest text
  // that reads back to the same double; NaN and infinities print as null.
  std::string dump() const;

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_object() const { return kind_ == Kind::kObject; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool as_bool() const { return bool_; }
  double as_number() const { return num_; }
  const std::string& as_string() const { return str_; }
  const Array& as_array() const { return arr_; }
  const Object& as_object() const { return obj_; }

  const Json* find(std::string_view key) const;  // nullptr if absent or not an object
  void set(std::string key, Json value);         // object: append or replace

 private:
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  double num_ = 0;
  std::string str_;
  Array arr_;
  Object obj_;
};

// The template engine's value of j (integral numbers become ints, as JSON text would read back).
chat::Value to_chat_value(const Json& j);

// Typed field readers for request objects: absent or null → fallback; a wrong type or a value out
// of [lo, hi] → Error(kInvalidArgument) naming the field.
double get_number(const Json& obj, std::string_view key, double fallback, double lo, double hi);
int64_t get_integer(const Json& obj, std::string_view key, int64_t fallback, int64_t lo, int64_t hi);
bool get_bool(const Json& obj, std::string_view key, bool fallback);

}  // namespace hearth::api
