#include "core/api/json.h"

#include <cmath>

#include "core/chat/json.h"
#include "core/util/error.h"

namespace hearth::api {
namespace {

constexpr int kMaxRequestDepth = 64;

Json from_chat_value(const chat::Value& v) {
  switch (v.kind()) {
    case chat::Value::Kind::kBool: return Json(v.as_bool());
    case chat::Value::Kind::kInt:
    case chat::Value::Kind::kFloat: return Json(v.as_double());
    case chat::Value::Kind::kString: return Json(v.as_string());
    case chat::Value::Kind::kArray: {
      Json::Array a;
      a.reserve(v.as_array().size());
      for (const chat::Value& e : v.as_array()) a.push_back(from_chat_value(e));
      return Json(std::move(a));
    }
    case chat::Value::Kind::kObject: {
      Json::Object o;
      o.reserve(v.as_object().size());
      for (const auto& [k, e] : v.as_object().items()) o.emplace_back(k, from_chat_value(e));
      return Json(std::move(o));
    }
    default: return Json(nullptr);  // parse_json yields nothing else
  }
}

}  // namespace

chat::Value to_chat_value(const Json& j) {
  switch (j.kind()) {
    case Json::Kind::kNull: return chat::Value(nullptr);
    case Json::Kind::kBool: return chat::Value(j.as_bool());
    case Json::Kind::kNumber: {
      double d = j.as_number();
      if (!std::isfinite(d)) return chat::Value(nullptr);  // JSON has no NaN or infinity
      if (d == std::floor(d) && std::fabs(d) < 9.007199254740992e15) return chat::Value(int64_t(d));
      return chat::Value(d);
    }
    case Json::Kind::kString: return chat::Value(j.as_string());
    case Json::Kind::kArray: {
      chat::Array a;
      a.reserve(j.as_array().size());
      for (const Json& e : j.as_array()) a.push_back(to_chat_value(e));
      return chat::Value(std::move(a));
    }
    case Json::Kind::kObject: {
      chat::Object o;
      for (const auto& [k, e] : j.as_object()) o.set(k, to_chat_value(e));
      return chat::Value(std::move(o));
    }
  }
  return chat::Value(nullptr);
}

Json Json::parse(std::string_view text) { return from_chat_value(chat::parse_json(text, kMaxRequestDepth)); }

std::string Json::dump() const {
  chat::JsonStyle compact;
  compact.item_separator = ",";
  compact.has_item_separator = true;
  compact.key_separator = ":";
  return chat::to_json(to_chat_value(*this), compact);
}

const Json* Json::find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (const auto& [k, v] : obj_)
    if (k == key) return &v;
  return nullptr;
}

void Json::set(std::string key, Json value) {
  if (kind_ == Kind::kNull) kind_ = Kind::kObject;
  for (auto& [k, v] : obj_)
    if (k == key) { v = std::move(value); return; }
  obj_.emplace_back(std::move(key), std::move(value));
}

double get_number(const Json& obj, std::string_view key, double fallback, double lo, double hi) {
  const Json* v = obj.find(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_number()) fail(ErrorCode::kInvalidArgument, "'" + std::string(key) + "' must be a number");
  double d = v->as_number();
  if (!(d >= lo && d <= hi))
    fail(ErrorCode::kInvalidArgument, "'" + std::string(key) + "' = " + std::to_string(d) + " is outside [" +
                                          std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return d;
}

int64_t get_integer(const Json& obj, std::string_view key, int64_t fallback, int64_t lo, int64_t hi) {
  const Json* v = obj.find(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_number() || v->as_number() != std::floor(v->as_number()))
    fail(ErrorCode::kInvalidArgument, "'" + std::string(key) + "' must be an integer");
  double d = v->as_number();
  if (!(d >= double(lo) && d <= double(hi)))
    fail(ErrorCode::kInvalidArgument, "'" + std::string(key) + "' = " + std::to_string((long long)d) +
                                          " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return int64_t(d);
}

bool get_bool(const Json& obj, std::string_view key, bool fallback) {
  const Json* v = obj.find(key);
  if (!v || v->is_null()) return fallback;
  if (!v->is_bool()) fail(ErrorCode::kInvalidArgument, "'" + std::string(key) + "' must be true or false");
  return v->as_bool();
}

}  // namespace hearth::api
