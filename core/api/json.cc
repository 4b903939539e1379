#include "core/api/json.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/util/error.h"

namespace hearth::api {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Json document() {
    Json v = value(0);
    ws();
    if (i_ != s_.size()) error("unexpected trailing characters");
    return v;
  }

 private:
  [[noreturn]] void error(const std::string& what) {
    fail(ErrorCode::kInvalidArgument, "invalid JSON at byte " + std::to_string(i_) + ": " + what);
  }
  void ws() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool eat(char c) {
    ws();
    if (i_ < s_.size() && s_[i_] == c) { ++i_; return true; }
    return false;
  }
  void expect_word(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) error("unexpected token");
    i_ += w.size();
  }

  Json value(int depth) {
    if (depth > 64) error("nesting deeper than 64");
    ws();
    if (i_ >= s_.size()) error("unexpected end of input");
    char c = s_[i_];
    if (c == '{') {
      ++i_;
      Json obj{Json::Object{}};
      if (eat('}')) return obj;
      do {
        ws();
        if (i_ >= s_.size() || s_[i_] != '"') error("expected a string key");
        std::string key = string();
        if (!eat(':')) error("expected ':'");
        obj.set(std::move(key), value(depth + 1));  // a repeated key keeps the last value
      } while (eat(','));
      if (!eat('}')) error("expected ',' or '}'");
      return obj;
    }
    if (c == '[') {
      ++i_;
      Json::Array arr;
      if (eat(']')) return Json(std::move(arr));
      do arr.push_back(value(depth + 1));
      while (eat(','));
      if (!eat(']')) error("expected ',' or ']'");
      return Json(std::move(arr));
    }
    if (c == '"') return Json(string());
    if (c == 't') { expect_word("true"); return Json(true); }
    if (c == 'f') { expect_word("false"); return Json(false); }
    if (c == 'n') { expect_word("null"); return Json(nullptr); }
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    error("unexpected character");
  }

  Json number() {
    size_t start = i_;
    if (s_[i_] == '-') ++i_;
    auto digits = [&] {
      size_t d = i_;
      while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
      if (i_ == d) error("expected a digit");
    };
    digits();
    if (i_ < s_.size() && s_[i_] == '.') { ++i_; digits(); }
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      ++i_;
      if (i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-')) ++i_;
      digits();
    }
    std::string text(s_.substr(start, i_ - start));
    return Json(std::strtod(text.c_str(), nullptr));
  }

  uint32_t hex4() {
    if (i_ + 4 > s_.size()) error("truncated \\u escape");
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = s_[i_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= uint32_t(c - '0');
      else if (c >= 'a' && c <= 'f') v |= uint32_t(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= uint32_t(c - 'A' + 10);
      else error("bad hex digit in \\u escape");
    }
    return v;
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) out += char(cp);
    else if (cp < 0x800) { out += char(0xC0 | (cp >> 6)); out += char(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) {
      out += char(0xE0 | (cp >> 12)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F));
    } else {
      out += char(0xF0 | (cp >> 18)); out += char(0x80 | ((cp >> 12) & 0x3F));
      out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F));
    }
  }

  std::string string() {
    ++i_;  // opening quote
    std::string out;
    while (true) {
      if (i_ >= s_.size()) error("unterminated string");
      char c = s_[i_++];
      if (c == '"') return out;
      if (uint8_t(c) < 0x20) error("control character in string");
      if (c != '\\') { out += c; continue; }
      if (i_ >= s_.size()) error("unterminated escape");
      char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xD800 && cp < 0xDC00 && i_ + 1 < s_.size() && s_[i_] == '\\' && s_[i_ + 1] == 'u') {
            size_t save = i_;
            i_ += 2;
            uint32_t lo = hex4();
            if (lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            else i_ = save;
          }
          if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;  // lone surrogate
          append_utf8(out, cp);
          break;
        }
        default: error("bad escape");
      }
    }
  }

  std::string_view s_;
  size_t i_ = 0;
};

void dump_string(const std::string& s, std::string& out) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (uint8_t(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(uint8_t(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void dump_to(const Json& v, std::string& out) {
  switch (v.kind()) {
    case Json::Kind::kNull: out += "null"; break;
    case Json::Kind::kBool: out += v.as_bool() ? "true" : "false"; break;
    case Json::Kind::kNumber: {
      double d = v.as_number();
      char buf[32];
      if (!std::isfinite(d)) out += "null";
      else if (d == std::floor(d) && std::fabs(d) < 9.007199254740992e15) {
        std::snprintf(buf, sizeof buf, "%lld", (long long)d);
        out += buf;
      } else {
        std::snprintf(buf, sizeof buf, "%.17g", d);
        out += buf;
      }
      break;
    }
    case Json::Kind::kString: dump_string(v.as_string(), out); break;
    case Json::Kind::kArray: {
      out += '[';
      bool first = true;
      for (const Json& e : v.as_array()) {
        if (!first) out += ',';
        first = false;
        dump_to(e, out);
      }
      out += ']';
      break;
    }
    case Json::Kind::kObject: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.as_object()) {
        if (!first) out += ',';
        first = false;
        dump_string(k, out);
        out += ':';
        dump_to(e, out);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

Json Json::parse(std::string_view text) { return Parser(text).document(); }

std::string Json::dump() const {
  std::string out;
  dump_to(*this, out);
  return out;
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
