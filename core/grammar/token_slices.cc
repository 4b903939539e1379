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

// Where every well-formed multi-byte character leads from s: one state, kDeadState when every one
// is refused, or -2 when they differ (no class).
constexpr StateId kMixed = -2;
StateId non_ascii_target(StackAutomaton& a, StateId s) {
  StateId target = kMixed;
  bool first = true;
  for (const Utf8Form& f : kForms) {
    std::vector<StateId> current = {s};
    for (int k = 0; k < f.length && !current.empty(); ++k) {
      std::vector<StateId> next;
      bool dead = false;
      for (StateId c : current)
        for (int b = f.lo[k]; b <= f.hi[k]; ++b) {
          StateId t = a.step(c, uint8_t(b));
          if (t == kDeadState) { dead = true; continue; }
          if (std::find(next.begin(), next.end(), t) == next.end()) next.push_back(t);
        }
      if (dead && !next.empty()) return kMixed;  // part of the form refused, part not
      if (next.size() > 8) return kMixed;
      current = std::move(next);
    }
    StateId got = current.empty() ? kDeadState : current.size() == 1 ? current[0] : kMixed;
    if (got == kMixed) return kMixed;
    if (first) { target = got; first = false; }
    else if (got != target) return kMixed;
  }
  return target;
}

// Where every byte of ascii leads from s: one state, kDeadState when all are refused, or kMixed.
StateId ascii_target(StackAutomaton& a, StateId s, const uint64_t ascii[2]) {
  StateId target = kMixed;
  for (int b = 0; b < 128; ++b) {
    if (!((ascii[b >> 6] >> (b & 63)) & 1)) continue;
    StateId t = a.step(s, uint8_t(b));
    if (target == kMixed) target = t;
    else if (t != target) return kMixed;
  }
  return target;
}

}  // namespace

bool TokenSlices::fill(StackAutomaton& automaton, StateId s, uint64_t* bits) {
  // The class: the ASCII bytes that lead from s to the state most of them lead to.
  std::unordered_map<StateId, int> votes;
  StateId next[128];
  const ByteSet live = automaton.live_bytes(s);
  for (int b = 0; b < 128; ++b) {
    next[b] = live.has(uint8_t(b)) ? automaton.step(s, uint8_t(b)) : kDeadState;
    if (next[b] != kDeadState) ++votes[next[b]];
  }
  StateId s1 = kDeadState;
  int count = 0;
  for (auto [t, n] : votes)
    if (n > count || (n == count && t < s1)) { s1 = t; count = n; }
  if (count < kMinLoopBytes) return false;
  Key key{{0, 0}, false};
  for (int b = 0; b < 128; ++b)
    if (next[b] == s1) key.ascii[b >> 6] |= uint64_t(1) << (b & 63);
  const StateId multi = non_ascii_target(automaton, s);
  key.non_ascii = multi == s1;
  const Slice& sl = slice(key);

  // The chain S_0 = s, S_1, ... as far as any token's class prefix reaches.
  std::vector<StateId> chain = {s};
  bool loops = false;  // the last chain state leads to itself
  while (int(chain.size()) <= sl.max_count) {
    StateId cur = chain.back();
    StateId t = chain.size() == 1 ? s1 : ascii_target(automaton, cur, key.ascii);
    if (t == kMixed) return false;
    if (key.non_ascii && chain.size() > 1 && non_ascii_target(automaton, cur) != t) return false;
    if (t == kDeadState) break;  // the chain ends at cur
    if (t == cur) { loops = true; break; }
    chain.push_back(t);
  }
  const int m = int(chain.size()) - 1;  // class characters the chain takes (more if it loops)
  auto state_after = [&](int c) { return c <= m ? chain[c] : loops ? chain[m] : kDeadState; };
  const int reach = loops ? sl.max_count : std::min(m, sl.max_count);
  const int dense = std::min(reach, kDenseCounts - 1);
  std::memcpy(bits, sl.inside_upto[dense].data(), vocab_.words() * sizeof(uint64_t));
  for (auto [c, id] : sl.inside_long)
    if (c <= reach) bits[id >> 6] |= uint64_t(1) << (id & 63);
  for (int c = 0; c < int(sl.suffixes.size()); ++c) {
    StateId from = state_after(c);
    if (from != kDeadState && sl.suffixes[c].nodes.size() > 1) walk_trie(automaton, sl.suffixes[c], from, bits);
  }
  return true;
}

const TokenSlices::Slice& TokenSlices::slice(const Key& key) {
  auto found = slices_.find(key);
  if (found != slices_.end()) return *found->second;
  auto sl = std::make_unique<Slice>();
  std::vector<std::pair<int, int32_t>> inside;
  std::vector<std::vector<std::pair<std::string, int32_t>>> suffixes;
  for (int32_t id = 0; id < vocab_.size(); ++id) {
    if (!vocab_.in_trie(id)) continue;
    const std::string& t = vocab_.bytes(id);
    size_t i = 0;
    int chars = 0;
    while (i < t.size()) {
      uint8_t b = uint8_t(t[i]);
      if (b < 128) {
        if (!((key.ascii[b >> 6] >> (b & 63)) & 1)) break;
        ++i, ++chars;
        continue;
      }
      int len = key.non_ascii ? utf8_char_length(t, i) : 0;
      if (len == 0) break;
      i += size_t(len);
      ++chars;
    }
    sl->max_count = std::max(sl->max_count, chars);
    if (i == t.size()) {
      inside.push_back({chars, id});
    } else {
      if (int(suffixes.size()) <= chars) suffixes.resize(chars + 1);
      suffixes[chars].push_back({t.substr(i), id});
    }
  }
  sl->inside_upto.assign(kDenseCounts, std::vector<uint64_t>(vocab_.words(), 0));
  for (auto [c, id] : inside) {
    if (c >= kDenseCounts) { sl->inside_long.push_back({c, id}); continue; }
    for (int k = c; k < kDenseCounts; ++k) sl->inside_upto[k][id >> 6] |= uint64_t(1) << (id & 63);
  }
  for (auto& list : suffixes) sl->suffixes.push_back(FlatTrie::build(std::move(list)));
  return *slices_.emplace(key, std::move(sl)).first->second;
}

}  // namespace hearth::grammar
