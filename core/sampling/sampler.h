// Turns one step's logits into a token. This header is the definition of hearth's sampling; the
// GPU sampler implements the same stages in the same order.
//
// sample(logits), logits = [vocab_size] floats; NaN or +inf is an error, -inf means "impossible".
//  1. Penalties (penalties.h) over the window W = the last penalty_last_n accepted tokens
//     (all of them for -1, none for 0), for each distinct t in W with count c:
//       l[t] = l[t] > 0 ? l[t] / repetition_penalty : l[t] * repetition_penalty
//       l[t] -= c * frequency_penalty + presence_penalty
//  2. Logit bias: l[t] += bias for each (t, bias) entry; an entry of -100 sets l[t] = -inf (a ban).
//     If no token is left with a finite l, sample() throws kInvalidArgument.
//     The result l is "the adjusted logits"; steps 3-9 read only l, all in float unless noted.
//  3. Reporting: logprob(t) = l[t] - logsumexp(l) (computed in double, over all tokens). These
//     are what last_logprob() and last_top_logprobs() return, whatever stages 5-8 then do.
//     (They are computed on first request, from the saved l; the result is the same.)
//  Then exactly one u = Rng::uniform() is drawn, in every mode, so the n-th sample() after
//  construction or reset() always uses the n-th uniform of the seed's stream.
//  4. temperature == 0: the token is argmax l, ties to the lowest id. Done.
//  Otherwise the candidates are the tokens with finite l, ranked by l descending, then id
//  ascending (candidate_list.h); every "first"/"prefix" below is in this rank order.
//  5. top_k > 0: keep the top_k first candidates.
//  6. Temperature and softmax, in double: w[t] = exp((l[t] - l_max) / temperature), so the best
//     candidate has w = 1; Z = sum of w over the candidates left by step 5.
//  7. top_p < 1: keep the shortest prefix whose running sum of w reaches top_p * Z (>= 1 token).
//  8. min_p > 0: drop candidates with w < min_p (that is p < min_p * p_max). Candidates whose w
//     underflowed to 0 are dropped too. Steps 7 and 8 each keep a prefix, so their order is moot.
//  9. Draw: Z' = sum of the kept w; walk the kept candidates in rank order adding up w; the token
//     is the first whose running sum exceeds u * Z'. If rounding leaves u * Z' unreached, it is
//     the last kept candidate. (Sums in 6-9 are in double; the order of their additions is not
//     part of the definition, so implementations may disagree in the last bits, i.e. on draws
//     within ~1e-16 of a boundary.)
//
// Determinism: same params (seed included), same logits and accept() sequence → same tokens, on
// every platform (rng.h). Cost per call at vocab 152k (x86, one core): greedy ~0.4 ms, top_k=40
// ~1 ms, no truncation or top-p ~5 ms (half of it the exps). No full sort: top-k is a heap pass,
// top-p and the draw a weighted quickselect (candidate_list.h).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/sampling/candidate_list.h"
#include "core/sampling/rng.h"
#include "core/sampling/sampling_params.h"

namespace hearth {

struct TokenLogprob {
  int32_t token;
  float logprob;  // log-probability under the adjusted logits (stage 3)
};

class Sampler {
 public:
  // Validates params (throws Error(kInvalidArgument)).
  Sampler(SamplingParams params, int32_t vocab_size);

  // One token from logits ([vocab_size]). Does not add it to the history: call accept().
  int32_t sample(std::span<const float> logits);

  // The GPU's full-vocabulary draw (top_k 0): `logits` holds only the candidates the GPU ranked
  // best (every other token -inf) and `tail_weight` estimates, within `tail_error` (relative), the
  // sum of exp((l - max) / temperature) over the other tokens' adjusted logits. Returns the token
  // sample(all logits) would return when these bounds decide it (same uniform, same stages), and
  // nullopt otherwise, leaving the random stream untouched so the caller can sample() all logits.
  std::optional<int32_t> sample_bounded(std::span<const float> logits, double tail_weight, double tail_error);

  // sample() and sample_bounded() of the logits that are `logits` at `ids` and -inf elsewhere (the
  // GPU's candidates), in time linear in the candidates and the penalty window, not the vocabulary
  // (after the first such call: it fills the vocabulary-sized buffer once). The same tokens, the
  // same random stream, the same log-probabilities.
  int32_t sample_sparse(std::span<const int32_t> ids, std::span<const float> logits);
  std::optional<int32_t> sample_bounded_sparse(std::span<const int32_t> ids, std::span<const float> logits,
                                               double tail_weight, double tail_error);

  // Appends a token to the history the penalties look at (sampled tokens, and prompt tokens if
  // the caller wants the prompt penalised). Throws if token is outside [0, vocab_size).
  void accept(int32_t token);

  // Forgets the history and restarts the random stream from the seed.
  void reset();

  // For the last sample(): the top_logprobs best tokens by adjusted logit (rank order, finite
  // logits only), and the log-probability of the token returned. Empty / 0 before any sample().
  const std::vector<TokenLogprob>& last_top_logprobs() const;
  float last_logprob() const;

  const SamplingParams& params() const { return params_; }
  // The random stream's position, to draw again from the same place (a constrained step that the
  // candidates did not decide is redone from all logits).
  std::array<uint32_t, 4> rng_state() const { return rng_.state(); }
  void set_rng_state(const std::array<uint32_t, 4>& s) { rng_.set_state(s); }
  int32_t vocab_size() const { return vocab_size_; }

 private:
  int32_t sample_stochastic(double u);
  int32_t prepare(std::span<const float> logits);  // stages 1-2 and checks; returns the argmax
  int32_t prepare_sparse(std::span<const int32_t> ids, std::span<const float> logits);
  int32_t adjust();  // stages 1-2 on adjusted_ and the checks; returns the argmax
  int32_t draw(int32_t best);  // stage 4 or 5-9 with the next uniform
  std::optional<int32_t> decide_bounded(int32_t best, double tail_weight, double tail_error);
  std::span<const int32_t> penalty_window() const;
  // Calls f(t) for every token whose adjusted logit may be finite, in id order: all of them, or
  // after a sparse prepare those in sparse_.
  template <class F>
  void for_each_token(F&& f) const {
    if (sparse_mode_) {
      for (const int32_t t : sparse_) f(t);
    } else {
      for (int32_t t = 0; t < vocab_size_; ++t) f(t);
    }
  }
  std::optional<int32_t> draw_bounded(double u, double tail_lo, double tail_hi);
  void compute_logprobs() const;

  SamplingParams params_;
  int32_t vocab_size_;
  Rng rng_;
  std::vector<int32_t> history_;  // accepted tokens; trimmed to ~penalty_last_n when that is > 0
  std::vector<float> adjusted_;   // [vocab_size] adjusted logits of the last sample()
  bool sparse_mode_ = false;      // the last sample was sparse: only sparse_'s entries may differ from -inf
  std::vector<int32_t> sparse_;   // its candidates, sorted, distinct
  float max_logit_ = 0.0f;        // max of adjusted_
  CandidateList candidates_;

  int32_t last_token_ = -1;
  mutable bool logprobs_ready_ = true;
  mutable float last_logprob_ = 0.0f;
  mutable std::vector<TokenLogprob> top_logprobs_;
};

}  // namespace hearth
