// A pattern under minLength/maxLength where the length cannot be moved onto one repeat: the
// pattern's Thompson NFA (epsilon moves, one character class per other state) times a count of the
// characters read. Rule R(q, n) reads state q's class at count n and goes on to every class state
// reachable from q's successor by epsilon moves at n + 1, or ends there when the final state is
// reachable and n + 1 >= min. Counts stop at max, or at min when there is no max (from there on
// any count will do), so the grammar has at most states x (count + 1) rules, and no epsilon rule
// (which would be left recursion).
#include <map>

#include "core/grammar/json_text.h"
#include "core/grammar/regex_ast.h"

namespace hearth::grammar::regex {
namespace {

constexpr size_t kMaxNfaStates = 20'000;
constexpr size_t kMaxProduct = 16'000;

struct Nfa {
  struct State {
    std::vector<uint32_t> eps;
    CodepointRanges cls;  // empty: no character move
    uint32_t next = UINT32_MAX;
  };
  std::vector<State> st;
  bool too_big = false;

  uint32_t add() {
    if (st.size() >= kMaxNfaStates) too_big = true;
    st.emplace_back();
    return uint32_t(st.size() - 1);
  }
  // A fragment for n: its entry and exit states. Anchors are refused by the caller first.
  std::pair<uint32_t, uint32_t> build(const Node& n) {
    uint32_t s = add(), e = add();
    if (too_big) return {s, e};
    switch (n.kind) {
      case Node::Kind::kChars:
        st[s].cls = n.chars;
        st[s].next = e;
        break;
      case Node::Kind::kStart: case Node::Kind::kEnd:
      case Node::Kind::kSeq: {
        uint32_t at = s;
        for (const Node& k : n.kids) {
          auto [ks, ke] = build(k);
          st[at].eps.push_back(ks);
          at = ke;
        }
        st[at].eps.push_back(e);
        break;
      }
      case Node::Kind::kAlt:
        for (const Node& k : n.kids) {
          auto [ks, ke] = build(k);
          st[s].eps.push_back(ks);
          st[ke].eps.push_back(e);
        }
        break;
      case Node::Kind::kRepeat: {
        uint32_t at = s;
        for (uint32_t i = 0; i < n.min && !too_big; ++i) {
          auto [ks, ke] = build(n.kids[0]);
          st[at].eps.push_back(ks);
          at = ke;
        }
        if (n.max == Expr::kUnbounded) {
          auto [ks, ke] = build(n.kids[0]);
          st[at].eps.push_back(ks);
          st[ke].eps.push_back(at);
          st[at].eps.push_back(e);
        } else {
          for (uint32_t i = n.min; i < n.max && !too_big; ++i) {
            auto [ks, ke] = build(n.kids[0]);
            st[at].eps.push_back(ks);
            st[at].eps.push_back(e);
            at = ke;
          }
          st[at].eps.push_back(e);
        }
        break;
      }
    }
    return {s, e};
  }
};

bool anchored(const Node& n) {
  if (n.kind == Node::Kind::kStart || n.kind == Node::Kind::kEnd) return true;
  for (const Node& k : n.kids) if (anchored(k)) return true;
  return false;
}

}  // namespace

std::optional<Expr> counted_by_automaton(const Node& root, GrammarBuilder& b, RegexMode mode, uint32_t min_chars,
                                         uint32_t max_chars) {
  Nfa nfa;
  uint32_t start = nfa.add(), final = nfa.add();
  auto any_loop = [&](uint32_t from) {  // any characters, then on
    uint32_t loop = nfa.add(), out = nfa.add();
    nfa.st[from].eps.push_back(loop);
    nfa.st[loop].cls = {{0, kMaxCodepoint}};
    nfa.st[loop].next = from;
    nfa.st[from].eps.push_back(out);
    return out;
  };
  std::vector<const Node*> branches;
  if (root.kind == Node::Kind::kAlt) for (const Node& k : root.kids) branches.push_back(&k);
  else branches.push_back(&root);
  for (const Node* br : branches) {
    std::vector<const Node*> items;
    if (br->kind == Node::Kind::kSeq) for (const Node& k : br->kids) items.push_back(&k);
    else items.push_back(br);
    bool at_start = !mode.search, at_end = !mode.search;
    while (!items.empty() && items.front()->kind == Node::Kind::kStart) { at_start = true; items.erase(items.begin()); }
    while (!items.empty() && items.back()->kind == Node::Kind::kEnd) { at_end = true; items.pop_back(); }
    for (const Node* it : items) if (anchored(*it)) return std::nullopt;
    uint32_t at = nfa.add();
    nfa.st[start].eps.push_back(at);
    if (!at_start) at = any_loop(at);
    for (const Node* it : items) {
      auto [s, e] = nfa.build(*it);
      nfa.st[at].eps.push_back(s);
      at = e;
    }
    if (!at_end) at = any_loop(at);
    nfa.st[at].eps.push_back(final);
  }
  if (nfa.too_big) return std::nullopt;

  // epsilon closures: the class states and whether the final state is reached
  const size_t n = nfa.st.size();
  std::vector<std::vector<uint32_t>> closure(n);
  std::vector<char> reaches_final(n, 0);
  std::vector<uint32_t> mark(n, UINT32_MAX), stack;
  std::vector<char> done(n, 0);
  auto close = [&](uint32_t q) -> const std::vector<uint32_t>& {
    if (done[q]) return closure[q];
    done[q] = 1;
    stack = {q};
    mark[q] = uint32_t(n + q);
    while (!stack.empty()) {
      uint32_t p = stack.back();
      stack.pop_back();
      if (p == final) reaches_final[q] = 1;
      if (nfa.st[p].next != UINT32_MAX) closure[q].push_back(p);
      for (uint32_t e : nfa.st[p].eps)
        if (mark[e] != n + q) { mark[e] = uint32_t(n + q); stack.push_back(e); }
    }
    return closure[q];
  };

  const bool unbounded = max_chars == Expr::kUnbounded;
  const uint32_t top = unbounded ? min_chars : max_chars;
  size_t class_states = 0;
  for (const auto& q : nfa.st) class_states += q.next != UINT32_MAX;
  if (class_states * (uint64_t(top) + 1) > kMaxProduct * 4) return std::nullopt;  // surely too large
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> rules;
  std::vector<std::pair<uint32_t, uint32_t>> work;
  // Continue from NFA state q with count c: a choice of the class states' rules, or the end.
  auto cont = [&](uint32_t q, uint32_t c) -> std::optional<Expr> {
    std::vector<Expr> alts;
    const auto& cl = close(q);
    if (reaches_final[q] && c >= min_chars) alts.push_back(Expr::empty());
    if (!(c == top && !unbounded)) {
      for (uint32_t p : cl) {
        auto key = std::make_pair(p, c);
        auto [it, fresh] = rules.emplace(key, 0);
        if (fresh) {
          if (rules.size() > kMaxProduct) return std::nullopt;
          it->second = b.declare("regex-count");
          work.push_back(key);
        }
        alts.push_back(Expr::ref(it->second));
      }
    }
    return Expr::choice(std::move(alts));
  };
  auto first = cont(start, 0);
  if (!first) return std::nullopt;
  while (!work.empty()) {
    auto [p, c] = work.back();
    work.pop_back();
    uint32_t next_count = unbounded ? std::min(c + 1, top) : c + 1;
    auto rest = cont(nfa.st[p].next, next_count);
    if (!rest) return std::nullopt;
    Expr ch = mode.json_string ? json_class_char(nfa.st[p].cls) : Expr::chars(nfa.st[p].cls);
    b.define(rules[{p, c}], Expr::seq({std::move(ch), std::move(*rest)}));
  }
  return first;
}

}  // namespace hearth::grammar::regex
