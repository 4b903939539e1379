#include "core/tokenizer/pre_split.h"

#include "core/tokenizer/unicode.h"

namespace hearth::tok {
namespace {

// A view of one piece: code points outside [begin, end) read as "nothing" (no flags), which is how
// lookaheads stop at piece boundaries.
struct Piece {
  const std::vector<uint32_t>& cpts;
  size_t begin, end;
  static constexpr uint32_t kNone = 0xFFFFFFFF;

  uint32_t cp(size_t i) const { return i < end ? cpts[i] : kNone; }
  uint8_t flags(size_t i) const { return i < end ? cp_flags(cpts[i]) : 0; }
  bool ws(size_t i) const { return i < end && cp_is_whitespace(cpts[i]); }
  bool letter(size_t i) const { return (flags(i) & kLetter) && !ws(i); }
  bool number(size_t i) const { return (flags(i) & kNumber) && !ws(i); }
  // [^\s\p{L}\p{N}] that is inside the piece
  bool other(size_t i) const { return i < end && !ws(i) && !(flags(i) & (kLetter | kNumber)); }
};

class Emitter {
 public:
  Emitter(std::vector<size_t>& out, size_t begin) : out_(out), prev_(begin) {}
  size_t cut(size_t at) {  // ends the current piece at `at`; returns its length
    size_t len = at - prev_;
    if (len > 0) out_.push_back(len);
    prev_ = at;
    return len;
  }

 private:
  std::vector<size_t>& out_;
  size_t prev_;
};

uint32_t ascii_lower(uint32_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

// Length of a contraction ('s 't 're 've 'm 'll 'd) at i, or 0.
size_t contraction(const Piece& p, size_t i, bool any_case) {
  if (p.cp(i) != '\'' || i + 1 >= p.end) return 0;
  auto lc = [&](size_t k) { return any_case ? ascii_lower(p.cp(k)) : p.cp(k); };
  uint32_t a = lc(i + 1);
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  if (i + 2 >= p.end) return 0;
  uint32_t b = lc(i + 2);
  if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
  return 0;
}

// Whitespace handling shared by the GPT-2 and llama3 rules: \s+(?!\S) leaves the last whitespace
// for the next piece when a non-space follows; otherwise \s+ takes the run.
bool split_whitespace(const Piece& p, size_t& pos, Emitter& em) {
  size_t n = 0;
  while (p.ws(pos + n)) ++n;
  if (n > 1 && pos + n < p.end) {
    pos += n - 1;
    em.cut(pos);
    return true;
  }
  if (n > 0) {
    pos += n;
    em.cut(pos);
    return true;
  }
  return false;
}

void split_gpt2(const Piece& p, std::vector<size_t>& out) {
  Emitter em(out, p.begin);
  for (size_t pos = p.begin; pos < p.end;) {
    const uint32_t c = p.cp(pos);
    if (size_t n = contraction(p, pos, false)) {
      pos += n;
      em.cut(pos);
      continue;
    }
    const size_t q = c == ' ' ? pos + 1 : pos;  // optional leading space
    if (p.letter(q) || p.number(q) || p.other(q)) {
      auto same = p.letter(q) ? &Piece::letter : p.number(q) ? &Piece::number : &Piece::other;
      pos = q;
      while ((p.*same)(pos)) ++pos;
      em.cut(pos);
      continue;
    }
    if (split_whitespace(p, pos, em)) continue;
    em.cut(++pos);
  }
}

void split_llama3(const Piece& p, size_t max_digits, std::vector<size_t>& out) {
  Emitter em(out, p.begin);
  for (size_t pos = p.begin; pos < p.end;) {
    const uint32_t c = p.cp(pos);
    if (size_t n = contraction(p, pos, true)) {
      pos += n;
      em.cut(pos);
      continue;
    }
    // [^\r\n\p{L}\p{N}]?\p{L}+
    if (!(c == '\r' || c == '\n' || p.number(pos)) && (p.letter(pos) || p.letter(pos + 1))) {
      ++pos;
      while (p.letter(pos)) ++pos;
      em.cut(pos);
      continue;
    }
    // \p{N}{1,max_digits}
    if (p.number(pos)) {
      size_t start = pos;
      while (p.number(pos)) {
        if (++pos - start >= max_digits) {
          em.cut(pos);
          start = pos;
        }
      }
      em.cut(pos);
      continue;
    }
    // ' ?[^\s\p{L}\p{N}]+[\r\n]*'
    const size_t q = c == ' ' ? pos + 1 : pos;
    if (p.other(q)) {
      pos = q;
      while (p.other(pos)) ++pos;
      while (p.cp(pos) == '\r' || p.cp(pos) == '\n') ++pos;
      em.cut(pos);
      continue;
    }
    // \s*[\r\n]+ : up to the last \r or \n of the whitespace run
    size_t last_nl = 0;
    for (size_t k = pos; p.ws(k); ++k) {
      if (p.cp(k) == '\r' || p.cp(k) == '\n') last_nl = k + 1;
    }
    if (last_nl > 0) {
      pos = last_nl;
      em.cut(pos);
      continue;
    }
    if (split_whitespace(p, pos, em)) continue;
    em.cut(++pos);
  }
}

// Leftmost-greedy matches of `prefix? cls{min,max}`; gaps between matches stay pieces of their own.
void split_run(const Piece& p, const SplitStep& s, std::vector<size_t>& out) {
  Emitter em(out, p.begin);
  auto run_from = [&](size_t i) {
    size_t n = 0;
    while (i + n < p.end && n < s.max_count && s.cls(p.cpts[i + n])) ++n;
    return n;
  };
  for (size_t pos = p.begin; pos < p.end;) {
    if (s.prefix && s.prefix(p.cpts[pos])) {
      size_t n = run_from(pos + 1);
      if (n >= s.min_count) {
        em.cut(pos);
        pos += 1 + n;
        em.cut(pos);
        continue;
      }
    }
    size_t n = run_from(pos);
    if (n >= s.min_count) {
      em.cut(pos);
      pos += n;
      em.cut(pos);
      continue;
    }
    ++pos;
  }
  em.cut(p.end);
}

void split_trailing_space(const Piece& p, std::vector<size_t>& out) {
  size_t start = p.end;
  while (start > p.begin && p.ws(start - 1)) --start;
  Emitter em(out, p.begin);
  em.cut(start);
  em.cut(p.end);
}

}  // namespace

std::vector<size_t> apply_split(const SplitStep& step, const std::vector<uint32_t>& cpts,
                                const std::vector<size_t>& lengths) {
  std::vector<size_t> out;
  out.reserve(lengths.size() * 2);
  size_t begin = 0;
  for (size_t len : lengths) {
    Piece p{cpts, begin, begin + len};
    switch (step.kind) {
      case SplitStep::kGpt2: split_gpt2(p, out); break;
      case SplitStep::kLlama3: split_llama3(p, static_cast<size_t>(step.max_digits), out); break;
      case SplitStep::kRun: split_run(p, step, out); break;
      case SplitStep::kTrailingSpace: split_trailing_space(p, out); break;
    }
    begin += len;
  }
  return out;
}

}  // namespace hearth::tok
