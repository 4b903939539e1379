// The token table a tokenizer works on, read from GGUF `tokenizer.ggml.*` metadata: texts, scores,
// attributes, special ids and the per-model flags, with llama.cpp's defaults for each tokenizer
// model. Internal to core/tokenizer (the public face is tokenizer.h).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/tokenizer/pre_tokenizer.h"

namespace hearth {
class GgufFile;
}

namespace hearth::tok {

// Token attributes (llama.cpp's llama_token_attr), derived from `tokenizer.ggml.token_type`.
enum TokenAttr : uint16_t {
  kAttrUndefined = 0,
  kAttrUnknown = 1 << 0,
  kAttrUnused = 1 << 1,
  kAttrNormal = 1 << 2,
  kAttrControl = 1 << 3,
  kAttrUserDefined = 1 << 4,
  kAttrByte = 1 << 5,
  kAttrLstrip = 1 << 6,  // when split out as a special token, eat whitespace on its left
  kAttrRstrip = 1 << 7,  // ... on its right
};

enum class VocabType { kSpm, kBpe, kWpm };

struct Vocab {
  VocabType type = VocabType::kSpm;
  std::string model;  // tokenizer.ggml.model
  std::string pre;    // tokenizer.ggml.pre as written ("" when absent)
  PreKind pre_kind = PreKind::kDefault;  // BPE only

  std::vector<std::string> text;
  std::vector<float> score;
  std::vector<uint16_t> attr;
  std::unordered_map<std::string, int32_t> to_id;
  size_t max_token_len = 0;

  // BPE merges: "left right" → rank.
  std::unordered_map<std::string, int32_t> merge_rank;

  int32_t bos = -1, eos = -1, eot = -1, eom = -1, unk = -1, sep = -1, pad = -1, mask = -1;
  int32_t fim_pad = -1, fim_rep = -1, fim_sep = -1;

  bool add_bos = false, add_eos = false, add_sep = false;
  bool add_space_prefix = false;  // SPM: prepend a space (▁) to text after BOS/specials
  bool ignore_merges = false;     // BPE: a whole pre-token found in the vocab is one token
  bool wpm_lowercase = true, wpm_strip_accents = true;

  std::set<int32_t> eog;                 // ids that end generation
  std::vector<int32_t> special_by_len;   // control/user-defined/unknown ids, longest text first

  int32_t size() const { return static_cast<int32_t>(text.size()); }
  int32_t find(const std::string& s) const {
    auto it = to_id.find(s);
    return it == to_id.end() ? -1 : it->second;
  }
  bool has_attr(int32_t id, uint16_t a) const { return (attr[id] & a) != 0; }
};

// Reads and validates the vocab. Throws Error(kUnsupported) for an unknown model or pre-tokenizer
// name, Error(kMalformedFile) naming the key for inconsistent metadata.
Vocab load_vocab(const GgufFile& file);

}  // namespace hearth::tok
