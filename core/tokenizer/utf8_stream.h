// Streaming detokenizer: generation hands it token ids one at a time and gets back only whole UTF-8
// characters. A character split over several tokens (byte-fallback tokens, byte-level BPE pieces of
// an emoji) is held back until it completes; bytes that can never form a character come out as
// U+FFFD, one per maximal ill-formed subsequence (the Unicode "best practice"), as soon as they are
// known to be invalid, and an unfinished character left at flush() becomes one U+FFFD.
//
// Pieces are token_to_piece(id, render_special), with no leading-space stripping: a stream is the
// continuation of a prompt. Concatenating every push() and the final flush() equals decode() of the
// same ids (without decode's first-token space strip) whenever that text is valid UTF-8.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/tokenizer/tokenizer.h"

namespace hearth {

class Utf8Stream {
 public:
  explicit Utf8Stream(Tokenizer tokenizer, bool render_special = false)
      : tokenizer_(std::move(tokenizer)), render_special_(render_special) {}

  std::string push(int32_t id);               // throws Error(kInvalidArgument) for a bad id
  std::string push_bytes(std::string_view bytes);
  std::string flush();                        // everything still held, invalid tails as U+FFFD
  size_t pending_bytes() const { return pending_.size(); }

 private:
  Tokenizer tokenizer_;
  bool render_special_;
  std::string pending_;  // bytes of an unfinished character
};

}  // namespace hearth
