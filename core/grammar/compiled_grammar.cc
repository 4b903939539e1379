#include "core/grammar/compiled_grammar.h"

#include <cstring>

#include "core/grammar/trie_walk.h"

namespace hearth::grammar {

CompiledGrammar::CompiledGrammar(std::shared_ptr<const Grammar> grammar, std::shared_ptr<const TokenVocabulary> vocab,
                                 std::shared_ptr<TokenSlices> slices)
    : grammar_(grammar), vocab_(std::move(vocab)), slices_(std::move(slices)), automaton_(std::move(grammar)) {}

StateId CompiledGrammar::after_token(StateId s, int32_t id) {
  if (s == kDeadState || id < 0 || id >= vocab_->size()) return kDeadState;
  if (vocab_->is_end_token(id)) return automaton_.accepting(s) ? s : kDeadState;
  if (!vocab_->in_trie(id)) return kDeadState;
  const std::string& b = vocab_->bytes(id);
  return automaton_.walk(s, b.data(), b.size());
}

void CompiledGrammar::fill_mask(StateId s, uint64_t* bits) {
  const size_t words = vocab_->words();
  auto found = masks_.find(s);
  if (found != masks_.end()) {
    std::memcpy(bits, found->second.data(), words * sizeof(uint64_t));
    return;
  }
  compute_mask(s, bits);
  if (cache_bytes_ + words * 8 > kMaxCacheBytes) {
    masks_.clear();
    cache_bytes_ = 0;
  }
  masks_.emplace(s, std::vector<uint64_t>(bits, bits + words));
  cache_bytes_ += words * 8;
}

void CompiledGrammar::compute_mask(StateId s, uint64_t* bits) {
  std::memset(bits, 0, vocab_->words() * sizeof(uint64_t));
  if (s == kDeadState) return;
  if (!slices_ || !slices_->fill(automaton_, s, bits)) walk_trie(automaton_, vocab_->trie(), s, bits);
  if (automaton_.accepting(s))
    for (int32_t id : vocab_->end_tokens()) bits[id >> 6] |= uint64_t(1) << (id & 63);
}

}  // namespace hearth::grammar
