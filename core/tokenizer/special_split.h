// Cuts text at occurrences of special tokens before any tokenizer runs (llama.cpp's
// tokenizer_st_partition). User-defined tokens are always cut out; control and unknown tokens only
// when parse_special is set, otherwise their text is ordinary text. Longer tokens are matched first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace hearth::tok {

struct Vocab;

struct Fragment {
  int32_t token = -1;  // >= 0: this fragment is that special token
  size_t offset = 0, length = 0;  // otherwise: a span of raw text
};

std::vector<Fragment> split_specials(const Vocab& vocab, std::string_view text, bool parse_special);

}  // namespace hearth::tok
