#include "core/grammar/expr.h"

#include <algorithm>

namespace hearth::grammar {

CodepointRanges normalize(CodepointRanges ranges) {
  CodepointRanges cut;
  for (auto [lo, hi] : ranges) {  // take the surrogates out
    if (lo > hi) continue;
    hi = std::min(hi, kMaxCodepoint);
    if (hi < 0xD800 || lo > 0xDFFF) { cut.push_back({lo, hi}); continue; }
    if (lo < 0xD800) cut.push_back({lo, 0xD7FF});
    if (hi > 0xDFFF) cut.push_back({0xE000, hi});
  }
  std::sort(cut.begin(), cut.end());
  CodepointRanges out;
  for (auto r : cut) {
    if (!out.empty() && r.first <= out.back().second + 1) out.back().second = std::max(out.back().second, r.second);
    else out.push_back(r);
  }
  return out;
}

CodepointRanges complement(const CodepointRanges& ranges) {
  CodepointRanges in = normalize(ranges), out;
  uint32_t next = 0;
  for (auto [lo, hi] : in) {
    if (lo > next) out.push_back({next, lo - 1});
    next = hi + 1;
  }
  if (next <= kMaxCodepoint) out.push_back({next, kMaxCodepoint});
  return normalize(out);
}

Expr Expr::chars(CodepointRanges ranges, bool negated) {
  Expr e;
  e.kind = Kind::kCodepoints;
  e.codepoints = negated ? complement(ranges) : normalize(std::move(ranges));
  if (e.codepoints.empty()) return nothing();
  return e;
}

Expr Expr::seq(std::vector<Expr> items) {
  std::vector<Expr> flat;
  for (auto& it : items) {
    if (it.kind == Kind::kEmpty) continue;
    if (it.is_nothing()) return nothing();
    if (it.kind == Kind::kSeq) for (auto& sub : it.items) flat.push_back(std::move(sub));
    else flat.push_back(std::move(it));
  }
  if (flat.empty()) return empty();
  if (flat.size() == 1) return std::move(flat[0]);
  Expr e; e.kind = Kind::kSeq; e.items = std::move(flat); return e;
}

Expr Expr::choice(std::vector<Expr> items) {
  std::vector<Expr> flat;
  for (auto& it : items) {
    if (it.is_nothing()) continue;
    if (it.kind == Kind::kChoice) for (auto& sub : it.items) flat.push_back(std::move(sub));
    else flat.push_back(std::move(it));
  }
  if (flat.size() == 1) return std::move(flat[0]);
  Expr e; e.kind = Kind::kChoice; e.items = std::move(flat); return e;
}

Expr Expr::repeat(Expr item, uint32_t min, uint32_t max) {
  if (max != kUnbounded && min > max) return nothing();
  if (max == 0 || item.kind == Kind::kEmpty) return empty();
  if (item.is_nothing()) return min == 0 ? empty() : nothing();
  if (min == 1 && max == 1) return item;
  Expr e; e.kind = Kind::kRepeat; e.items.push_back(std::move(item)); e.min = min; e.max = max; return e;
}

}  // namespace hearth::grammar
