#include "core/synth/bpe_trainer.h"

#include <map>

#include "core/util/error.h"

namespace hearth::synth {

size_t utf8_length(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::vector<Merge> train_bpe(std::vector<WordCount> words, size_t max_new_tokens,
                             std::unordered_set<std::string>& known) {
  std::vector<Merge> merges;
  size_t added = 0;
  while (added < max_new_tokens) {
    // An ordered map makes ties break the same way everywhere.
    std::map<std::pair<std::string, std::string>, int> pairs;
    for (const WordCount& w : words) {
      for (size_t i = 0; i + 1 < w.symbols.size(); ++i) pairs[{w.symbols[i], w.symbols[i + 1]}] += w.count;
    }
    const std::pair<std::string, std::string>* best = nullptr;
    int best_count = 1;
    for (const auto& [pair, count] : pairs) {
      if (count > best_count) best = &pair, best_count = count;
    }
    if (!best) break;
    const Merge m{best->first, best->second};
    const std::string joined = m.joined();
    for (WordCount& w : words) {
      std::vector<std::string> out;
      for (size_t i = 0; i < w.symbols.size(); ++i) {
        if (i + 1 < w.symbols.size() && w.symbols[i] == m.left && w.symbols[i + 1] == m.right) {
          out.push_back(joined);
          ++i;
        } else {
          out.push_back(std::move(w.symbols[i]));
        }
      }
      w.symbols = std::move(out);
    }
    merges.push_back(m);
    if (known.insert(joined).second) ++added;
  }
  return merges;
}

std::vector<Merge> random_merges(std::vector<std::string>& pool, std::unordered_set<std::string>& known,
                                 size_t count, const std::string& space_marker, size_t max_chars,
                                 SplitMix64& rng) {
  std::vector<Merge> merges;
  merges.reserve(count);
  // u³ puts most picks among the earliest (shortest, most common) members.
  auto pick = [&]() -> const std::string& {
    const double u = rng.uniform();
    return pool[static_cast<size_t>(u * u * u * static_cast<double>(pool.size()))];
  };
  size_t attempts = 0;
  while (merges.size() < count) {
    if (++attempts > 1000 * (count + 100)) fail(ErrorCode::kInternal, "random_merges: pool too small");
    const std::string& left = pick();
    const std::string& right = pick();
    if (right.compare(0, space_marker.size(), space_marker) == 0) continue;
    std::string joined = left + right;
    if (utf8_length(joined) > max_chars || known.count(joined)) continue;
    merges.push_back({left, right});
    known.insert(joined);
    pool.push_back(std::move(joined));
  }
  return merges;
}

}  // namespace hearth::synth
