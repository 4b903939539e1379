// A small built-in English text that synthetic tokenizers learn their first merges from, so that
// common words (" the", " and", "ing") are single tokens and encoded text looks like real text.
#pragma once

#include <string_view>

namespace hearth::synth {

std::string_view training_corpus();

}  // namespace hearth::synth
