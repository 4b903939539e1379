#include "core/sampling/candidate_list.h"

#include <algorithm>

namespace hearth {

void CandidateList::clear() {
  items_.clear();
  sorted_ = 0;
}

const Candidate& CandidateList::ranked(size_t i) {
  if (i >= sorted_) sort_through(std::max({i + 1, sorted_ * 4, size_t{64}}));
  return items_[i];
}

void CandidateList::keep_best(size_t n) {
  sort_through(n);
  items_.resize(std::min(n, items_.size()));
  sorted_ = items_.size();
}

void CandidateList::truncate(size_t n) {
  items_.resize(std::min(n, items_.size()));
  sorted_ = std::min(sorted_, items_.size());
}

size_t CandidateList::prefix_reaching(double mass, bool strictly, double* reached) {
  const auto reaches = [&](double acc) { return strictly ? acc > mass : acc >= mass; };
  double acc = 0.0;
  // The sorted prefix first: with top-k it is the whole list.
  for (size_t i = 0; i < sorted_; ++i) {
    acc += items_[i].weight;
    if (reaches(acc)) {
      *reached = acc;
      return i + 1;
    }
  }
  // Invariant: items_[0, lo) are the lo best and weigh acc; the answer lies in [lo, hi).
  size_t lo = sorted_, hi = items_.size();
  while (hi - lo > 32) {
    // Median of three by rank as the pivot, moved to the end, then Lomuto partition.
    const size_t mid = lo + (hi - lo) / 2;
    Candidate* a = &items_[lo];
    Candidate* b = &items_[mid];
    Candidate* c = &items_[hi - 1];
    if (ranks_before(*b, *a)) std::swap(a, b);
    if (ranks_before(*c, *b)) std::swap(b, c);
    if (ranks_before(*b, *a)) std::swap(a, b);
    std::swap(*b, items_[hi - 1]);
    const Candidate pivot = items_[hi - 1];
    size_t m = lo;
    double better = 0.0;
    for (size_t i = lo; i + 1 < hi; ++i) {
      if (ranks_before(items_[i], pivot)) {
        better += items_[i].weight;
        std::swap(items_[i], items_[m++]);
      }
    }
    std::swap(items_[m], items_[hi - 1]);  // pivot at m: [lo, m) better, (m, hi) worse
    if (reaches(acc + better)) {
      hi = m;
    } else if (reaches(acc + better + pivot.weight)) {
      *reached = acc + better + pivot.weight;
      return m + 1;
    } else {
      acc += better + pivot.weight;
      lo = m + 1;
    }
  }
  std::sort(items_.begin() + static_cast<ptrdiff_t>(lo), items_.begin() + static_cast<ptrdiff_t>(hi),
            ranks_before);
  for (size_t i = lo; i < hi; ++i) {
    acc += items_[i].weight;
    if (reaches(acc)) {
      *reached = acc;
      return i + 1;
    }
  }
  // Rounding left the mass unreached: [lo, hi) is sorted, so items_[hi - 1] is the hi-th best.
  *reached = acc;
  return hi;
}

void CandidateList::drop_light(double min_weight) {
  size_t kept = 0, kept_sorted = 0;
  for (size_t i = 0; i < items_.size(); ++i) {
    const Candidate& c = items_[i];
    if (c.weight == 0.0 || c.weight < min_weight) continue;
    if (i < sorted_) ++kept_sorted;
    items_[kept++] = c;
  }
  items_.resize(kept);
  sorted_ = kept_sorted;
}

void CandidateList::sort_through(size_t n) {
  n = std::min(n, items_.size());
  if (n <= sorted_) return;
  const auto first = items_.begin() + static_cast<ptrdiff_t>(sorted_);
  const auto mid = items_.begin() + static_cast<ptrdiff_t>(n);
  if (mid != items_.end()) std::nth_element(first, mid, items_.end(), ranks_before);
  std::sort(first, mid, ranks_before);
  sorted_ = n;
}

}  // namespace hearth
