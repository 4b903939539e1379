// The synthetic model generator behind `hearth gen`: GGUF files with the real shapes, metadata and
// tokenizer style of known models (or tiny variants for tests), filled with deterministic random
// weights. Presets are listed by synth_preset_names(); weight types ("q8_0", "q4_k_m", ...) by
// synth_type_names().
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace hearth {

struct SynthOptions {
  std::string preset;        // e.g. "llama-3.2-1b", "tiny-qwen3"
  std::string type = "q8_0"; // weight type or mix
  uint64_t seed = 1;         // same seed, same bytes
  int n_threads = 2;         // generation threads; 1 creates none (for hosts without threads)
};

// Streams the whole file to `sink`, in order and without holding it in memory: the header, then
// each tensor's bytes and alignment padding. Throws Error(kInvalidArgument) for an unknown preset or
// type (listing the valid ones); exceptions from `sink` propagate.
void write_synthetic_model(const SynthOptions& opts, const std::function<void(const uint8_t*, size_t)>& sink);

// The header (metadata and tensor infos, padded) and the size of the full file, without generating
// any weights: what tests and progress reporting need for multi-gigabyte presets.
struct SynthLayout {
  std::vector<uint8_t> header;
  uint64_t file_size = 0;
};
SynthLayout synthetic_model_layout(const SynthOptions& opts);

std::vector<std::string> synth_preset_names();
std::vector<std::string> synth_type_names();

}  // namespace hearth
