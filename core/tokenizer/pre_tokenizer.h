// BPE pre-tokenizers: the table from `tokenizer.ggml.pre` names to the split rules llama.cpp applies
// before byte-level BPE. Several names share one rule set (llama.cpp's groups are mirrored).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::tok {

enum class PreKind {
  kDefault,        // no or "default" pre name: punctuation runs, GPT-2 rules, digit runs, 3-digit groups
  kGpt2,           // GPT-2's regex
  kLlama3,         // llama3 regex: case-insensitive contractions, \p{N}{1,3}, newline handling
  kQwen2,          // llama3 regex with single digits
  kDeepseekLlm,    // deepseek-llm: letters, ASCII/fullwidth punctuation, CJK, digit runs
  kDeepseekCoder,  // deepseek-coder: \p{L}, \p{P}, CJK, single digits
  kFalcon,         // falcon: punctuation runs, GPT-2 rules, 3-digit groups
  kStarcoder,      // single digits, then GPT-2 rules
  kBloom,          // ` ?[^(\s|.,!?…。，、।۔،)]+`
};

struct PreTokenizerInfo {
  std::string_view name;
  PreKind kind;
  bool ignore_merges;  // a pre-token that is itself a token is not merged further (llama3)
  bool add_bos;        // default for tokenizer.ggml.add_bos_token
};

// nullptr when the name is not supported.
const PreTokenizerInfo* find_pre_tokenizer(std::string_view name);
std::string supported_pre_tokenizer_names();

// Splits `text` into pre-tokens (UTF-8, before byte-level encoding). Invalid UTF-8 bytes come out
// as U+FFFD, as in llama.cpp.
std::vector<std::string> pre_tokenize(PreKind kind, std::string_view text);

}  // namespace hearth::tok
