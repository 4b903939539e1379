#include "core/grammar/json_text.h"

#include <string>

namespace hearth::grammar {
namespace {

bool in(const CodepointRanges& r, uint32_t cp) {
  for (auto [lo, hi] : r)
    if (cp >= lo && cp <= hi) return true;
  return false;
}

Expr hex_digit() { return Expr::chars({{'0', '9'}, {'a', 'f'}, {'A', 'F'}}); }

}  // namespace

Expr json_class_char(const CodepointRanges& decoded) {
  CodepointRanges raw = normalize(decoded);
  std::vector<Expr> alts;
  // raw characters: all but the quote, the backslash and the controls
  CodepointRanges plain;
  for (auto [lo, hi] : raw) {
    if (hi < 0x20) continue;
    lo = std::max<uint32_t>(lo, 0x20);
    plain.push_back({lo, hi});
  }
  CodepointRanges cut = complement({{'"', '"'}, {'\\', '\\'}, {0, 0x1F}});
  CodepointRanges keep;
  for (auto [lo, hi] : plain)
    for (auto [clo, chi] : cut) {
      uint32_t a = std::max(lo, clo), z = std::min(hi, chi);
      if (a <= z) keep.push_back({a, z});
    }
  if (!keep.empty()) alts.push_back(Expr::chars(keep));
  static const struct { uint32_t cp; const char* esc; } kShort[] = {
      {'"', "\\\""}, {'\\', "\\\\"}, {'/', "\\/"}, {'\b', "\\b"}, {'\f', "\\f"}, {'\n', "\\n"}, {'\r', "\\r"}, {'\t', "\\t"}};
  for (auto& s : kShort)
    if (in(raw, s.cp)) alts.push_back(Expr::literal(s.esc));
  static const char* hex = "0123456789abcdef";
  for (uint32_t c = 0; c < 0x20; ++c) {
    if (!in(raw, c) || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') continue;
    std::string lower = "\\u00", upper = "\\u00";
    lower += hex[c >> 4]; lower += hex[c & 15];
    upper += hex[c >> 4]; upper += char(std::toupper(hex[c & 15]));
    alts.push_back(Expr::literal(lower));
    if (upper != lower) alts.push_back(Expr::literal(upper));
  }
  return Expr::choice(std::move(alts));
}

Expr long_repeat(GrammarBuilder& b, const Expr& item, uint32_t lo, uint32_t hi) {
  constexpr uint32_t kBlock = 256;
  if (hi == Expr::kUnbounded || hi - lo <= 4 * kBlock) return Expr::repeat(item, lo, hi);
  uint32_t block = b.declare("block");
  b.define(block, Expr::repeat(item, kBlock, kBlock));
  uint32_t more = hi - lo, q = more / kBlock, r = more % kBlock;
  Expr upto = Expr::choice({Expr::seq({Expr::repeat(Expr::ref(block), 0, q - 1), Expr::repeat(item, 0, kBlock - 1)}),
                            Expr::seq({Expr::repeat(Expr::ref(block), q, q), Expr::repeat(item, 0, r)})});
  return Expr::seq({Expr::repeat(item, lo, lo), upto});
}

JsonRules::JsonRules(GrammarBuilder& b, bool allow_whitespace, uint32_t max_indent)
    : b_(b), allow_ws_(allow_whitespace), max_indent_(max_indent) {}

uint32_t JsonRules::rule(uint32_t& slot, const char* name) {
  if (slot == kNone) slot = b_.declare(name);
  return slot;
}

Expr JsonRules::ws() {
  if (!allow_ws_) return Expr::empty();
  if (ws_ == kNone) {
    rule(ws_, "ws");
    b_.define(ws_, Expr::choice({Expr::empty(), Expr::literal(" "),
                                 Expr::seq({Expr::literal("\n"), Expr::repeat(Expr::literal(" "), 0, max_indent_)})}));
  }
  return Expr::ref(ws_);
}

Expr JsonRules::json_char() {
  if (char_ == kNone) {
    rule(char_, "char");
    Expr h = hex_digit();
    Expr not_surrogate = Expr::choice({
        Expr::seq({Expr::chars({{'0', '9'}, {'a', 'c'}, {'A', 'C'}, {'e', 'f'}, {'E', 'F'}}), h, h, h}),
        Expr::seq({Expr::chars({{'d', 'd'}, {'D', 'D'}}), Expr::chars({{'0', '7'}}), h, h})});
    Expr pair = Expr::seq({Expr::literal("\\u"), Expr::chars({{'d', 'd'}, {'D', 'D'}}), Expr::chars({{'8', '9'}, {'a', 'b'}, {'A', 'B'}}), h, h,
                           Expr::literal("\\u"), Expr::chars({{'d', 'd'}, {'D', 'D'}}), Expr::chars({{'c', 'f'}, {'C', 'F'}}), h, h});
    b_.define(char_, Expr::choice({Expr::chars({{'"', '"'}, {'\\', '\\'}, {0, 0x1F}}, true),
                                   Expr::seq({Expr::literal("\\"), Expr::chars({{'"', '"'}, {'\\', '\\'}, {'/', '/'}, {'b', 'b'}, {'f', 'f'}, {'n', 'n'}, {'r', 'r'}, {'t', 't'}})}),
                                   Expr::seq({Expr::literal("\\u"), not_surrogate}), pair}));
  }
  return Expr::ref(char_);
}

Expr JsonRules::string() {
  if (string_ == kNone) {
    rule(string_, "string");
    b_.define(string_, Expr::seq({Expr::literal("\""), Expr::star(json_char()), Expr::literal("\"")}));
  }
  return Expr::ref(string_);
}

Expr JsonRules::integer() {
  if (integer_ == kNone) {
    rule(integer_, "integer");
    b_.define(integer_, Expr::seq({Expr::optional(Expr::literal("-")),
                                   Expr::choice({Expr::literal("0"), Expr::seq({Expr::chars({{'1', '9'}}), Expr::star(Expr::chars({{'0', '9'}}))})})}));
  }
  return Expr::ref(integer_);
}

Expr JsonRules::number() {
  if (number_ == kNone) {
    rule(number_, "number");
    Expr digits = Expr::plus(Expr::chars({{'0', '9'}}));
    b_.define(number_, Expr::seq({integer(), Expr::optional(Expr::seq({Expr::literal("."), digits})),
                                  Expr::optional(Expr::seq({Expr::chars({{'e', 'e'}, {'E', 'E'}}), Expr::optional(Expr::chars({{'+', '+'}, {'-', '-'}})), digits}))}));
  }
  return Expr::ref(number_);
}

void JsonRules::define_values() {
  rule(value_, "value");
  rule(object_, "object");
  rule(array_, "array");
  Expr v = Expr::ref(value_);
  Expr member = Expr::seq({string(), Expr::literal(":"), ws(), v});
  b_.define(object_, Expr::seq({Expr::literal("{"), ws(),
                                Expr::optional(Expr::seq({member, Expr::star(Expr::seq({Expr::literal(","), ws(), member})), ws()})),
                                Expr::literal("}")}));
  b_.define(array_, Expr::seq({Expr::literal("["), ws(),
                               Expr::optional(Expr::seq({v, Expr::star(Expr::seq({Expr::literal(","), ws(), v})), ws()})),
                               Expr::literal("]")}));
  b_.define(value_, Expr::choice({Expr::ref(object_), Expr::ref(array_), string(), number(), boolean(), null()}));
}

Expr JsonRules::value() {
  if (value_ == kNone) define_values();
  return Expr::ref(value_);
}
Expr JsonRules::object() {
  if (value_ == kNone) define_values();
  return Expr::ref(object_);
}
Expr JsonRules::array() {
  if (value_ == kNone) define_values();
  return Expr::ref(array_);
}

}  // namespace hearth::grammar
