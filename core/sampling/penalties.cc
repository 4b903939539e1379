#include "core/sampling/penalties.h"

#include <algorithm>
#include <vector>

namespace hearth {

void apply_penalties(const SamplingParams& p, std::span<const int32_t> recent,
                     std::span<float> logits) {
  if (recent.empty()) return;
  if (p.repetition_penalty == 1.0f && p.presence_penalty == 0.0f && p.frequency_penalty == 0.0f) {
    return;
  }
  // Count by sorting a copy: the window is short (64 by default), and this needs no
  // vocab-sized table per sampler.
  std::vector<int32_t> sorted(recent.begin(), recent.end());
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size();) {
    const int32_t token = sorted[i];
    size_t j = i;
    while (j < sorted.size() && sorted[j] == token) ++j;
    const float count = static_cast<float>(j - i);
    float& logit = logits[static_cast<size_t>(token)];
    logit = logit > 0.0f ? logit / p.repetition_penalty : logit * p.repetition_penalty;
    logit -= count * p.frequency_penalty + p.presence_penalty;
    i = j;
  }
}

}  // namespace hearth
