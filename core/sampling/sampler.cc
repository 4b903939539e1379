#include "core/sampling/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "core/sampling/penalties.h"
#include "core/util/error.h"

namespace hearth {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

}  // namespace

Sampler::Sampler(SamplingParams params, int32_t vocab_size)
    : params_(std::move(params)), vocab_size_(vocab_size), rng_(params_.seed) {
  validate(params_, vocab_size_);
}

void Sampler::accept(int32_t token) {
  if (token < 0 || token >= vocab_size_) {
    fail(ErrorCode::kInvalidArgument, "sampling: accepted token " + std::to_string(token) +
                                          " is outside [0, " + std::to_string(vocab_size_) + ")");
  }
  history_.push_back(token);
  // Keep at most 2n so trimming is amortised O(1) per token.
  const size_t n = static_cast<size_t>(params_.penalty_last_n);
  if (params_.penalty_last_n > 0 && history_.size() >= 2 * n) {
    history_.erase(history_.begin(), history_.end() - static_cast<ptrdiff_t>(n));
  }
}

void Sampler::reset() {
  history_.clear();
  rng_.reseed(params_.seed);
  last_token_ = -1;
  logprobs_ready_ = true;
  last_logprob_ = 0.0f;
  top_logprobs_.clear();
}

std::span<const int32_t> Sampler::penalty_window() const {
  std::span<const int32_t> recent(history_);
  if (params_.penalty_last_n >= 0 && recent.size() > static_cast<size_t>(params_.penalty_last_n)) {
    recent = recent.last(static_cast<size_t>(params_.penalty_last_n));
  }
  return recent;
}

int32_t Sampler::prepare(std::span<const float> logits) {
  if (logits.size() != static_cast<size_t>(vocab_size_)) {
    fail(ErrorCode::kInvalidArgument, "sampling: got " + std::to_string(logits.size()) +
                                          " logits for a vocabulary of " +
                                          std::to_string(vocab_size_));
  }
  sparse_mode_ = false;
  adjusted_.assign(logits.begin(), logits.end());
  return adjust();
}

int32_t Sampler::prepare_sparse(std::span<const int32_t> ids, std::span<const float> logits) {
  if (ids.size() != logits.size()) fail(ErrorCode::kInvalidArgument, "sampling: candidate ids and logits differ in count");
  // back to all -inf: only the entries the last sparse call wrote differ from it
  if (sparse_mode_ && adjusted_.size() == static_cast<size_t>(vocab_size_)) {
    for (const int32_t t : sparse_) adjusted_[static_cast<size_t>(t)] = kNegInf;
  } else {
    adjusted_.assign(static_cast<size_t>(vocab_size_), kNegInf);
  }
  sparse_mode_ = true;
  sparse_.clear();
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] < 0 || ids[i] >= vocab_size_) {
      fail(ErrorCode::kInvalidArgument, "sampling: candidate token " + std::to_string(ids[i]) + " is outside the vocabulary");
    }
    adjusted_[static_cast<size_t>(ids[i])] = logits[i];  // a repeated id: the last wins, as in a dense write
    sparse_.push_back(ids[i]);
  }
  // stages 1-2 keep -inf entries -inf (repetition_penalty > 0): only the candidates can be finite
  std::sort(sparse_.begin(), sparse_.end());
  sparse_.erase(std::unique(sparse_.begin(), sparse_.end()), sparse_.end());
  return adjust();
}

int32_t Sampler::adjust() {
  // Stage 1: penalties over the window.
  apply_penalties(params_, penalty_window(), adjusted_);

  // Stage 2: logit bias; -100 is a ban.
  for (const auto& [token, bias] : params_.logit_bias) {
    float& l = adjusted_[static_cast<size_t>(token)];
    l = bias == -100.0f ? kNegInf : l + bias;
  }

  // Checks, and the argmax that both stage 4 and stage 6 need (ties to the lowest id).
  int32_t best = -1;
  for_each_token([&](int32_t t) {
    const float l = adjusted_[static_cast<size_t>(t)];
    if (std::isnan(l) || l == std::numeric_limits<float>::infinity()) {
      fail(ErrorCode::kInvalidArgument, "sampling: logit of token " + std::to_string(t) + " is " +
                                            (std::isnan(l) ? "NaN" : "+inf"));
    }
    if (l != kNegInf && (best < 0 || l > adjusted_[static_cast<size_t>(best)])) best = t;
  });
  if (best < 0) fail(ErrorCode::kInvalidArgument, "sampling: every token has a -inf logit");
  max_logit_ = adjusted_[static_cast<size_t>(best)];

  // Stage 3 is computed lazily by compute_logprobs(), from adjusted_.
  logprobs_ready_ = false;
  return best;
}

int32_t Sampler::sample(std::span<const float> logits) { return draw(prepare(logits)); }

int32_t Sampler::sample_sparse(std::span<const int32_t> ids, std::span<const float> logits) {
  return draw(prepare_sparse(ids, logits));
}

int32_t Sampler::draw(int32_t best) {
  const double u = rng_.uniform();
  last_token_ = params_.temperature <= 0.0f ? best : sample_stochastic(u);
  return last_token_;
}

std::optional<int32_t> Sampler::sample_bounded(std::span<const float> logits, double tail_weight, double tail_error) {
  return decide_bounded(prepare(logits), tail_weight, tail_error);
}

std::optional<int32_t> Sampler::sample_bounded_sparse(std::span<const int32_t> ids, std::span<const float> logits,
                                                      double tail_weight, double tail_error) {
  return decide_bounded(prepare_sparse(ids, logits), tail_weight, tail_error);
}

std::optional<int32_t> Sampler::decide_bounded(int32_t best, double tail_weight, double tail_error) {
  Rng peek = rng_;  // committed only when the bounds decide
  const double u = peek.uniform();
  std::optional<int32_t> token;
  if (params_.temperature <= 0.0f) {
    token = best;
  } else if (params_.top_k == 0 || params_.top_k >= vocab_size_) {
    // tokens whose weight underflows in f32 but not in double: at most one float denormal each
    const double slack = double(vocab_size_) * 1e-37;
    token = draw_bounded(u, std::max(0.0, tail_weight * (1.0 - tail_error)), tail_weight * (1.0 + tail_error) + slack);
  }
  if (token) {
    rng_ = peek;
    last_token_ = *token;
  }
  return token;
}

// Stages 6-9 of the no-top-k branch, over the candidates in adjusted_ (the finite entries) plus a
// tail whose weight is only known to lie in [tail_lo, tail_hi]. Every tail token ranks after every
// candidate, so it weighs at most the last candidate. Decides only what the bounds decide.
std::optional<int32_t> Sampler::draw_bounded(double u, double tail_lo, double tail_hi) {
  std::vector<Candidate> c;
  const double temperature = params_.temperature;
  const double max_logit = max_logit_;
  for_each_token([&](int32_t t) {
    const float l = adjusted_[static_cast<size_t>(t)];
    if (l != kNegInf) c.push_back({l, t, std::exp((static_cast<double>(l) - max_logit) / temperature)});
  });
  std::sort(c.begin(), c.end(), ranks_before);
  double zc = 0.0;
  for (const Candidate& x : c) zc += x.weight;
  // Stage 8 keeps a prefix of the candidates: weight > 0 and not below min_p.
  const double min_p = params_.min_p;
  size_t kept = 0;
  while (kept < c.size() && c[kept].weight > 0.0 && !(c[kept].weight < min_p)) ++kept;
  // The tail is dropped whole when even the last candidate's weight is below min_p (or nothing is
  // there); kept whole when min_p is 0 (less its zero weights, which add nothing); else unknown.
  const bool tail_empty = tail_hi <= 0.0;
  const bool tail_dropped = tail_empty || (min_p > 0.0 && !c.empty() && c.back().weight * (1.0 + 1e-6) < min_p);
  if (!tail_dropped && min_p > 0.0) return std::nullopt;
  if (!tail_dropped && kept < c.size()) return std::nullopt;  // candidates with zero weight before a tail
  bool complete = tail_dropped;  // the kept list is fully known
  size_t n = kept;
  double z_kept_lo = 0.0;
  for (size_t i = 0; i < kept; ++i) z_kept_lo += c[i].weight;
  double z_kept_hi = z_kept_lo;
  if (!complete) {
    z_kept_lo += tail_lo;
    z_kept_hi += tail_hi;
  }
  // The first count of kept candidates whose running sum reaches `mass` (> when strictly), or 0.
  const auto reaching = [&](double mass, bool strictly) -> size_t {
    double sum = 0.0;
    for (size_t i = 0; i < n; ++i) {
      sum += c[i].weight;
      if (strictly ? sum > mass : sum >= mass) return i + 1;
    }
    return 0;
  };
  // Stage 7: top-p against Z over everything (candidates and tail).
  if (params_.top_p < 1.0f) {
    const double top_p = params_.top_p;
    const size_t lo = reaching(top_p * (zc + tail_lo), false);
    const size_t hi = reaching(top_p * (zc + tail_hi), false);  // Z counts the tail even when min-p drops it
    if (lo != hi) return std::nullopt;
    if (hi == 0) {
      if (!complete) return std::nullopt;  // the prefix may end in the tail
    } else {
      n = hi;  // truncated: the kept list is the first n candidates, its mass exact
      complete = true;
      z_kept_lo = 0.0;
      for (size_t i = 0; i < n; ++i) z_kept_lo += c[i].weight;
      z_kept_hi = z_kept_lo;
    }
  }
  // Stage 9.
  if (complete) {
    if (n == 0) return std::nullopt;
    const size_t i = reaching(u * z_kept_lo, true);
    return c[(i == 0 ? n : i) - 1].token;
  }
  const size_t lo = reaching(u * z_kept_lo, true);
  const size_t hi = reaching(u * z_kept_hi, true);
  if (lo == 0 || lo != hi) return std::nullopt;
  return c[lo - 1].token;
}

int32_t Sampler::sample_stochastic(double u) {
  CandidateList& c = candidates_;
  c.clear();
  const double temperature = params_.temperature;
  const double max_logit = max_logit_;
  const auto weight = [&](float l) {
    return std::exp((static_cast<double>(l) - max_logit) / temperature);
  };

  // Steps 5, 6 and 8 (min-p needs no ranking, and shrinks what step 7 ranks; both keep a prefix).
  const double min_p = params_.min_p;
  double z = 0.0;       // stage 6's Z
  double z_kept = 0.0;  // weight left after stage 8
  const size_t k = static_cast<size_t>(params_.top_k);
  if (k > 0 && k < static_cast<size_t>(vocab_size_)) {
    // One pass keeping the k best in a heap whose front is the worst kept; weights after the
    // selection so only k exps. Z then adds in rank order.
    std::vector<Candidate>& heap = c.items();
    for_each_token([&](int32_t t) {
      const Candidate cand{adjusted_[static_cast<size_t>(t)], t, 0.0};
      if (cand.logit == kNegInf) return;
      if (heap.size() < k) {
        heap.push_back(cand);
        std::push_heap(heap.begin(), heap.end(), ranks_before);
      } else if (ranks_before(cand, heap.front())) {
        std::pop_heap(heap.begin(), heap.end(), ranks_before);
        heap.back() = cand;
        std::push_heap(heap.begin(), heap.end(), ranks_before);
      }
    });
    c.keep_best(heap.size());  // sorts them
    for (Candidate& cand : c.items()) z += (cand.weight = weight(cand.logit));
    c.drop_light(min_p);
    for (const Candidate& cand : c.items()) z_kept += cand.weight;
  } else {
    // One pass in id order, for Z and the survivors of min-p alike.
    for_each_token([&](int32_t t) {
      const float l = adjusted_[static_cast<size_t>(t)];
      if (l == kNegInf) return;
      const double w = weight(l);
      z += w;
      if (w == 0.0 || w < min_p) return;
      c.push_back({l, t, w});
      z_kept += w;
    });
  }

  // Stage 7: top-p, threshold against the pre-min-p Z as the definition says.
  if (params_.top_p < 1.0f) {
    double mass = 0.0;
    const size_t n = c.prefix_reaching(static_cast<double>(params_.top_p) * z, false, &mass);
    if (n < c.size()) {
      c.truncate(n);
      z_kept = mass;
    }
  }

  // Stage 9: inverse CDF in rank order.
  double unused = 0.0;
  const size_t n = c.prefix_reaching(u * z_kept, true, &unused);
  return c.items()[n - 1].token;
}

void Sampler::compute_logprobs() const {
  logprobs_ready_ = true;
  top_logprobs_.clear();
  if (last_token_ < 0) return;
  double sum = 0.0;
  const double max_logit = max_logit_;
  // (tokens left out by a sparse sample are -inf: they add exp(-inf) = 0)
  for_each_token([&](int32_t t) { sum += std::exp(static_cast<double>(adjusted_[static_cast<size_t>(t)]) - max_logit); });
  const double lse = max_logit + std::log(sum);
  const auto logprob = [&](float l) { return static_cast<float>(static_cast<double>(l) - lse); };
  last_logprob_ = logprob(adjusted_[static_cast<size_t>(last_token_)]);

  // Best top_logprobs by rank; a sorted insert suffices for n <= 20.
  const size_t n = static_cast<size_t>(params_.top_logprobs);
  if (n == 0) return;
  std::vector<TokenLogprob>& top = top_logprobs_;  // holds logits until the end
  for_each_token([&](int32_t t) {
    const float l = adjusted_[static_cast<size_t>(t)];
    if (l == kNegInf || (top.size() == n && !(l > top.back().logprob))) return;
    if (top.size() == n) top.pop_back();
    size_t at = top.size();
    while (at > 0 && l > top[at - 1].logprob) --at;  // strict: equal logits keep lower id first
    top.insert(top.begin() + static_cast<ptrdiff_t>(at), {t, l});
  });
  for (TokenLogprob& e : top) e.logprob = logprob(e.logprob);
}

const std::vector<TokenLogprob>& Sampler::last_top_logprobs() const {
  if (!logprobs_ready_) compute_logprobs();
  return top_logprobs_;
}

float Sampler::last_logprob() const {
  if (!logprobs_ready_) compute_logprobs();
  return last_logprob_;
}

}  // namespace hearth
