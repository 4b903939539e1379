// SentencePiece-style BPE as llama.cpp's llm_tokenizer_spm does it: start from UTF-8 characters,
// repeatedly merge the adjacent pair whose concatenation is the highest-scoring token, and fall
// back to <0xXX> byte tokens (or UNK) for characters no token covers.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace hearth::tok {

struct Vocab;

// `text` must already have spaces replaced by U+2581. Appends ids to `out`.
void spm_encode(const Vocab& vocab, std::string_view text, std::vector<int32_t>& out);

}  // namespace hearth::tok
