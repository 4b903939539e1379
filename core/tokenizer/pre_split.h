// Hand-written matchers for the regexes pre-tokenizers use (std::regex has no \p{..}, no lookahead
// over code points and no case-insensitive groups). A pre-tokenizer is a list of SplitSteps applied
// in order; each step splits every current piece into regex matches and the gaps between them,
// which is how llama.cpp's unicode_regex_split composes a list of regexes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hearth::tok {

using CpPredicate = bool (*)(uint32_t cp);

struct SplitStep {
  enum Kind {
    kGpt2,            // 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
    kLlama3,          // (?i:'s|..)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,max_digits}| ?[^\s\p{L}\p{N}]+[\r\n]*|
                      // \s*[\r\n]+|\s+(?!\S)|\s+
    kRun,             // prefix? cls{min_count,max_count}   (greedy, leftmost matches)
    kTrailingSpace,   // \s+$
  };
  Kind kind = kRun;
  int max_digits = 3;           // kLlama3
  CpPredicate prefix = nullptr; // kRun: optional single leading code point
  CpPredicate cls = nullptr;    // kRun
  size_t min_count = 1;         // kRun
  size_t max_count = SIZE_MAX;  // kRun
};

// Applies one step to the pieces described by `lengths` (consecutive lengths over `cpts`) and
// returns the new piece lengths (none empty).
std::vector<size_t> apply_split(const SplitStep& step, const std::vector<uint32_t>& cpts,
                                const std::vector<size_t>& lengths);

}  // namespace hearth::tok
