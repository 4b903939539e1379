// Stage 1 of the sampler: repetition, presence and frequency penalties over recent tokens.
#pragma once

#include <cstdint>
#include <span>

#include "core/sampling/sampling_params.h"

namespace hearth {

// For each distinct token t in `recent` (occurring count(t) > 0 times), in float arithmetic:
//   logit[t] = logit[t] > 0 ? logit[t] / repetition_penalty : logit[t] * repetition_penalty
//   logit[t] -= count(t) * frequency_penalty + presence_penalty
// exactly as llama.cpp's penalties sampler. Tokens not in `recent` are untouched. `recent` is the
// caller's window (the last penalty_last_n accepted tokens); every id must index `logits`.
void apply_penalties(const SamplingParams& params, std::span<const int32_t> recent,
                     std::span<float> logits);

}  // namespace hearth
