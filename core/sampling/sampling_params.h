// What a request asks of the sampler. Field meanings and ranges follow the OpenAI API where it has
// the field, llama.cpp otherwise; validate() enforces the ranges so the sampler never has to.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace hearth {

struct SamplingParams {
  float temperature = 1.0f;         // 0 means greedy (argmax); must be >= 0 and finite
  int32_t top_k = 0;                // keep the k best tokens; 0 = off; >= vocab size = off
  float top_p = 1.0f;               // nucleus mass in (0, 1]; 1 = off
  float min_p = 0.0f;               // drop tokens with p < min_p * p_max; in [0, 1]; 0 = off
  float repetition_penalty = 1.0f;  // CTRL-style divisor (> 0); 1 = off
  float presence_penalty = 0.0f;    // subtracted once per token seen; in [-2, 2]
  float frequency_penalty = 0.0f;   // subtracted per occurrence; in [-2, 2]
  int32_t penalty_last_n = 64;      // history window for penalties; -1 = whole history, 0 = none
  // (token, bias) pairs added to the logits; bias in [-100, 100]. -100 bans the token outright
  // (its logit becomes -inf). Several entries for one token add up.
  std::vector<std::pair<int32_t, float>> logit_bias;
  uint64_t seed = 0;
  int32_t top_logprobs = 0;  // how many best tokens to report log-probabilities for; in [0, 20]
};

// Throws Error(kInvalidArgument) naming the first offending field. NaN fails every range check.
void validate(const SamplingParams& params, int32_t vocab_size);

}  // namespace hearth
