#include "core/grammar/token_slices.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "core/grammar/trie_walk.h"

namespace hearth::grammar {
namespace {

// Well-formed UTF-8 multi-byte characters (Unicode Table 3-7): the byte ranges of each form.
struct Utf8Form {
  int length;
  uint8_t lo[4], hi[4];
};
constexpr Utf8Form kForms[] = {
    {2, {0xC2, 0x80}, {0xDF, 0xBF}},
    {3, {0xE0, 0xA0, 0x80}, {0xE0, 0xBF, 0xBF}},
    {3, {0xE1, 0x80, 0x80}, {0xEC, 0xBF, 0xBF}},
    {3, {0xED, 0x80, 0x80}, {0xED, 0x9F, 0xBF}},
    {3, {0xEE, 0x80, 0x80}, {0xEF, 0xBF, 0xBF}},
    {4, {0xF0, 0x90, 0x80, 0x80}, {0xF0, 0xBF, 0xBF, 0xBF}},
    {4, {0xF1, 0x80, 0x80, 0x80}, {0xF3, 0xBF, 0xBF, 0xBF}},
    {4, {0xF4, 0x80, 0x80, 0x80}, {0xF4, 0x8F, 0xBF, 0xBF}},
};

// Length of the well-formed character at text[i], or 0 when it is ill-formed or cut off.
int utf8_char_length(const std::string& text, size_t i) {
  for (const Utf8Form& f : kForms) {
    if (i + f.length > text.size()) continue;
    bool ok = true;
    for (int k = 0; k < f.length && ok; ++k) {
      uint8_t b = uint8_t(text[i + k]);
      ok = b >= f.lo[k] && b <= f.hi[k];
    }
    if (ok) return f.length;
  }
  return 0;
}

// Does every well-formed multi-byte character lead from s back to s?
bool loops_on_non_ascii(StackAutomaton& a, StateId s) {
  for (const Utf8Form& f : kForms) {
    std::vector<StateId> current = {s};
    for (int k = 0; k < f.length; ++k) {
      std::vector<StateId> next;
      for (StateId c : current)
        for (int b = f.lo[k]; b <= f.hi[k]; ++b) {
          StateId t = a.step(c, uint8_t(b));
          if (t == kDeadState) return false;
          if (std::find(next.begin(), next.end(), t) == next.end()) next.push_back(t);
        }
      if (next.size() > 8) return false;  // not one character class: not a loop worth the check
      current = std::move(next);
    }
    if (current.size() != 1 || current[0] != s) return false;
  }
  return true;
}

}  // namespace

bool TokenSlices::fill(StackAutomaton& automaton, StateId s, uint64_t* bits) {
  Key key{{0, 0}, false};
  int count = 0;
  const ByteSet live = automaton.live_bytes(s);
  for (int b = 0; b < 128; ++b) {
    if (!live.has(uint8_t(b)) || automaton.step(s, uint8_t(b)) != s) continue;
    key.ascii[b >> 6] |= uint64_t(1) << (b & 63);
    ++count;
  }
  if (count < kMinLoopBytes) return false;
  key.non_ascii = loops_on_non_ascii(automaton, s);
  const Slice& sl = slice(key);
  std::memcpy(bits, sl.inside.data(), sl.inside.size() * sizeof(uint64_t));
  walk_trie(automaton, sl.suffixes, s, bits);
  return true;
}

const TokenSlices::Slice& TokenSlices::slice(const Key& key) {
  auto found = slices_.find(key);
  if (found != slices_.end()) return *found->second;
  auto sl = std::make_unique<Slice>();
  sl->inside.assign(vocab_.words(), 0);
  std::vector<std::pair<std::string, int32_t>> suffixes;
  for (int32_t id = 0; id < vocab_.size(); ++id) {
    if (!vocab_.in_trie(id)) continue;
    const std::string& t = vocab_.bytes(id);
    size_t i = 0;
    while (i < t.size()) {
      uint8_t b = uint8_t(t[i]);
      if (b < 128) {
        if (!((key.ascii[b >> 6] >> (b & 63)) & 1)) break;
        ++i;
        continue;
      }
      int len = key.non_ascii ? utf8_char_length(t, i) : 0;
      if (len == 0) break;
      i += size_t(len);
    }
    if (i == t.size()) sl->inside[id >> 6] |= uint64_t(1) << (id & 63);
    else suffixes.push_back({t.substr(i), id});
  }
  sl->suffixes = FlatTrie::build(std::move(suffixes));
  return *slices_.emplace(key, std::move(sl)).first->second;
}

}  // namespace hearth::grammar
