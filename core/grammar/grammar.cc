#include "core/grammar/grammar.h"

#include <functional>

#include "core/grammar/utf8_ranges.h"
#include "core/util/error.h"

namespace hearth::grammar {
namespace {

std::string byte_set_text(const ByteSet& s) {
  auto show = [](int b) {
    static const char* hex = "0123456789ABCDEF";
    std::string t;
    if (b >= 0x21 && b < 0x7F && b != '\\' && b != ']' && b != '-' && b != '^' && b != '"') {
      t.push_back(char(b));
    } else {
      t += "\\x";
      t.push_back(hex[b >> 4]);
      t.push_back(hex[b & 15]);
    }
    return t;
  };
  if (s.count() == 1) {
    for (int b = 0; b < 256; ++b) {
      if (!s.has(uint8_t(b))) continue;
      std::string t = "[";
      t += show(b);
      t += "]";
      return t;
    }
  }
  std::string out = "[";
  for (int b = 0; b < 256;) {
    if (!s.has(uint8_t(b))) { ++b; continue; }
    int e = b;
    while (e + 1 < 256 && s.has(uint8_t(e + 1))) ++e;
    out += show(b);
    if (e > b) {
      out += "-";
      out += show(e);
    }
    b = e + 1;
  }
  return out + "]";
}

}  // namespace

std::string Grammar::to_text() const {
  std::string out;
  for (const Rule& r : rules_) {
    out += r.name + " ::=";
    for (size_t a = 0; a < r.alternatives.size(); ++a) {
      if (a) out += " |";
      uint32_t p = r.alternatives[a];
      if (elements_[p].kind == Element::Kind::kEnd) out += " \"\"";
      for (; elements_[p].kind != Element::Kind::kEnd; ++p) {
        const Element& e = elements_[p];
        out += " ";
        out += e.kind == Element::Kind::kBytes ? byte_set_text(byte_sets_[e.value]) : rules_[e.value].name;
      }
    }
    out += "\n";
  }
  return out;
}

uint32_t GrammarBuilder::declare(const std::string& name) {
  uint32_t n = name_count_[name]++;
  Pending p;
  p.name = n == 0 ? name : name + "-" + std::to_string(n);
  rules_.push_back(std::move(p));
  return uint32_t(rules_.size() - 1);
}

void GrammarBuilder::define(uint32_t rule, const Expr& body) {
  if (rule >= rules_.size()) fail(ErrorCode::kInternal, "grammar: define() of an undeclared rule");
  if (rules_[rule].defined) fail(ErrorCode::kInvalidArgument, "grammar: rule '" + rules_[rule].name + "' is defined twice");
  auto alts = lower_alternatives(body);
  rules_[rule].alts = std::move(alts);
  rules_[rule].defined = true;
}

uint32_t GrammarBuilder::intern(const ByteSet& s) {
  auto [it, fresh] = byte_set_ids_.emplace(s, uint32_t(byte_sets_.size()));
  if (fresh) byte_sets_.push_back(s);
  return it->second;
}

void GrammarBuilder::check_size() {
  if (element_total_ > kMaxElements)
    fail(ErrorCode::kOutOfMemory, "grammar: more than " + std::to_string(kMaxElements) + " elements (a repeat or schema too large)");
}

uint32_t GrammarBuilder::helper(const std::string& kind, std::vector<std::vector<Element>> alts) {
  uint32_t id = declare(kind);
  for (auto& a : alts) element_total_ += a.size() + 1;
  check_size();
  rules_[id].alts = std::move(alts);
  rules_[id].defined = true;
  return id;
}

std::vector<std::vector<Element>> GrammarBuilder::lower_alternatives(const Expr& e) {
  std::vector<std::vector<Element>> alts;
  if (e.kind == Expr::Kind::kChoice) {
    for (const Expr& item : e.items) {
      alts.emplace_back();
      lower_sequence(item, alts.back());
    }
  } else {
    alts.emplace_back();
    lower_sequence(e, alts.back());
  }
  for (auto& a : alts) element_total_ += a.size() + 1;
  check_size();
  return alts;
}

Element GrammarBuilder::lower_one(const Expr& e) {
  std::vector<Element> seq;
  lower_sequence(e, seq);
  if (seq.size() == 1) return seq[0];
  std::vector<std::vector<Element>> alts;
  alts.push_back(std::move(seq));
  return Element{Element::Kind::kRule, helper("group", std::move(alts))};
}

void GrammarBuilder::lower_sequence(const Expr& e, std::vector<Element>& out) {
  using K = Expr::Kind;
  switch (e.kind) {
    case K::kEmpty:
      return;
    case K::kBytes:
      out.push_back({Element::Kind::kBytes, intern(e.bytes)});
      return;
    case K::kLiteral:
      for (unsigned char c : e.text) out.push_back({Element::Kind::kBytes, intern(ByteSet::single(c))});
      return;
    case K::kRef:
      out.push_back({Element::Kind::kRule, e.rule});
      return;
    case K::kSeq:
      for (const Expr& item : e.items) lower_sequence(item, out);
      return;
    case K::kChoice:
      out.push_back({Element::Kind::kRule, helper("alt", lower_alternatives(e))});
      return;
    case K::kCodepoints: {
      auto seqs = utf8_sequences(e.codepoints);
      ByteSet ascii;
      std::vector<Utf8Sequence> multi;
      for (auto& s : seqs) {
        if (s.size() == 1) ascii |= ByteSet::range(s[0].first, s[0].second);
        else multi.push_back(s);
      }
      if (multi.empty()) { out.push_back({Element::Kind::kBytes, intern(ascii)}); return; }
      std::string key;
      for (auto [lo, hi] : e.codepoints) key += std::to_string(lo) + "-" + std::to_string(hi) + ",";
      auto found = class_rules_.find(key);
      if (found != class_rules_.end()) { out.push_back({Element::Kind::kRule, found->second}); return; }
      std::vector<std::vector<Element>> alts;
      if (!ascii.empty()) alts.push_back({{Element::Kind::kBytes, intern(ascii)}});
      for (auto& s : multi) {
        std::vector<Element> a;
        for (auto [lo, hi] : s) a.push_back({Element::Kind::kBytes, intern(ByteSet::range(lo, hi))});
        alts.push_back(std::move(a));
      }
      uint32_t id = helper("char", std::move(alts));
      class_rules_.emplace(key, id);
      out.push_back({Element::Kind::kRule, id});
      return;
    }
    case K::kRepeat: {
      Element item = lower_one(e.items[0]);
      for (uint32_t i = 0; i < e.min; ++i) out.push_back(item);
      element_total_ += e.min;
      check_size();
      if (e.max == Expr::kUnbounded) {  // star ::= item star | ""  (a loop: the tail call is not a push)
        uint32_t star = declare("star");
        rules_[star].alts = {{item, {Element::Kind::kRule, star}}, {}};
        rules_[star].defined = true;
        element_total_ += 4;
        out.push_back({Element::Kind::kRule, star});
        return;
      }
      // up to k more: opt_k ::= item opt_(k-1) | ""
      uint32_t prev = UINT32_MAX;
      for (uint32_t k = 1; k <= e.max - e.min; ++k) {
        uint32_t opt = declare("opt");
        if (prev == UINT32_MAX) rules_[opt].alts = {{item}, {}};
        else rules_[opt].alts = {{item, {Element::Kind::kRule, prev}}, {}};
        rules_[opt].defined = true;
        element_total_ += 4;
        prev = opt;
      }
      check_size();
      if (prev != UINT32_MAX) out.push_back({Element::Kind::kRule, prev});
      return;
    }
  }
}

Grammar GrammarBuilder::build(uint32_t root) {
  const size_t n = rules_.size();
  if (root >= n) fail(ErrorCode::kInternal, "grammar: bad root rule");
  for (const Pending& r : rules_)
    if (!r.defined) fail(ErrorCode::kInvalidArgument, "grammar: rule '" + r.name + "' is used but never defined");

  // Productive rules (they match at least one string); alternatives through others are dropped.
  std::vector<char> productive(n, 0);
  auto element_productive = [&](const Element& e) {
    return e.kind == Element::Kind::kBytes ? !byte_sets_[e.value].empty() : bool(productive[e.value]);
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t r = 0; r < n; ++r) {
      if (productive[r]) continue;
      for (const auto& alt : rules_[r].alts) {
        bool ok = true;
        for (const Element& e : alt) ok = ok && element_productive(e);
        if (ok) { productive[r] = 1; changed = true; break; }
      }
    }
  }
  if (!productive[root]) fail(ErrorCode::kInvalidArgument, "grammar: rule '" + rules_[root].name + "' matches no text at all");
  for (Pending& r : rules_) {
    std::vector<std::vector<Element>> kept;
    for (auto& alt : r.alts) {
      bool ok = true;
      for (const Element& e : alt) ok = ok && element_productive(e);
      if (ok) kept.push_back(std::move(alt));
    }
    r.alts = std::move(kept);
  }

  // Nullable rules, then left recursion: r → s when s can start r without a byte consumed.
  std::vector<char> nullable(n, 0);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t r = 0; r < n; ++r) {
      if (nullable[r]) continue;
      for (const auto& alt : rules_[r].alts) {
        bool all = true;
        for (const Element& e : alt) all = all && e.kind == Element::Kind::kRule && nullable[e.value];
        if (all) { nullable[r] = 1; changed = true; break; }
      }
    }
  }
  std::vector<std::vector<uint32_t>> starts(n);
  for (size_t r = 0; r < n; ++r)
    for (const auto& alt : rules_[r].alts)
      for (const Element& e : alt) {
        if (e.kind != Element::Kind::kRule) break;
        starts[r].push_back(e.value);
        if (!nullable[e.value]) break;
      }
  std::vector<uint8_t> color(n, 0);  // 0 new, 1 on the path, 2 done
  std::vector<uint32_t> path;
  std::function<void(uint32_t)> visit = [&](uint32_t r) {
    color[r] = 1;
    path.push_back(r);
    for (uint32_t s : starts[r]) {
      if (color[s] == 1) {
        std::string cycle;
        bool on = false;
        for (uint32_t p : path) {
          if (p == s) on = true;
          if (on) cycle += rules_[p].name + " -> ";
        }
        fail(ErrorCode::kInvalidArgument, "grammar: left recursion (" + cycle + rules_[s].name + ")");
      }
      if (color[s] == 0) visit(s);
    }
    path.pop_back();
    color[r] = 2;
  };
  for (size_t r = 0; r < n; ++r) if (color[r] == 0) visit(uint32_t(r));

  Grammar g;
  g.byte_sets_ = byte_sets_;
  g.root_ = root;
  g.rules_.resize(n);
  for (size_t r = 0; r < n; ++r) {
    g.rules_[r].name = rules_[r].name;
    g.rules_[r].nullable = nullable[r];
    for (const auto& alt : rules_[r].alts) {
      g.rules_[r].alternatives.push_back(uint32_t(g.elements_.size()));
      g.elements_.insert(g.elements_.end(), alt.begin(), alt.end());
      g.elements_.push_back({Element::Kind::kEnd, uint32_t(r)});
    }
  }
  return g;
}

}  // namespace hearth::grammar
