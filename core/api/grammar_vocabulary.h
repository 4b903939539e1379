// The bridge from a model's tokenizer to the grammar engine: every token's bytes, the end tokens,
// and which tokens grammars never allow (control tokens: they are not text).
#pragma once

#include <memory>

#include "core/grammar/token_vocabulary.h"
#include "core/tokenizer/tokenizer.h"

namespace hearth::api {

std::shared_ptr<const grammar::TokenVocabulary> grammar_vocabulary(const Tokenizer& tokenizer);

}  // namespace hearth::api
