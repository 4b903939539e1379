// Numbers and integers under bounds, as exact digit grammars.
//
// Bounds are read as decimals (digit strings, so 1e300 or 0.1 lose nothing: a double bound becomes
// its shortest repr, which parses back to the same double). A bounded value is written without an
// exponent: -?I(.F)?. Its integer part I is compared digit by digit (a range of digit strings of one
// length at a time), the fraction F lexicographically against the bound's fraction, so each bound
// costs rules linear in its digits. Negative values are "-" and a positive magnitude under the
// mirrored bounds; -0 is not written. multipleOf k (an integer up to 10000) on integers without
// other bounds is a remainder automaton over the digits (k states).
#include <algorithm>
#include <cmath>
#include <optional>

#include "core/chat/value.h"
#include "core/grammar/json_schema_compiler.h"
#include "core/util/error.h"

namespace hearth::grammar::json_schema {
namespace {

constexpr int64_t kMaxMultipleOf = 10'000;

// A non-negative decimal: integer digits (no leading zeros, "0" for zero) and fraction digits
// (no trailing zeros).
struct Decimal {
  std::string i = "0", f;
};

struct Bound {
  bool neg = false;
  Decimal mag;
  bool strict = false;
};

bool less(const Decimal& a, const Decimal& b) {
  if (a.i.size() != b.i.size()) return a.i.size() < b.i.size();
  if (a.i != b.i) return a.i < b.i;
  return a.f < b.f;  // lexicographic on digits without trailing zeros is numeric order
}
bool is_zero(const Decimal& d) { return d.i == "0" && d.f.empty(); }

// Parses a number's text (as json.dumps / repr wrote it) into sign and decimal.
Bound parse_bound(const Value& v, bool strict, const std::string& ptr) {
  std::string t = v.is_int() ? std::to_string(v.as_int()) : chat::format_float(v.as_double());
  if (t == "inf" || t == "-inf" || t == "nan") unsupported("an infinite or NaN bound", ptr);
  Bound b;
  b.strict = strict;
  size_t p = 0;
  if (t[p] == '-') { b.neg = true; ++p; }
  std::string digits;
  int64_t point = -1, exp = 0;
  for (; p < t.size(); ++p) {
    char c = t[p];
    if (c == '.') point = int64_t(digits.size());
    else if (c == 'e' || c == 'E') { exp = std::stoll(t.substr(p + 1)); break; }
    else digits.push_back(c);
  }
  if (point < 0) point = int64_t(digits.size());
  point += exp;
  if (point > 400 || point < -400) unsupported("a bound of more than 400 digits", ptr);
  while (point < 0) { digits.insert(digits.begin(), '0'); ++point; }
  while (int64_t(digits.size()) < point) digits.push_back('0');
  b.mag.i = digits.substr(0, size_t(point));
  b.mag.f = digits.substr(size_t(point));
  b.mag.i.erase(0, std::min(b.mag.i.find_first_not_of('0'), b.mag.i.size()));
  if (b.mag.i.empty()) b.mag.i = "0";
  while (!b.mag.f.empty() && b.mag.f.back() == '0') b.mag.f.pop_back();
  if (is_zero(b.mag)) b.neg = false;
  return b;
}

std::string increment(std::string s) {
  for (size_t k = s.size(); k-- > 0;) {
    if (s[k] != '9') { ++s[k]; return s; }
    s[k] = '0';
  }
  return "1" + s;
}
std::string decrement(std::string s) {  // s > 0
  for (size_t k = s.size(); k-- > 0;) {
    if (s[k] != '0') { --s[k]; break; }
    s[k] = '9';
  }
  s.erase(0, std::min(s.find_first_not_of('0'), s.size() - 1));
  return s;
}

Expr digit(char lo = '0', char hi = '9') { return Expr::chars({{uint32_t(lo), uint32_t(hi)}}); }
Expr digits(uint32_t min, uint32_t max) { return Expr::repeat(digit(), min, max); }

// Digit strings of a.size() == b.size() between a and b (inclusive), leading zeros as written.
Expr same_length_range(const std::string& a, const std::string& b) {
  if (a.empty()) return Expr::empty();
  size_t rest = a.size() - 1;
  if (a[0] == b[0]) return Expr::seq({digit(a[0], a[0]), same_length_range(a.substr(1), b.substr(1))});
  bool a_floor = a.find_first_not_of('0', 1) == std::string::npos;
  bool b_ceil = b.find_first_not_of('9', 1) == std::string::npos;
  std::vector<Expr> alts;
  char first = a_floor ? a[0] : char(a[0] + 1);
  char last = b_ceil ? b[0] : char(b[0] - 1);
  if (!a_floor) alts.push_back(Expr::seq({digit(a[0], a[0]), same_length_range(a.substr(1), std::string(rest, '9'))}));
  if (first <= last) alts.push_back(Expr::seq({digit(first, last), digits(uint32_t(rest), uint32_t(rest))}));
  if (!b_ceil) alts.push_back(Expr::seq({digit(b[0], b[0]), same_length_range(std::string(rest, '0'), b.substr(1))}));
  return Expr::choice(std::move(alts));
}

// Integers lo..hi written without leading zeros; hi empty: no upper bound.
Expr uint_range(const std::string& lo, const std::optional<std::string>& hi) {
  if (hi && (hi->size() < lo.size() || (hi->size() == lo.size() && *hi < lo))) return Expr::nothing();
  std::vector<Expr> alts;
  size_t last = hi ? hi->size() : lo.size();
  for (size_t len = lo.size(); len <= last; ++len) {
    std::string a = len == lo.size() ? lo : "1" + std::string(len - 1, '0');
    if (len == 1 && len != lo.size()) a = "1";
    std::string b = hi && len == hi->size() ? *hi : std::string(len, '9');
    alts.push_back(same_length_range(a, b));
  }
  if (!hi) alts.push_back(Expr::seq({digit('1', '9'), digits(uint32_t(lo.size()), Expr::kUnbounded)}));
  return Expr::choice(std::move(alts));
}

// Digit strings X (possibly empty, trailing zeros allowed) with 0.X compared to 0.T.
Expr frac_at_least(const std::string& t, bool strict, bool allow_empty) {
  if (t.empty()) {
    if (!strict) return digits(allow_empty ? 0 : 1, Expr::kUnbounded);
    return Expr::seq({Expr::star(digit('0', '0')), digit('1', '9'), Expr::star(digit())});
  }
  std::vector<Expr> alts;
  if (t[0] < '9') alts.push_back(Expr::seq({digit(char(t[0] + 1), '9'), Expr::star(digit())}));
  alts.push_back(Expr::seq({digit(t[0], t[0]), frac_at_least(t.substr(1), strict, true)}));
  return Expr::choice(std::move(alts));
}
Expr frac_at_most(const std::string& t, bool strict, bool allow_empty) {
  if (t.empty()) return strict ? Expr::nothing() : Expr::repeat(digit('0', '0'), allow_empty ? 0 : 1, Expr::kUnbounded);
  std::vector<Expr> alts;
  if (allow_empty) alts.push_back(Expr::empty());
  if (t[0] > '0') alts.push_back(Expr::seq({digit('0', char(t[0] - 1)), Expr::star(digit())}));
  alts.push_back(Expr::seq({digit(t[0], t[0]), frac_at_most(t.substr(1), strict, true)}));
  return Expr::choice(std::move(alts));
}
Expr frac_between(const std::string& l, bool ls, const std::string& h, bool hs, bool allow_empty) {
  if (l.empty() && !ls) return frac_at_most(h, hs, allow_empty);
  char a = l.empty() ? '0' : l[0], z = h.empty() ? '0' : h[0];
  std::string lr = l.empty() ? "" : l.substr(1), hr = h.empty() ? "" : h.substr(1);
  std::vector<Expr> alts;
  if (a == z) {
    alts.push_back(Expr::seq({digit(a, a), frac_between(lr, ls, hr, hs, true)}));
  } else {
    alts.push_back(Expr::seq({digit(a, a), frac_at_least(lr, ls, true)}));
    if (a + 1 <= z - 1) alts.push_back(Expr::seq({digit(char(a + 1), char(z - 1)), Expr::star(digit())}));
    alts.push_back(Expr::seq({digit(z, z), frac_at_most(hr, hs, true)}));
  }
  return Expr::choice(std::move(alts));
}

// The optional ".F" part for a fraction constraint: `digits` gives the digit strings allowed
// (nonempty) and `bare` whether the value with no fraction (0) is allowed.
Expr fraction_part(Expr nonempty_digits, bool bare) {
  return Expr::choice({bare ? Expr::empty() : Expr::nothing(), Expr::seq({Expr::literal("."), std::move(nonempty_digits)})});
}

// Non-negative magnitudes in [lo, hi] (hi null: none), fractions allowed or not.
Expr magnitude(const Bound& lo, const std::optional<Bound>& hi, bool fractions) {
  if (hi && (less(hi->mag, lo.mag) || (!less(lo.mag, hi->mag) && (lo.strict || hi->strict)))) return Expr::nothing();
  if (!fractions) {
    // integers: lo rounds up, hi down
    std::string a = lo.mag.i;
    if (!lo.mag.f.empty() || lo.strict) a = increment(a);
    std::optional<std::string> z;
    if (hi) {
      z = hi->mag.i;
      if (hi->mag.f.empty() && hi->strict) {
        if (*z == "0") return Expr::nothing();
        z = decrement(*z);
      }
    }
    return uint_range(a, z);
  }
  const std::string& li = lo.mag.i;
  Expr any_frac = Expr::optional(Expr::seq({Expr::literal("."), digits(1, Expr::kUnbounded)}));
  std::vector<Expr> alts;
  if (hi && li == hi->mag.i) {  // one integer part: the fraction is bounded on both sides
    bool bare = lo.mag.f.empty() && !lo.strict;
    alts.push_back(Expr::seq({Expr::literal(li), fraction_part(frac_between(lo.mag.f, lo.strict, hi->mag.f, hi->strict, false), bare)}));
    return Expr::choice(std::move(alts));
  }
  // integer part == lo's: fraction at least lo's
  alts.push_back(Expr::seq({Expr::literal(li), fraction_part(frac_at_least(lo.mag.f, lo.strict, false), lo.mag.f.empty() && !lo.strict)}));
  // integer parts strictly between: any fraction
  std::string next = increment(li);
  std::optional<std::string> below;
  if (hi) below = hi->mag.i == "0" ? std::nullopt : std::optional<std::string>(decrement(hi->mag.i));
  if (!hi || (below && !(below->size() < next.size() || (below->size() == next.size() && *below < next))))
    alts.push_back(Expr::seq({uint_range(next, below), any_frac}));
  // integer part == hi's: fraction at most hi's
  if (hi) {
    bool bare = !hi->mag.f.empty() || !hi->strict;
    alts.push_back(Expr::seq({Expr::literal(hi->mag.i), fraction_part(frac_at_most(hi->mag.f, hi->strict, false), bare)}));
  }
  return Expr::choice(std::move(alts));
}

// The tighter of two lower (or upper) bounds.
std::optional<Bound> tighter(std::optional<Bound> a, std::optional<Bound> b, bool lower) {
  if (!a) return b;
  if (!b) return a;
  auto signed_less = [](const Bound& x, const Bound& y) {  // x < y as signed values
    if (x.neg != y.neg) return x.neg;
    return x.neg ? less(y.mag, x.mag) : less(x.mag, y.mag);
  };
  if (signed_less(*a, *b)) return lower ? b : a;
  if (signed_less(*b, *a)) return lower ? a : b;
  Bound r = *a;
  r.strict = a->strict || b->strict;
  return r;
}

// Integers divisible by k (no other bounds): a remainder automaton over the digits.
Expr multiple_of(GrammarBuilder& b, int64_t k) {
  std::vector<uint32_t> rem(static_cast<size_t>(k));
  for (int64_t r = 0; r < k; ++r) rem[size_t(r)] = b.declare("mod" + std::to_string(k) + "-" + std::to_string(r));
  for (int64_t r = 0; r < k; ++r) {
    std::vector<Expr> alts;
    if (r == 0) alts.push_back(Expr::empty());
    for (int d = 0; d < 10; ++d)
      alts.push_back(Expr::seq({digit(char('0' + d), char('0' + d)), Expr::ref(rem[size_t((r * 10 + d) % k)])}));
    b.define(rem[size_t(r)], Expr::choice(std::move(alts)));
  }
  std::vector<Expr> first;
  for (int d = 1; d < 10; ++d) first.push_back(Expr::seq({digit(char('0' + d), char('0' + d)), Expr::ref(rem[size_t(d % k)])}));
  return Expr::seq({Expr::optional(Expr::literal("-")), Expr::choice({Expr::literal("0"), Expr::choice(std::move(first))})});
}

}  // namespace

Expr Compiler::compile_number(const Value& s, const std::string& ptr, bool integer_only) {
  const chat::Object& o = s.as_object();
  auto number = [&](const char* key) -> const Value* {
    const Value* v = o.find(key);
    if (v && !v->is_number()) {
      if (v->is_bool()) return nullptr;  // draft 4 flags, folded into the bounds by merge or below
      invalid(std::string("'") + key + "' must be a number", ptr);
    }
    return v;
  };
  std::optional<Bound> lo, hi;
  const Value* ex_min_flag = o.find("exclusiveMinimum");
  const Value* ex_max_flag = o.find("exclusiveMaximum");
  if (const Value* v = number("minimum")) lo = parse_bound(*v, ex_min_flag && ex_min_flag->is_bool() && ex_min_flag->as_bool(), ptr);
  if (const Value* v = number("maximum")) hi = parse_bound(*v, ex_max_flag && ex_max_flag->is_bool() && ex_max_flag->as_bool(), ptr);
  if (const Value* v = number("exclusiveMinimum")) lo = tighter(lo, parse_bound(*v, true, ptr), true);
  if (const Value* v = number("exclusiveMaximum")) hi = tighter(hi, parse_bound(*v, true, ptr), false);
  if (const Value* m = o.find("multipleOf")) {
    if (!m->is_number() || m->as_double() <= 0) invalid("'multipleOf' must be a positive number", ptr);
    double k = m->as_double();
    bool whole = k == std::floor(k);
    if (whole && k == 1 && integer_only) {
      // every integer is a multiple of 1
    } else if (!whole) {
      unsupported("a fractional 'multipleOf'", ptr);
    } else if (k > kMaxMultipleOf) {
      unsupported("'multipleOf' over " + std::to_string(kMaxMultipleOf), ptr);
    } else if (lo || hi) {
      unsupported("'multipleOf' beside bounds", ptr);
    } else {
      return multiple_of(b_, int64_t(k));  // multiples of an integer are integers
    }
  }
  if (!lo && !hi) return integer_only ? json_.integer() : json_.number();
  const bool fractions = !integer_only;
  std::vector<Expr> alts;
  // non-negative values: magnitude in [max(lo, 0), hi]
  Bound zero;
  bool hi_nonneg = !hi || !hi->neg;
  if (hi_nonneg) {
    Bound from = lo && !lo->neg ? *lo : zero;
    alts.push_back(magnitude(from, hi, fractions));
  }
  // negative values: "-" and a magnitude in (max(-hi, 0), -lo]; zero itself is not written as -0
  bool lo_neg = !lo || lo->neg;
  if (lo_neg) {
    Bound from = hi && hi->neg ? Bound{false, hi->mag, hi->strict} : Bound{false, Decimal{}, true};
    std::optional<Bound> to;
    if (lo) to = Bound{false, lo->mag, lo->strict};
    alts.push_back(Expr::seq({Expr::literal("-"), magnitude(from, to, fractions)}));
  }
  return Expr::choice(std::move(alts));
}

}  // namespace hearth::grammar::json_schema
