#include "core/grammar/regex_parser.h"

#include <string>

#include "core/grammar/json_text.h"
#include "core/grammar/regex_ast.h"
#include "core/util/error.h"
#include "core/util/utf8.h"

namespace hearth::grammar {
using regex::Node;
namespace {

constexpr uint32_t kMaxCount = 10'000;   // largest {m,n} bound
constexpr size_t kMaxVariants = 64;      // anchor placements kept apart (see lower())

const CodepointRanges kDigit = {{'0', '9'}};
const CodepointRanges kWord = {{'0', '9'}, {'A', 'Z'}, {'_', '_'}, {'a', 'z'}};
const CodepointRanges kSpace = {{'\t', '\r'}, {' ', ' '}, {0xA0, 0xA0}, {0x1680, 0x1680}, {0x2000, 0x200A},
                                {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};
const CodepointRanges kDot = complement({{'\n', '\n'}, {'\r', '\r'}, {0x2028, 0x2029}});

class RegexParser {
 public:
  explicit RegexParser(std::string_view s) : s_(s) {}

  Node parse() {
    Node n = alternation();
    if (i_ < s_.size()) error("unbalanced ')'");
    return n;
  }

 private:
  [[noreturn]] void error(const std::string& what) {
    fail(ErrorCode::kInvalidArgument, "regex: " + what + " at offset " + std::to_string(i_) + " in /" + std::string(s_) + "/");
  }
  [[noreturn]] void unsupported(const std::string& what) {
    fail(ErrorCode::kUnsupported, "regex: " + what + " is not supported (in /" + std::string(s_) + "/)");
  }
  bool more() const { return i_ < s_.size(); }
  char peek() const { return s_[i_]; }

  Node alternation() {
    Node alt;
    alt.kind = Node::Kind::kAlt;
    alt.kids.push_back(sequence());
    while (more() && peek() == '|') {
      ++i_;
      alt.kids.push_back(sequence());
    }
    if (alt.kids.size() == 1) return std::move(alt.kids[0]);
    return alt;
  }

  Node sequence() {
    Node seq;
    while (more() && peek() != '|' && peek() != ')') {
      Node atom = primary();
      seq.kids.push_back(quantified(std::move(atom)));
    }
    return seq;
  }

  bool digits(uint32_t& v) {
    size_t start = i_;
    uint64_t x = 0;
    while (more() && peek() >= '0' && peek() <= '9') {
      x = std::min<uint64_t>(x * 10 + uint64_t(peek() - '0'), uint64_t(kMaxCount) + 1);
      ++i_;
    }
    v = uint32_t(x);
    return i_ > start;
  }

  Node quantified(Node atom) {
    while (more()) {
      char c = peek();
      uint32_t lo, hi;
      if (c == '*') { lo = 0; hi = Expr::kUnbounded; ++i_; }
      else if (c == '+') { lo = 1; hi = Expr::kUnbounded; ++i_; }
      else if (c == '?') { lo = 0; hi = 1; ++i_; }
      else if (c == '{') {
        size_t save = i_;
        ++i_;
        if (!digits(lo)) { i_ = save; return atom; }  // a literal '{' (Annex B)
        hi = lo;
        if (more() && peek() == ',') {
          ++i_;
          if (!digits(hi)) hi = Expr::kUnbounded;
        }
        if (!more() || peek() != '}') { i_ = save; return atom; }
        ++i_;
        if (lo > kMaxCount || (hi != Expr::kUnbounded && hi > kMaxCount))
          unsupported("a repeat count over " + std::to_string(kMaxCount));
        if (hi != Expr::kUnbounded && hi < lo) error("repeat {m,n} with n < m");
      } else break;
      if (more() && peek() == '?') ++i_;  // lazy: the same language
      if (atom.kind == Node::Kind::kStart || atom.kind == Node::Kind::kEnd) error("nothing to repeat");
      Node r;
      r.kind = Node::Kind::kRepeat;
      r.min = lo;
      r.max = hi;
      r.kids.push_back(std::move(atom));
      atom = std::move(r);
    }
    return atom;
  }

  static Node chars(CodepointRanges r) {
    Node n;
    n.kind = Node::Kind::kChars;
    n.chars = normalize(std::move(r));
    return n;
  }

  Node primary() {
    char c = peek();
    if (c == '(') {
      ++i_;
      if (more() && peek() == '?') {
        ++i_;
        if (more() && peek() == ':') ++i_;
        else if (more() && (peek() == '=' || peek() == '!')) unsupported("lookahead (?= (?!");
        else if (more() && peek() == '<' && i_ + 1 < s_.size() && (s_[i_ + 1] == '=' || s_[i_ + 1] == '!'))
          unsupported("lookbehind (?<= (?<!");
        else if (more() && (peek() == '<' || peek() == 'P')) {  // a named group: only the grouping matters
          if (peek() == 'P') ++i_;
          if (!more() || peek() != '<') unsupported("the group syntax (?P");
          while (more() && peek() != '>') ++i_;
          if (!more()) error("unterminated group name");
          ++i_;
        } else unsupported("inline flags or group syntax (?" + std::string(more() ? 1 : 0, more() ? peek() : ' '));
      }
      Node inner = alternation();
      if (!more() || peek() != ')') error("missing ')'");
      ++i_;
      return inner;
    }
    if (c == '[') return char_class();
    if (c == '.') { ++i_; return chars(kDot); }
    if (c == '^') { ++i_; Node n; n.kind = Node::Kind::kStart; return n; }
    if (c == '$') { ++i_; Node n; n.kind = Node::Kind::kEnd; return n; }
    if (c == '*' || c == '+' || c == '?') error("nothing to repeat");
    if (c == '\\') {
      CodepointRanges r;
      escape(r, false);
      return chars(std::move(r));
    }
    uint32_t cp = utf8();
    return chars({{cp, cp}});
  }

  uint32_t utf8() {
    const std::optional<uint32_t> cp = decode_utf8(s_, i_);
    if (!cp) error("invalid UTF-8");
    return *cp;
  }

  uint32_t hex(int n) {
    uint32_t v = 0;
    for (int k = 0; k < n; ++k) {
      if (!more() || !std::isxdigit(static_cast<unsigned char>(peek()))) error("expected a hex digit");
      char h = s_[i_++];
      v = v * 16 + uint32_t(std::isdigit(static_cast<unsigned char>(h)) ? h - '0' : std::tolower(h) - 'a' + 10);
    }
    return v;
  }

  // After a backslash; adds the escape's characters to out. Returns false for a class escape
  // (\d \w \s and negations), which cannot be a range end.
  bool escape(CodepointRanges& out, bool in_class) {
    ++i_;
    if (!more()) error("a pattern ending in '\\'");
    char e = s_[i_];
    auto add = [&](uint32_t cp) { out.push_back({cp, cp}); ++i_; return true; };
    auto add_set = [&](const CodepointRanges& r, bool neg) {
      CodepointRanges x = neg ? complement(r) : r;
      out.insert(out.end(), x.begin(), x.end());
      ++i_;
      return false;
    };
    switch (e) {
      case 'd': return add_set(kDigit, false);
      case 'D': return add_set(kDigit, true);
      case 'w': return add_set(kWord, false);
      case 'W': return add_set(kWord, true);
      case 's': return add_set(kSpace, false);
      case 'S': return add_set(kSpace, true);
      case 'n': return add('\n');
      case 'r': return add('\r');
      case 't': return add('\t');
      case 'f': return add('\f');
      case 'v': return add('\v');
      case 'b':
        if (in_class) return add('\b');
        unsupported("the word boundary \\b");
      case 'B': unsupported("the word boundary \\B");
      case '0':
        if (i_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_ + 1]))) unsupported("octal escapes");
        return add(0);
      case 'x': {
        ++i_;
        uint32_t v = hex(2);
        out.push_back({v, v});
        return true;
      }
      case 'u': {
        ++i_;
        uint32_t v;
        if (more() && peek() == '{') {
          ++i_;
          v = 0;
          size_t start = i_;
          while (more() && peek() != '}') v = v * 16 + hex(1);
          if (!more() || i_ == start || v > kMaxCodepoint) error("bad \\u{...} escape");
          ++i_;
        } else {
          v = hex(4);
          if (v >= 0xD800 && v <= 0xDBFF && i_ + 1 < s_.size() && s_[i_] == '\\' && s_[i_ + 1] == 'u') {
            size_t save = i_;
            i_ += 2;
            uint32_t lo = hex(4);
            if (lo >= 0xDC00 && lo <= 0xDFFF) v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
            else i_ = save;
          }
          if (v >= 0xD800 && v <= 0xDFFF) unsupported("a lone surrogate \\u" + std::to_string(v));
        }
        out.push_back({v, v});
        return true;
      }
      case 'p': case 'P': unsupported("Unicode property escapes \\p{...}");
      case 'c': unsupported("control escapes \\cX");
      case 'k': unsupported("named backreferences \\k<...>");
      default:
        if (e >= '1' && e <= '9') unsupported("backreferences \\" + std::string(1, e));
        if (std::isalnum(static_cast<unsigned char>(e))) unsupported(std::string("the escape \\") + e);
        out.push_back({0, 0});
        out.back().first = out.back().second = utf8();
        return true;
    }
  }

  Node char_class() {
    ++i_;
    bool negated = false;
    if (more() && peek() == '^') { negated = true; ++i_; }
    CodepointRanges r;
    while (true) {
      if (!more()) error("unterminated character class");
      if (peek() == ']') { ++i_; break; }
      CodepointRanges one;
      bool single = peek() == '\\' ? escape(one, true) : (one.push_back({0, 0}), one.back().first = one.back().second = utf8(), true);
      if (single && i_ + 1 < s_.size() && peek() == '-' && s_[i_ + 1] != ']') {
        ++i_;
        CodepointRanges end;
        bool single_end = peek() == '\\' ? escape(end, true) : (end.push_back({0, 0}), end.back().first = end.back().second = utf8(), true);
        if (!single_end) unsupported("a class escape as a range end");
        if (end[0].first < one[0].first) error("class range out of order");
        r.push_back({one[0].first, end[0].first});
        continue;
      }
      r.insert(r.end(), one.begin(), one.end());
    }
    return chars(negated ? complement(r) : r);
  }

  std::string_view s_;
  size_t i_ = 0;
};

// A way the pattern can match, with its anchors pulled out: `start` means it must begin at the start
// of the string, `end` that it must finish at the end.
struct Variant {
  bool start = false, end = false;
  Expr body;
};

class Lowering {
 public:
  Lowering(GrammarBuilder& b, RegexMode mode, std::string_view pattern) : b_(b), mode_(mode), pattern_(pattern) {}

  Expr run(const Node& root) {
    std::vector<Variant> vs = lower(root);
    std::vector<Expr> alts;
    for (Variant& v : vs) {
      std::vector<Expr> parts;
      if (mode_.search && !v.start) parts.push_back(any_star());
      parts.push_back(std::move(v.body));
      if (mode_.search && !v.end) parts.push_back(any_star());
      alts.push_back(Expr::seq(std::move(parts)));
    }
    return Expr::choice(std::move(alts));
  }

 private:
  [[noreturn]] void unsupported(const std::string& what) {
    fail(ErrorCode::kUnsupported, "regex: " + what + " is not supported (in /" + std::string(pattern_) + "/)");
  }

  Expr chars(const CodepointRanges& r) { return mode_.json_string ? json_class_char(r) : Expr::chars(r); }

  Expr any_star() {
    if (any_ == UINT32_MAX) {
      any_ = b_.declare("regex-any");
      b_.define(any_, Expr::star(any_char()));
    }
    return Expr::ref(any_);
  }

  static bool has_anchor(const std::vector<Variant>& vs) {
    for (auto& v : vs) if (v.start || v.end) return true;
    return false;
  }

  std::vector<Variant> lower(const Node& n) {
    using K = Node::Kind;
    switch (n.kind) {
      case K::kChars: return {{false, false, chars(n.chars)}};
      case K::kStart: return {{true, false, Expr::empty()}};
      case K::kEnd: return {{false, true, Expr::empty()}};
      case K::kAlt: {
        std::vector<Variant> out;
        for (const Node& k : n.kids) {
          auto vs = lower(k);
          for (auto& v : vs) out.push_back(std::move(v));
        }
        // variants with the same anchors merge into one choice
        std::vector<Variant> merged;
        for (int s = 0; s < 2; ++s)
          for (int e = 0; e < 2; ++e) {
            std::vector<Expr> alts;
            for (auto& v : out) if (v.start == bool(s) && v.end == bool(e)) alts.push_back(std::move(v.body));
            if (!alts.empty()) merged.push_back({bool(s), bool(e), Expr::choice(std::move(alts))});
          }
        return merged;
      }
      case K::kRepeat: {
        auto vs = lower(n.kids[0]);
        if (has_anchor(vs)) unsupported("an anchor inside a quantified group");
        return {{false, false, Expr::repeat(std::move(vs[0].body), n.min, n.max)}};
      }
      case K::kSeq: {
        std::vector<Variant> acc = {{false, false, Expr::empty()}};
        for (const Node& k : n.kids) {
          auto next = lower(k);
          std::vector<Variant> out;
          for (const Variant& a : acc)
            for (const Variant& c : next) {
              // ^ is only exact where nothing was consumed before it; $ where nothing follows
              if (c.start && a.body.kind != Expr::Kind::kEmpty) unsupported("'^' after text in the same branch");
              if (a.end && c.body.kind != Expr::Kind::kEmpty) unsupported("'$' before text in the same branch");
              out.push_back({a.start || c.start, a.end || c.end, Expr::seq({a.body, c.body})});
            }
          if (out.size() > kMaxVariants) unsupported("this many anchored alternatives");
          acc = std::move(out);
        }
        return acc;
      }
    }
    return {};
  }

  using Range = std::pair<uint64_t, uint64_t>;  // decoded characters, max kUnbounded for none
  static constexpr uint64_t kInf = UINT64_MAX;

  static Range length(const Node& n) {
    using K = Node::Kind;
    switch (n.kind) {
      case K::kChars: return {1, 1};
      case K::kStart: case K::kEnd: return {0, 0};
      case K::kSeq: {
        Range r{0, 0};
        for (const Node& k : n.kids) {
          Range x = length(k);
          r.first += x.first;
          r.second = r.second == kInf || x.second == kInf ? kInf : r.second + x.second;
        }
        return r;
      }
      case K::kAlt: {
        Range r{kInf, 0};
        for (const Node& k : n.kids) {
          Range x = length(k);
          r.first = std::min(r.first, x.first);
          r.second = std::max(r.second, x.second);
        }
        return r;
      }
      case K::kRepeat: {
        Range x = length(n.kids[0]);
        uint64_t hi = n.max == Expr::kUnbounded || x.second == kInf ? (x.second == 0 ? 0 : kInf) : x.second * n.max;
        return {x.first * n.min, hi};
      }
    }
    return {0, 0};
  }

  static bool anchored(const Node& n) {
    if (n.kind == Node::Kind::kStart || n.kind == Node::Kind::kEnd) return true;
    for (const Node& k : n.kids) if (anchored(k)) return true;
    return false;
  }

  // One anchor-free item as an Expr.
  Expr item(const Node& n) { return std::move(lower(n)[0].body); }

 public:
  std::optional<Expr> counted(const Node& root, uint64_t lo, uint64_t hi) {
    std::vector<const Node*> branches;
    if (root.kind == Node::Kind::kAlt) for (const Node& k : root.kids) branches.push_back(&k);
    else branches.push_back(&root);
    std::vector<Expr> alts;
    for (const Node* br : branches) {
      std::vector<const Node*> items;
      if (br->kind == Node::Kind::kSeq) for (const Node& k : br->kids) items.push_back(&k);
      else items.push_back(br);
      bool start = !mode_.search, end = !mode_.search;
      while (!items.empty() && items.front()->kind == Node::Kind::kStart) { start = true; items.erase(items.begin()); }
      while (!items.empty() && items.back()->kind == Node::Kind::kEnd) { end = true; items.pop_back(); }
      for (const Node* it : items) if (anchored(*it)) return std::nullopt;
      // the parts: the items, and the any-character runs an unanchored search adds
      struct Part { const Node* node; Range len; };
      std::vector<Part> parts;
      if (!start) parts.push_back({nullptr, {0, kInf}});
      for (const Node* it : items) parts.push_back({it, length(*it)});
      if (!end) parts.push_back({nullptr, {0, kInf}});
      Range total{0, 0};
      int variable = -1, variables = 0;
      for (size_t i = 0; i < parts.size(); ++i) {
        Range x = parts[i].len;
        total.first += x.first;
        total.second = total.second == kInf || x.second == kInf ? kInf : total.second + x.second;
        if (x.first != x.second) { ++variables; variable = int(i); }
      }
      if (total.second < lo || total.first > hi) continue;  // no match of this branch fits
      auto whole = [&](std::optional<int> skip, Expr replacement) {
        std::vector<Expr> seq;
        for (size_t i = 0; i < parts.size(); ++i) {
          if (skip && int(i) == *skip) seq.push_back(std::move(replacement));
          else seq.push_back(parts[i].node ? item(*parts[i].node) : any_star());
        }
        return Expr::seq(std::move(seq));
      };
      if (total.first >= lo && total.second <= hi) { alts.push_back(whole(std::nullopt, Expr::empty())); continue; }
      if (variables != 1) return std::nullopt;
      // the one variable part repeats a fixed-length unit: bound its count
      const Part& v = parts[variable];
      uint64_t fixed = total.first - v.len.first;
      uint64_t unit = 1, rmin = 0, rmax = kInf;
      Expr unit_expr;
      if (!v.node) {
        unit_expr = any_char();
      } else if (v.node->kind == Node::Kind::kRepeat) {
        Range u = length(v.node->kids[0]);
        if (u.first != u.second || u.first == 0) return std::nullopt;
        unit = u.first;
        rmin = v.node->min;
        rmax = v.node->max == Expr::kUnbounded ? kInf : v.node->max;
        unit_expr = item(v.node->kids[0]);
      } else {
        return std::nullopt;
      }
      uint64_t need = lo > fixed ? (lo - fixed + unit - 1) / unit : 0;
      uint64_t room = hi == kInf ? kInf : hi < fixed ? 0 : (hi - fixed) / unit;
      rmin = std::max(rmin, need);
      rmax = std::min(rmax, room);
      if (rmax != kInf && rmin > rmax) continue;
      if (rmin > kMaxCount || (rmax != kInf && rmax > kMaxCount)) return std::nullopt;
      alts.push_back(whole(variable, long_repeat(b_, unit_expr, uint32_t(rmin), rmax == kInf ? Expr::kUnbounded : uint32_t(rmax))));
    }
    return Expr::choice(std::move(alts));
  }

 private:
  Expr any_char() {
    if (mode_.json_string) return JsonRules(b_, false, 0).json_char();
    return Expr::chars({{0, kMaxCodepoint}});
  }

  GrammarBuilder& b_;
  RegexMode mode_;
  std::string_view pattern_;
  uint32_t any_ = UINT32_MAX;
};

}  // namespace

Expr parse_regex(std::string_view pattern, GrammarBuilder& b, RegexMode mode) {
  Node root = RegexParser(pattern).parse();
  return Lowering(b, mode, pattern).run(root);
}

std::optional<Expr> parse_regex_counted(std::string_view pattern, GrammarBuilder& b, RegexMode mode,
                                        uint32_t min_chars, uint32_t max_chars) {
  Node root = RegexParser(pattern).parse();
  uint64_t hi = max_chars == Expr::kUnbounded ? UINT64_MAX : max_chars;
  if (auto e = Lowering(b, mode, pattern).counted(root, min_chars, hi)) return e;
  return regex::counted_by_automaton(root, b, mode, min_chars, max_chars);
}

}  // namespace hearth::grammar
