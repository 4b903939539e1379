// WordPiece (BERT) as llama.cpp's llm_tokenizer_wpm does it: lowercase and strip accents, split on
// whitespace, punctuation, ASCII symbols and CJK ideographs, then greedily take the longest vocab
// piece. The GGUF vocab writes word-initial pieces with a leading U+2581 and continuation pieces
// bare (the converter's rewrite of BERT's "##" pieces); a word that cannot be covered becomes UNK.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::tok {

struct Vocab;

std::vector<std::string> wpm_preprocess(std::string_view text, bool lowercase, bool strip_accents);
void wpm_encode(const Vocab& vocab, std::string_view text, std::vector<int32_t>& out);

}  // namespace hearth::tok
