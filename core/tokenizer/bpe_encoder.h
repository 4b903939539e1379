// Byte-level BPE (GPT-2 style) over one pre-token, as llama.cpp's llm_tokenizer_bpe does it: map the
// bytes to GPT-2's alphabet, then repeatedly apply the lowest-ranked merge among adjacent symbols.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace hearth::tok {

struct Vocab;

// `word` is one pre-token in raw UTF-8. Appends ids to `out`.
void bpe_encode_word(const Vocab& vocab, std::string_view word, std::vector<int32_t>& out);

}  // namespace hearth::tok
