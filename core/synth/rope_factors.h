// Rope frequency factors stored in model files: llama3's rope_freqs.weight and phi3's long/short
// factors. Each has n_rot/2 entries, one per rotated pair; the frequency of pair i is divided by it.
#pragma once

#include <cstdint>
#include <vector>

namespace hearth::synth {

// HF's "llama3" rope scaling as llama.cpp's converter computes it (low_freq_factor 1,
// high_freq_factor 4): 1 for short wavelengths, `factor` for long ones, smooth in between.
std::vector<float> llama3_rope_factors(uint32_t n_rot, float base, float factor, uint32_t original_context);

// Phi-3.5-style longrope profiles: short ≈ 1 rising slightly; long rising from ≈1 to ≈64 along a
// sigmoid, the shape of Phi-3.5-mini's long_factor (not its exact values).
std::vector<float> phi3_short_factors(uint32_t n_rot);
std::vector<float> phi3_long_factors(uint32_t n_rot);

// llama.cpp's attn_factor for longrope: sqrt(1 + ln(ctx / original) / ln(original)), 1 if ctx ≤ original.
float phi3_attn_factor(uint32_t context_length, uint32_t original_context);

}  // namespace hearth::synth
