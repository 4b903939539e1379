#include "core/chat/lexer.h"

#include <cstring>

#include "core/util/error.h"
#include "core/util/utf8.h"

namespace hearth::chat {

void syntax_error(int line, int column, const std::string& message) {
  fail(ErrorCode::kInvalidArgument,
       "template syntax error at line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message);
}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  explicit Lexer(std::string src) : s_(std::move(src)) {}

  std::vector<Segment> run() {
    size_t pos = 0;
    bool strip_next = false;  // a `-` closed the previous tag: drop leading whitespace of the text
    while (pos <= s_.size()) {
      size_t tag = find_tag(pos);
      std::string text = s_.substr(pos, tag - pos);
      if (strip_next) {
        size_t k = 0;
        while (k < text.size() && is_space(text[k])) ++k;
        text.erase(0, k);
      }
      strip_next = false;
      if (tag >= s_.size()) {
        push_text(text, pos);
        break;
      }
      char kind = s_[tag + 1];
      char mark = tag + 2 < s_.size() ? s_[tag + 2] : 0;
      if (mark == '-') {
        size_t k = text.size();
        while (k > 0 && is_space(text[k - 1])) --k;
        text.resize(k);
      } else if (mark != '+' && kind != '{') {
        // lstrip_blocks: whitespace alone on its line before a block or comment
        size_t nl = text.rfind('\n');
        size_t l_pos = nl == std::string::npos ? 0 : nl + 1;
        bool line_start = l_pos > 0 || pos == 0 || s_[pos - 1] == '\n';
        if (line_start && l_pos < text.size()) {
          bool all_ws = true;
          for (size_t k = l_pos; k < text.size(); ++k) all_ws &= is_space(text[k]);
          if (all_ws) text.resize(l_pos);
        }
      }
      push_text(text, pos);
      size_t body = tag + 2 + (mark == '-' || mark == '+' ? 1 : 0);
      if (kind == '#') {
        size_t end = s_.find("#}", body);
        if (end == std::string::npos) error_at(tag, "unterminated comment");
        pos = end + 2;
        bool minus = end > body && s_[end - 1] == '-';
        bool plus = end > body && s_[end - 1] == '+';
        if (minus) strip_next = true;
        else if (!plus && pos < s_.size() && s_[pos] == '\n') ++pos;  // trim_blocks
        continue;
      }
      Segment seg;
      seg.kind = kind == '{' ? Segment::Kind::kExpression : Segment::Kind::kStatement;
      position(tag, seg.line, seg.column);
      size_t end = tokenize(body, kind == '{' ? '}' : '%', seg.tokens);
      // end points at the closing "}}" / "%}" (after any '-'/'+' marker)
      bool minus = s_[end - 1] == '-' && end - 1 >= body && !ends_in_operator_minus(seg);
      bool plus = s_[end - 1] == '+' && end - 1 >= body;
      pos = end + 2;
      if (minus) strip_next = true;
      else if (kind == '%' && !plus && pos < s_.size() && s_[pos] == '\n') ++pos;  // trim_blocks
      if (seg.kind == Segment::Kind::kStatement && seg.tokens.size() == 2 && seg.tokens[0].type == Token::Type::kName &&
          seg.tokens[0].text == "raw") {
        pos = raw_block(pos, strip_next);
        continue;
      }
      segs_.push_back(std::move(seg));
    }
    return std::move(segs_);
  }

 private:
  bool ends_in_operator_minus(const Segment&) const { return false; }

  void position(size_t offset, int& line, int& column) const {
    line = 1;
    column = 1;
    for (size_t i = 0; i < offset && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
  }
  [[noreturn]] void error_at(size_t offset, const std::string& msg) const {
    int l, c;
    position(offset, l, c);
    syntax_error(l, c, msg);
  }

  size_t find_tag(size_t pos) const {
    while (true) {
      size_t t = s_.find('{', pos);
      if (t == std::string::npos || t + 1 >= s_.size()) return s_.size();
      char n = s_[t + 1];
      if (n == '{' || n == '%' || n == '#') return t;
      pos = t + 1;
    }
  }

  void push_text(const std::string& text, size_t pos) {
    if (text.empty()) return;
    Segment seg;
    seg.kind = Segment::Kind::kText;
    seg.text = text;
    position(pos, seg.line, seg.column);
    segs_.push_back(std::move(seg));
  }

  // {% raw %} ... {% endraw %}: the body is text, untouched.
  size_t raw_block(size_t pos, bool strip_leading) {
    size_t search = pos;
    while (true) {
      size_t t = s_.find("{%", search);
      if (t == std::string::npos) error_at(pos, "missing {% endraw %}");
      size_t k = t + 2;
      bool minus = k < s_.size() && s_[k] == '-';
      if (k < s_.size() && (s_[k] == '-' || s_[k] == '+')) ++k;
      while (k < s_.size() && is_space(s_[k])) ++k;
      if (s_.compare(k, 6, "endraw") != 0) {
        search = t + 2;
        continue;
      }
      k += 6;
      while (k < s_.size() && is_space(s_[k])) ++k;
      bool end_minus = k < s_.size() && s_[k] == '-';
      bool end_plus = k < s_.size() && s_[k] == '+';
      if (end_minus || end_plus) ++k;
      if (s_.compare(k, 2, "%}") != 0) error_at(t, "malformed endraw");
      std::string text = s_.substr(pos, t - pos);
      if (strip_leading) {
        size_t a = 0;
        while (a < text.size() && is_space(text[a])) ++a;
        text.erase(0, a);
      }
      if (minus) {
        size_t b = text.size();
        while (b > 0 && is_space(text[b - 1])) --b;
        text.resize(b);
      }
      push_text(text, pos);
      size_t next = k + 2;
      if (end_minus) {
        while (next < s_.size() && is_space(s_[next])) ++next;
      } else if (!end_plus && next < s_.size() && s_[next] == '\n') {
        ++next;
      }
      return next;
    }
  }

  // Tokens from `pos` up to the closing delimiter (`}}` or `%}`, optionally preceded by -/+),
  // outside brackets. Returns the offset of the closing delimiter's first character.
  size_t tokenize(size_t pos, char closer, std::vector<Token>& out) {
    int depth = 0;
    size_t start_of_tag = pos;
    while (true) {
      while (pos < s_.size() && is_space(s_[pos])) ++pos;
      if (pos >= s_.size()) error_at(start_of_tag, closer == '}' ? "unexpected end of template, expected '}}'" : "unexpected end of template, expected '%}'");
      char c = s_[pos];
      if (depth == 0) {
        if (c == closer && pos + 1 < s_.size() && s_[pos + 1] == '}') {
          Token end{Token::Type::kEnd, "", 0, 0};
          position(pos, end.line, end.column);
          out.push_back(end);
          return pos;
        }
        if ((c == '-' || c == '+') && pos + 2 < s_.size() && s_[pos + 1] == closer && s_[pos + 2] == '}') {
          Token end{Token::Type::kEnd, "", 0, 0};
          position(pos, end.line, end.column);
          out.push_back(end);
          return pos + 1;
        }
      }
      Token tok;
      position(pos, tok.line, tok.column);
      if (is_name_start(c)) {
        size_t b = pos;
        while (pos < s_.size() && (is_name_start(s_[pos]) || is_digit(s_[pos]))) ++pos;
        tok.type = Token::Type::kName;
        tok.text = s_.substr(b, pos - b);
      } else if (is_digit(c)) {
        size_t b = pos;
        bool is_float = false;
        while (pos < s_.size() && (is_digit(s_[pos]) || s_[pos] == '_')) ++pos;
        if (pos + 1 < s_.size() && s_[pos] == '.' && is_digit(s_[pos + 1])) {
          is_float = true;
          ++pos;
          while (pos < s_.size() && (is_digit(s_[pos]) || s_[pos] == '_')) ++pos;
        }
        if (pos < s_.size() && (s_[pos] == 'e' || s_[pos] == 'E')) {
          size_t k = pos + 1;
          if (k < s_.size() && (s_[k] == '+' || s_[k] == '-')) ++k;
          if (k < s_.size() && is_digit(s_[k])) {
            is_float = true;
            pos = k;
            while (pos < s_.size() && is_digit(s_[pos])) ++pos;
          }
        }
        tok.type = is_float ? Token::Type::kFloat : Token::Type::kInt;
        for (size_t k = b; k < pos; ++k)
          if (s_[k] != '_') tok.text += s_[k];
      } else if (c == '\'' || c == '"') {
        tok.type = Token::Type::kString;
        tok.text = string_literal(pos);
      } else {
        static const char* kOps[] = {"**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=",
                                     "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"};
        tok.type = Token::Type::kOp;
        for (const char* op : kOps) {
          size_t n = std::strlen(op);
          if (s_.compare(pos, n, op) == 0) {
            tok.text = op;
            break;
          }
        }
        if (tok.text.empty()) error_at(pos, std::string("unexpected character '") + c + "'");
        pos += tok.text.size();
        if (tok.text == "(" || tok.text == "[" || tok.text == "{") ++depth;
        if (tok.text == ")" || tok.text == "]" || tok.text == "}") --depth;
        if (depth < 0) error_at(pos - 1, "unexpected '" + tok.text + "'");
      }
      out.push_back(std::move(tok));
    }
  }

  std::string string_literal(size_t& pos) {
    size_t start = pos;
    char q = s_[pos++];
    std::string out;
    while (true) {
      if (pos >= s_.size()) error_at(start, "unterminated string");
      char c = s_[pos++];
      if (c == q) return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos >= s_.size()) error_at(start, "unterminated string");
      char e = s_[pos++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '0': out += '\0'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case '\n': break;
        case 'x':
        case 'u':
        case 'U': {
          int n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          uint32_t cp = 0;
          for (int i = 0; i < n; ++i) {
            char h = pos < s_.size() ? s_[pos++] : 0;
            int d = is_digit(h) ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
            if (d < 0) error_at(pos - 1, "bad escape in string");
            cp = cp * 16 + uint32_t(d);
          }
          append_utf8(out, cp);
          break;
        }
        default: out += '\\'; out += e;
      }
    }
  }

  std::string s_;
  std::vector<Segment> segs_;
};

// Newlines normalised to \n and one trailing newline removed, as jinja2 does by default.
std::string normalise(const std::string& src) {
  std::string out;
  out.reserve(src.size());
  for (size_t i = 0; i < src.size(); ++i) {
    if (src[i] == '\r') {
      out += '\n';
      if (i + 1 < src.size() && src[i + 1] == '\n') ++i;
    } else {
      out += src[i];
    }
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

}  // namespace

std::vector<Segment> lex_template(const std::string& source) { return Lexer(normalise(source)).run(); }

}  // namespace hearth::chat
