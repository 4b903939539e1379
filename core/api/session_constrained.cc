// The session's constrained sampling (a bound grammar, grammar_gate.h): the mask, the token budget,
// and the same draws from a GPU's candidates as from all logits.
#include <algorithm>
#include <cmath>

#include "core/api/session.h"
#include "core/util/error.h"

namespace hearth::api {

void Session::fill_grammar_mask() {
  grammar::GrammarMatcher& matcher = gate_->matcher();
  mask_.resize(matcher.grammar().vocabulary().words());
  matcher.fill_mask(mask_.data());
}

void Session::apply_grammar_mask() {
  fill_grammar_mask();
  const size_t n = logits_.size();
  bool any = false;
  for (size_t i = 0; i < n; ++i) {
    if ((mask_[i >> 6] >> (i & 63)) & 1) any = true;
    else logits_[i] = -INFINITY;
  }
  if (!any) {
    generating_ = false;
    fail(ErrorCode::kUnsupported, "the grammar allows no token of this model's vocabulary here (it needs bytes no token starts with)");
  }
}


int64_t Session::tokens_left() const {
  const int64_t n_past = external_ ? external_n_past_ : int64_t(exec_->n_past());
  int64_t left = model_->n_ctx() - n_past + 1;
  if (max_tokens_ >= 0) left = std::min(left, max_tokens_ - generated_);
  return left;
}

int32_t Session::sample_within_budget() {
  // A constrained reply must end complete: a token is taken only if what the grammar still needs
  // after it (a byte a token at worst) and an end token fit in the tokens left. Far from the
  // budget every token fits, and the first sample is the answer; near it, refused tokens are
  // banned and the sample drawn again, and after a few refusals the whole mask is filtered once.
  const int64_t left = tokens_left();
  if (!can_finish(left)) return sampler_->sample(logits_);  // cannot finish: no steering
  auto fits = [&](int32_t t) { return fits_budget(t, left); };
  for (int tries = 0; tries < 8; ++tries) {
    const int32_t t = sampler_->sample(logits_);
    if (fits(t)) return t;
    logits_[size_t(t)] = -INFINITY;
  }
  const std::vector<float> kept = logits_;
  bool any = false;
  for (size_t i = 0; i < logits_.size(); ++i) {
    if (logits_[i] == -INFINITY) continue;
    if (fits(int32_t(i))) any = true;
    else logits_[i] = -INFINITY;
  }
  if (!any) logits_ = kept;  // no token finishes in time (no single-byte token for the next byte): sample as masked
  return sampler_->sample(logits_);
}

bool Session::can_finish(int64_t left) {
  return int64_t(gate_->matcher().min_bytes_to_accept()) + 1 <= left;
}

bool Session::fits_budget(int32_t t, int64_t left) {
  if (tokenizer_->is_eog(t)) return true;
  const int64_t need = gate_->matcher().min_bytes_to_accept_after(t);
  return need == 0 || need + 1 <= left - 1;
}

bool Session::grammar_mask(std::span<uint64_t> words) {
  std::fill(words.begin(), words.end(), 0);
  if (!gate_ || !gate_->bound()) return false;
  fill_grammar_mask();
  const size_t n_vocab = size_t(model().config().n_vocab);
  if (words.size() * 64 < n_vocab) fail(ErrorCode::kInvalidArgument, "the grammar mask needs " + std::to_string((n_vocab + 63) / 64) + " words");
  std::copy_n(mask_.begin(), std::min(mask_.size(), words.size()), words.begin());
  // tokens past the tokenizer's (a padded output layer) are never allowed
  for (size_t i = n_vocab; i < words.size() * 64; ++i) words[i >> 6] &= ~(uint64_t(1) << (i & 63));
  return true;
}

// The draws step_impl makes from all logits (sample_within_budget), made from candidates: the best
// n of the masked logits. Each draw is decided by the candidates when the tokens it ranks lie in
// their first half (the GPU's ranking may swap near-ties at the n-th place), or when they hold every
// allowed token (fewer allowed than n: the masked ones rank last and are dropped here). Anything
// else restores the random stream and returns nullopt: hand over all logits (step_with_logits).
std::optional<StepResult> Session::constrained_candidates_step(std::span<const int32_t> ids, std::span<const float> logits,
                                                               std::optional<Tail> tail) {
  grammar::GrammarMatcher& m = gate_->matcher();
  std::vector<int32_t> cid;
  std::vector<float> cl;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!m.is_allowed(ids[i])) continue;
    cid.push_back(ids[i]);
    cl.push_back(logits[i]);
  }
  const bool complete = cid.size() < ids.size();
  const size_t n = ids.size();
  const SamplingParams& p = sampler_->params();
  const size_t k = p.temperature <= 0.0f ? 1 : size_t(std::max(p.top_k, 1));
  const auto rng0 = sampler_->rng_state();
  size_t removed = 0;  // candidates taken out of the ranking by the budget
  auto draw = [&]() -> std::optional<int32_t> {
    if (cid.empty()) return std::nullopt;
    if (tail && p.temperature > 0.0f) {
      if (!complete && removed * 2 > n) return std::nullopt;
      return sampler_->sample_bounded_sparse(cid, cl, complete ? 0.0 : tail->weight, tail->error);
    }
    if (!complete && (removed + k) * 2 > n) return std::nullopt;
    return sampler_->sample_sparse(cid, cl);
  };
  auto undecided = [&]() -> std::optional<StepResult> {
    sampler_->set_rng_state(rng0);
    return std::nullopt;
  };
  auto drop = [&](size_t i) {
    cid.erase(cid.begin() + ptrdiff_t(i));
    cl.erase(cl.begin() + ptrdiff_t(i));
    ++removed;
  };
  const int64_t left = tokens_left();
  if (!can_finish(left)) {
    const std::optional<int32_t> t = draw();
    return t ? std::optional<StepResult>(finish_step(*t)) : undecided();
  }
  for (int tries = 0; tries < 8; ++tries) {
    const std::optional<int32_t> t = draw();
    if (!t) return undecided();
    if (fits_budget(*t, left)) return finish_step(*t);
    drop(size_t(std::find(cid.begin(), cid.end(), *t) - cid.begin()));
  }
  // the whole-mask filter: tokens outside the candidates may not fit either, so only a complete
  // set decides a draw over the whole vocabulary
  for (size_t i = cid.size(); i-- > 0;)
    if (!fits_budget(cid[i], left)) drop(i);
  if (cid.empty() || (tail && p.temperature > 0.0f && !complete)) return undecided();
  const std::optional<int32_t> t = draw();
  return t ? std::optional<StepResult>(finish_step(*t)) : undecided();
}

}  // namespace hearth::api
