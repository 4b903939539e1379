#include "core/sampling/sampling_params.h"

#include <cmath>
#include <sstream>
#include <string>

#include "core/util/error.h"

namespace hearth {
namespace {

template <typename T>
[[noreturn]] void bad(const char* field, const char* rule, T got) {
  std::ostringstream msg;
  msg << "sampling: " << field << " must be " << rule << " (got " << got << ")";
  fail(ErrorCode::kInvalidArgument, msg.str());
}

// Written as !(in range) so that NaN is rejected too.
bool in(float v, float lo, float hi) { return v >= lo && v <= hi; }

}  // namespace

void validate(const SamplingParams& p, int32_t vocab_size) {
  if (vocab_size <= 0) bad("vocab_size", "> 0", vocab_size);
  if (!(p.temperature >= 0.0f) || !std::isfinite(p.temperature)) {
    bad("temperature", ">= 0 and finite", p.temperature);
  }
  if (p.top_k < 0) bad("top_k", ">= 0", p.top_k);
  if (!(p.top_p > 0.0f && p.top_p <= 1.0f)) bad("top_p", "in (0, 1]", p.top_p);
  if (!in(p.min_p, 0.0f, 1.0f)) bad("min_p", "in [0, 1]", p.min_p);
  if (!(p.repetition_penalty > 0.0f) || !std::isfinite(p.repetition_penalty)) {
    bad("repetition_penalty", "> 0 and finite", p.repetition_penalty);
  }
  if (!in(p.presence_penalty, -2.0f, 2.0f)) bad("presence_penalty", "in [-2, 2]", p.presence_penalty);
  if (!in(p.frequency_penalty, -2.0f, 2.0f)) {
    bad("frequency_penalty", "in [-2, 2]", p.frequency_penalty);
  }
  if (p.penalty_last_n < -1) bad("penalty_last_n", ">= -1", p.penalty_last_n);
  for (const auto& [token, bias] : p.logit_bias) {
    if (token < 0 || token >= vocab_size) {
      bad("logit_bias token", ("in [0, " + std::to_string(vocab_size) + ")").c_str(), token);
    }
    if (!in(bias, -100.0f, 100.0f)) bad("logit_bias value", "in [-100, 100]", bias);
  }
  if (p.top_logprobs < 0 || p.top_logprobs > 20) bad("top_logprobs", "in [0, 20]", p.top_logprobs);
}

}  // namespace hearth
