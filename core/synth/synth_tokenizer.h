// The vocabulary of a synthetic model, in the style of the real family it imitates (see
// TokenizerFamily): a working tokenizer hearth's Tokenizer (and llama.cpp) accepts.
//
//   gpt2 families: 256 byte-level tokens (GPT-2's byte↔unicode alphabet, in code point order), then
//     one token per merge, the first learned by BPE on a built-in English text and the rest
//     pseudo-random joins of two existing tokens; the family's special tokens at their real ids;
//     unused padding up to the embedding rows.
//   SentencePiece families: the family's special tokens, 256 <0xXX> byte tokens (type 6), the printable
//     ASCII characters and ▁, then pieces built the same way as gpt2 merges, scored by rank.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/synth/presets.h"

namespace hearth {
class GgufWriter;
}

namespace hearth::synth {

struct SynthVocab {
  std::string model;  // tokenizer.ggml.model: "gpt2" or "llama"
  std::string pre;    // tokenizer.ggml.pre ("" = not written)
  std::vector<std::string> tokens;
  std::vector<int32_t> types;   // llama.cpp token types: 1 normal, 2 unknown, 3 control, 4 user, 5 unused, 6 byte
  std::vector<float> scores;    // SentencePiece only
  std::vector<std::string> merges;  // gpt2 only: "left right"
  int32_t bos = -1, eos = -1, unk = -1, pad = -1;
  bool add_bos = false, add_eos = false;
  int add_space_prefix = -1;  // -1: not written
};

// Deterministic: depends on the preset only (not the weight seed), so every file of a preset
// tokenizes alike.
SynthVocab build_vocab(const SynthPreset& preset);

// build_vocab through a one-entry cache: generating many files of one preset builds it once.
std::shared_ptr<const SynthVocab> shared_vocab(const SynthPreset& preset);

void write_vocab(const SynthVocab& vocab, GgufWriter& writer);

}  // namespace hearth::synth
