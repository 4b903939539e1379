#include "core/api/grammar_vocabulary.h"

namespace hearth::api {

std::shared_ptr<const grammar::TokenVocabulary> grammar_vocabulary(const Tokenizer& tokenizer) {
  const int32_t n = tokenizer.vocab_size();
  std::vector<std::string> bytes(n);
  std::vector<bool> excluded(n, false);
  std::vector<int32_t> ends;
  for (int32_t id = 0; id < n; ++id) {
    if (tokenizer.is_eog(id)) { ends.push_back(id); continue; }
    if (tokenizer.is_control(id)) { excluded[id] = true; continue; }
    bytes[id] = tokenizer.token_to_piece(id, /*render_special=*/false);
  }
  return std::make_shared<grammar::TokenVocabulary>(std::move(bytes), std::move(ends), excluded);
}

}  // namespace hearth::api
