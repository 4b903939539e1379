// Building merge lists for synthetic vocabularies: real BPE training on a small text for the first
// merges, then pseudo-random joins of existing tokens to reach a real model's vocabulary size.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/synth/synth_random.h"

namespace hearth::synth {

struct Merge {
  std::string left, right;
  std::string joined() const { return left + right; }
};

// A pre-token (word) as its initial symbols, with how often it occurs.
struct WordCount {
  std::vector<std::string> symbols;
  int count = 0;
};

// Classic BPE: repeatedly merges the most frequent adjacent pair (ties: the smallest pair) until
// `max_new_tokens` new token texts exist or no pair occurs twice. Texts in `known` are not counted
// as new (two merges may make the same text); new texts are added to `known`.
std::vector<Merge> train_bpe(std::vector<WordCount> words, size_t max_new_tokens,
                             std::unordered_set<std::string>& known);

// Adds `count` merges whose results are new texts: each joins two members of `pool` (favouring
// early, i.e. short, members; at most `max_chars` code points), the right part never starting with
// `space_marker` ("Ġ" or "▁"). Results join the pool and `known`.
std::vector<Merge> random_merges(std::vector<std::string>& pool, std::unordered_set<std::string>& known,
                                 size_t count, const std::string& space_marker, size_t max_chars,
                                 SplitMix64& rng);

size_t utf8_length(const std::string& s);

}  // namespace hearth::synth
