// The tokens still in the running during a stochastic sample, ranked lazily.
//
// Rank order is descending logit, then ascending token id: a strict total order, so every
// selection has exactly one result whatever the standard library. Sampling only ever needs "the
// shortest ranked prefix whose weight reaches X" (top-p, and the inverse-CDF draw), which a
// weighted quickselect answers in expected O(n) without sorting ~150k tokens: partition around a
// pivot, sum the better side's weight, recurse into the side that holds the answer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hearth {

struct Candidate {
  float logit;    // the adjusted logit (after penalties and bias, before temperature)
  int32_t token;  //
  double weight;  // unnormalised probability exp((logit - max_logit) / temperature)
};

inline bool ranks_before(const Candidate& a, const Candidate& b) {
  return a.logit > b.logit || (a.logit == b.logit && a.token < b.token);
}

class CandidateList {
 public:
  // Empties the list (keeping its storage) for a new sample.
  void clear();
  void push_back(const Candidate& c) { items_.push_back(c); }

  size_t size() const { return items_.size(); }

  // Unranked access, in the list's current storage order.
  std::vector<Candidate>& items() { return items_; }

  // The i-th best candidate (i < size()), sorting more of the list if needed.
  const Candidate& ranked(size_t i);

  // Keeps only the n best candidates, ranked (n <= size()).
  void keep_best(size_t n);

  // The smallest n such that the n best candidates' weights add up to >= mass (> mass when
  // `strictly`), or size() if none does. Afterwards items()[0, n) are the n best, and items()[n-1]
  // is the n-th best. `*reached` gets that sum. Sums add partition by partition, so they may differ
  // from a rank-order running sum in the last bits.
  size_t prefix_reaching(double mass, bool strictly, double* reached);

  // Keeps items()[0, n), e.g. after prefix_reaching.
  void truncate(size_t n);

  // Drops the candidates with weight < min_weight or weight == 0 and keeps the others in their
  // storage order. Weight falls with rank, so the sorted prefix stays the sorted prefix.
  void drop_light(double min_weight);

 private:
  void sort_through(size_t n);

  std::vector<Candidate> items_;
  size_t sorted_ = 0;  // items_[0, sorted_) are the sorted_ best, in rank order
};

}  // namespace hearth
