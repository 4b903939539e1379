// Code point ranges as UTF-8 byte sequences: each sequence is 1-4 byte ranges, one per byte of the
// encoding, and the union of the sequences encodes exactly the ranges (the construction regex engines
// use to run Unicode classes over bytes). Surrogates must already be removed (normalize()).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "core/grammar/expr.h"

namespace hearth::grammar {

using ByteRange = std::pair<uint8_t, uint8_t>;
using Utf8Sequence = std::vector<ByteRange>;

std::vector<Utf8Sequence> utf8_sequences(const CodepointRanges& ranges);

}  // namespace hearth::grammar
