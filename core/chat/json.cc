#include "core/chat/json.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "core/util/error.h"
#include "core/util/utf8.h"

namespace hearth::chat {

namespace {

class JsonParser {
 public:
  JsonParser(std::string_view s, int max_depth) : s_(s), max_depth_(max_depth) {}

  Value document() {
    Value v = value(0);
    skip_ws();
    if (pos_ != s_.size()) error("unexpected text after the JSON value");
    return v;
  }

 private:
  [[noreturn]] void error(const std::string& what) const {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < pos_ && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    fail(ErrorCode::kInvalidArgument,
         "invalid JSON at line " + std::to_string(line) + ", column " + std::to_string(col) + ": " + what);
  }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool eat(char c) {
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void expect(char c) {
    if (!eat(c)) error(std::string("expected '") + c + "'");
  }
  bool literal(const char* word) {
    size_t n = std::char_traits<char>::length(word);
    if (s_.compare(pos_, n, word) == 0) {
      pos_ += n;
      return true;
    }
    return false;
  }

  Value value(int depth) {
    if (depth > max_depth_) error("nesting deeper than " + std::to_string(max_depth_));
    skip_ws();
    if (pos_ >= s_.size()) error("unexpected end of input");
    char c = s_[pos_];
    if (c == '{') {
      ++pos_;
      Object o;
      if (eat('}')) return Value(std::move(o));
      do {
        skip_ws();
        if (pos_ >= s_.size() || s_[pos_] != '"') error("expected a string key");
        std::string key = string();
        expect(':');
        o.set(key, value(depth + 1));
      } while (eat(','));
      expect('}');
      return Value(std::move(o));
    }
    if (c == '[') {
      ++pos_;
      Array a;
      if (eat(']')) return Value(std::move(a));
      do a.push_back(value(depth + 1));
      while (eat(','));
      expect(']');
      return Value(std::move(a));
    }
    if (c == '"') return Value(string());
    if (literal("true")) return Value(true);
    if (literal("false")) return Value(false);
    if (literal("null")) return Value(nullptr);
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    error(std::string("unexpected character '") + c + "'");
  }

  // RFC 8259 grammar: -?digits(.digits)?([eE][+-]?digits)?; integers stay int64 while they fit.
  Value number() {
    size_t start = pos_;
    bool is_float = false;
    if (s_[pos_] == '-') ++pos_;
    digits();
    if (pos_ < s_.size() && s_[pos_] == '.') {
      is_float = true;
      ++pos_;
      digits();
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      is_float = true;
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      digits();
    }
    std::string text(s_.substr(start, pos_ - start));
    if (!is_float) {
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(text.c_str(), &end, 10);
      if (errno == 0) return Value(int64_t(v));
    }
    return Value(std::strtod(text.c_str(), nullptr));  // out-of-range integers become floats
  }
  void digits() {
    size_t first = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    if (pos_ == first) error("malformed number (expected a digit)");
  }

  uint32_t hex4() {
    if (pos_ + 4 > s_.size()) error("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= uint32_t(c - '0');
      else if (c >= 'a' && c <= 'f') v |= uint32_t(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= uint32_t(c - 'A' + 10);
      else error("bad \\u escape");
    }
    return v;
  }

  std::string string() {
    ++pos_;  // opening quote
    std::string out;
    while (true) {
      if (pos_ >= s_.size()) error("unterminated string");
      char c = s_[pos_++];
      if (c == '"') return out;
      if (uint8_t(c) < 0x20) error("control character in string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) error("unterminated string");
      char e = s_[pos_++];
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
          if (cp >= 0xD800 && cp < 0xDC00 && s_.compare(pos_, 2, "\\u") == 0) {
            size_t save = pos_;
            pos_ += 2;
            uint32_t lo = hex4();
            if (lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            else pos_ = save;
          }
          if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;  // a lone surrogate has no UTF-8 form
          append_utf8(out, cp);
          break;
        }
        default: error(std::string("bad escape '\\") + e + "'");
      }
    }
  }

  std::string_view s_;
  int max_depth_;
  size_t pos_ = 0;
};

void write_string(std::string& out, const std::string& s, bool ensure_ascii) {
  out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || (ensure_ascii && c == 0x7f)) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          out += b;
        } else if (ensure_ascii && c >= 0x80) {
          uint32_t cp = 0;
          int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
          cp = c & (0x3F >> extra);
          for (int k = 0; k < extra && i + 1 < s.size(); ++k) cp = (cp << 6) | (uint8_t(s[++i]) & 0x3F);
          char b[16];
          if (cp >= 0x10000) {
            cp -= 0x10000;
            std::snprintf(b, sizeof b, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
          } else {
            std::snprintf(b, sizeof b, "\\u%04x", cp);
          }
          out += b;
        } else {
          out += char(c);
        }
    }
  }
  out += '"';
}

void write(std::string& out, const Value& v, const JsonStyle& st, const std::string& item_sep, int level) {
  auto newline = [&](int lvl) {
    if (st.indent < 0) return;
    out += '\n';
    out.append(size_t(st.indent) * size_t(lvl), ' ');
  };
  switch (v.kind()) {
    case Value::Kind::kNull: out += "null"; return;
    case Value::Kind::kBool: out += v.as_bool() ? "true" : "false"; return;
    case Value::Kind::kInt: out += std::to_string(v.as_int()); return;
    case Value::Kind::kFloat: {
      std::string f = format_float(v.as_double());
      out += f == "nan" ? "NaN" : f == "inf" ? "Infinity" : f == "-inf" ? "-Infinity" : f;
      return;
    }
    case Value::Kind::kString: write_string(out, v.as_string(), st.ensure_ascii); return;
    case Value::Kind::kArray: {
      const Array& a = v.as_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (size_t i = 0; i < a.size(); ++i) {
        if (i) out += item_sep;
        newline(level + 1);
        write(out, a[i], st, item_sep, level + 1);
      }
      newline(level);
      out += ']';
      return;
    }
    case Value::Kind::kObject: {
      const Object& o = v.as_object();
      if (o.size() == 0) {
        out += "{}";
        return;
      }
      // json.dumps: keys are strings; int, float, bool and None keys are written as their JSON
      // text ("1", "2.5", "true", "null"); sort_keys sorts the keys as given (numbers by value)
      struct Item {
        Value key;
        std::string text;
        const Value* value;
      };
      std::vector<Item> items;
      for (size_t i = 0; i < o.size(); ++i) {
        Value key = o.key_at(i);
        std::string text;
        switch (key.kind()) {
          case Value::Kind::kString: text = key.as_string(); break;
          case Value::Kind::kBool: text = key.as_bool() ? "true" : "false"; break;
          case Value::Kind::kInt: text = std::to_string(key.as_int()); break;
          case Value::Kind::kFloat: text = format_float(key.as_double()); break;
          case Value::Kind::kNull: text = "null"; break;
          default: fail(ErrorCode::kInvalidArgument, "keys must be str, int, float, bool or None, not " + key.type_name());
        }
        items.push_back({key, text, &o.items()[i].second});
      }
      if (st.sort_keys)
        std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
          const bool an = !a.key.is_string() && !a.key.is_null(), bn = !b.key.is_string() && !b.key.is_null();
          if (a.key.is_string() && b.key.is_string()) return a.text < b.text;
          if (an && bn) return a.key.as_double() < b.key.as_double();
          fail(ErrorCode::kInvalidArgument, "'<' not supported between instances of '" + b.key.type_name() + "' and '" + a.key.type_name() + "'");
        });
      out += '{';
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out += item_sep;
        newline(level + 1);
        write_string(out, items[i].text, st.ensure_ascii);
        out += st.key_separator;
        write(out, *items[i].value, st, item_sep, level + 1);
      }
      newline(level);
      out += '}';
      return;
    }
    default:
      fail(ErrorCode::kInvalidArgument, "Object of type " + v.type_name() + " is not JSON serializable");
  }
}

}  // namespace

Value parse_json(std::string_view text, int max_depth) { return JsonParser(text, max_depth).document(); }

std::string to_json(const Value& value, const JsonStyle& style) {
  std::string item_sep = style.has_item_separator ? style.item_separator : style.indent >= 0 ? "," : ", ";
  std::string out;
  write(out, value, style, item_sep, 0);
  return out;
}

}  // namespace hearth::chat
