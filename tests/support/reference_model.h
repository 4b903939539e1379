// The float64 reference forward pass: the oracle the engine's forward pass is tested against.
//
// Written straight from docs/architectures.md, independently of core/model: every weight is
// dequantized (dequantize_row) and widened to double, every token's layer is recomputed with full
// causal attention over the whole sequence (no KV cache), everything in double precision. Slow and
// simple on purpose; meant for tiny models (a few hundred thousand to a few million parameters).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace hearth {

class GgufFile;

// Logits for every position: [tokens.size() × V], row t for the token at position t (positions count
// from 0). n_ctx is the context size of the run (phi3 picks its long or short rope factors by it).
// Throws Error(kUnsupported) for an architecture outside the six in the spec, Error(kInvalidArgument)
// for a token outside the vocabulary, Error(kMalformedFile) for missing metadata or tensors.
std::vector<double> reference_logits(const GgufFile& file, std::span<const int32_t> tokens, int n_ctx);

}  // namespace hearth
