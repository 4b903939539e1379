#include "core/grammar/gbnf_parser.h"

#include <cctype>
#include <map>
#include <string>

#include "core/util/error.h"
#include "core/util/utf8.h"

namespace hearth::grammar {
namespace {

constexpr uint32_t kMaxRepeat = 100'000;

class GbnfParser {
 public:
  explicit GbnfParser(std::string_view text) : s_(text) {}

  Grammar parse() {
    skip_space();
    while (i_ < s_.size()) {
      std::string name = parse_name();
      skip_space();
      if (!s_.substr(i_).starts_with("::=")) error("expected '::=' after rule name '" + name + "'");
      i_ += 3;
      uint32_t id = rule(name);
      if (builder_.defined(id)) error("rule '" + name + "' is defined twice");
      builder_.define(id, parse_choice());
      defined_[name] = true;
      if (i_ < s_.size() && s_[i_] == ')') error("unbalanced ')'");
    }
    for (auto& [name, id] : ids_)
      if (!defined_[name]) fail(ErrorCode::kInvalidArgument, "grammar: rule '" + name + "' is used but never defined");
    auto root = ids_.find("root");
    if (root == ids_.end()) fail(ErrorCode::kInvalidArgument, "grammar: no 'root' rule");
    return builder_.build(root->second);
  }

 private:
  [[noreturn]] void error(const std::string& what) {
    size_t line = 1, col = 1;
    for (size_t k = 0; k < i_ && k < s_.size(); ++k) {
      if (s_[k] == '\n') { ++line; col = 1; } else ++col;
    }
    fail(ErrorCode::kInvalidArgument, "grammar: " + what + " at line " + std::to_string(line) + ", column " + std::to_string(col));
  }

  uint32_t rule(const std::string& name) {
    auto [it, fresh] = ids_.emplace(name, 0);
    if (fresh) it->second = builder_.declare(name);
    return it->second;
  }

  static bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; }

  void skip_space() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '#') { while (i_ < s_.size() && s_[i_] != '\n') ++i_; }
      else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') ++i_;
      else break;
    }
  }

  std::string parse_name() {
    size_t start = i_;
    while (i_ < s_.size() && name_char(s_[i_])) ++i_;
    if (i_ == start) error("expected a rule name");
    return std::string(s_.substr(start, i_ - start));
  }

  // Is a `name ::=` next (the start of the following rule)?
  bool at_rule_start() {
    size_t k = i_;
    while (k < s_.size() && name_char(s_[k])) ++k;
    if (k == i_) return false;
    while (k < s_.size() && (s_[k] == ' ' || s_[k] == '\t' || s_[k] == '\n' || s_[k] == '\r')) ++k;
    return s_.substr(k).starts_with("::=");
  }

  Expr parse_choice() {
    std::vector<Expr> alts;
    alts.push_back(parse_sequence());
    while (i_ < s_.size() && s_[i_] == '|') {
      ++i_;
      alts.push_back(parse_sequence());
    }
    return alts.size() == 1 ? std::move(alts[0]) : Expr::choice(std::move(alts));
  }

  Expr parse_sequence() {
    std::vector<Expr> items;
    skip_space();
    while (i_ < s_.size() && s_[i_] != '|' && s_[i_] != ')' && !at_rule_start()) {
      Expr item = parse_primary();
      skip_space();
      item = parse_postfix(std::move(item));
      items.push_back(std::move(item));
      skip_space();
    }
    // an empty alternative is allowed: `a ::= "x" | ` matches "x" or nothing
    return Expr::seq(std::move(items));
  }

  Expr parse_postfix(Expr item) {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == '*') { ++i_; item = Expr::star(std::move(item)); }
      else if (c == '+') { ++i_; item = Expr::plus(std::move(item)); }
      else if (c == '?') { ++i_; item = Expr::optional(std::move(item)); }
      else if (c == '{') {
        ++i_;
        skip_space();
        uint32_t lo = parse_count(), hi = lo;
        skip_space();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          skip_space();
          hi = i_ < s_.size() && s_[i_] == '}' ? Expr::kUnbounded : parse_count();
          skip_space();
        }
        if (i_ >= s_.size() || s_[i_] != '}') error("expected '}'");
        ++i_;
        if (hi != Expr::kUnbounded && hi < lo) error("repeat {m,n} with n < m");
        item = Expr::repeat(std::move(item), lo, hi);
      } else break;
      skip_space();
    }
    return item;
  }

  uint32_t parse_count() {
    size_t start = i_;
    uint64_t v = 0;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
      v = v * 10 + uint64_t(s_[i_] - '0');
      if (v > kMaxRepeat) error("repeat count over " + std::to_string(kMaxRepeat));
      ++i_;
    }
    if (i_ == start) error("expected a number");
    return uint32_t(v);
  }

  Expr parse_primary() {
    char c = s_[i_];
    if (c == '"') return parse_literal();
    if (c == '[') return parse_class();
    if (c == '.') { ++i_; return Expr::chars({{0, kMaxCodepoint}}); }
    if (c == '(') {
      ++i_;
      Expr inner = parse_choice();
      if (i_ >= s_.size() || s_[i_] != ')') error("expected ')'");
      ++i_;
      return inner;
    }
    if (c == '<') error("<token> references are not supported");
    if (name_char(c)) return Expr::ref(rule(parse_name()));
    error(std::string("unexpected '") + c + "'");
  }

  uint32_t parse_hex(int digits) {
    uint32_t v = 0;
    for (int k = 0; k < digits; ++k) {
      if (i_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[i_]))) error("expected a hex digit");
      char h = s_[i_++];
      v = v * 16 + uint32_t(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : (std::tolower(h) - 'a' + 10));
    }
    return v;
  }

  // One character of a literal or class: a code point, decoding UTF-8 and escapes.
  uint32_t parse_char() {
    if (i_ >= s_.size()) error("unexpected end of text");
    unsigned char c = static_cast<unsigned char>(s_[i_]);
    if (c == '\\') {
      ++i_;
      if (i_ >= s_.size()) error("unexpected end of text after '\\'");
      char e = s_[i_++];
      switch (e) {
        case 'n': return '\n';
        case 'r': return '\r';
        case 't': return '\t';
        case '\\': case '"': case '[': case ']': case '-': case '^': return uint32_t(e);
        case 'x': return parse_hex(2);
        case 'u': return parse_hex(4);
        case 'U': return parse_hex(8);
        default: --i_; error(std::string("unknown escape '\\") + e + "'");
      }
    }
    const std::optional<uint32_t> cp = decode_utf8(s_, i_);
    if (!cp) error("invalid UTF-8");
    return *cp;
  }

  Expr parse_literal() {
    ++i_;
    std::string bytes;
    while (true) {
      if (i_ >= s_.size()) error("unterminated string literal");
      if (s_[i_] == '"') { ++i_; break; }
      bool escaped_byte = s_[i_] == '\\' && i_ + 1 < s_.size() && s_[i_ + 1] == 'x';
      uint32_t cp = parse_char();
      if (escaped_byte) bytes.push_back(char(cp));  // \xHH is a byte, as in llama.cpp
      else {
        if (cp > kMaxCodepoint || (cp >= 0xD800 && cp <= 0xDFFF)) error("invalid code point in literal");
        append_utf8(bytes, cp);
      }
    }
    return Expr::literal(std::move(bytes));
  }

  Expr parse_class() {
    ++i_;
    bool negated = false;
    if (i_ < s_.size() && s_[i_] == '^') { negated = true; ++i_; }
    CodepointRanges ranges;
    while (true) {
      if (i_ >= s_.size()) error("unterminated character class");
      if (s_[i_] == ']') { ++i_; break; }
      uint32_t lo = parse_char(), hi = lo;
      if (i_ + 1 < s_.size() && s_[i_] == '-' && s_[i_ + 1] != ']') {
        ++i_;
        hi = parse_char();
        if (hi < lo) error("class range out of order");
      }
      ranges.push_back({lo, hi});
    }
    return Expr::chars(std::move(ranges), negated);
  }

  std::string_view s_;
  size_t i_ = 0;
  GrammarBuilder builder_;
  std::map<std::string, uint32_t> ids_;
  std::map<std::string, bool> defined_;
};

}  // namespace

Grammar parse_gbnf(std::string_view text) { return GbnfParser(text).parse(); }

}  // namespace hearth::grammar
