// hearth's tokenizer: built from a GGUF file's `tokenizer.ggml.*` metadata, it encodes and decodes
// exactly as llama.cpp's llama-vocab does for the same file.
//
//   tokenizer.ggml.model   algorithm
//   "llama"                SentencePiece-style BPE over scores, byte fallback <0xXX>, ▁ for spaces
//   "gpt2"                 byte-level BPE over merges, split first by a pre-tokenizer chosen by
//                          tokenizer.ggml.pre (see pre_tokenizer.h for the names)
//   "bert"                 WordPiece with BERT's normalisation (lowercase, accents stripped)
//
// Decoding returns raw bytes: a single token may hold part of a UTF-8 character (byte tokens), so
// streamed generation goes through Utf8Stream (utf8_stream.h), which only emits whole characters.
// Decoding is byte-exact: llama.cpp's optional "clean_up_tokenization_spaces" rewrite is not applied.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hearth {

class GgufFile;

namespace tok {
struct Vocab;
}

class Tokenizer {
 public:
  // Throws Error(kUnsupported) for an unknown tokenizer.ggml.model or tokenizer.ggml.pre (the
  // message lists the supported names) and Error(kMalformedFile) naming the key for inconsistent
  // metadata (array lengths, merges naming unknown tokens, special ids outside the vocabulary).
  static Tokenizer from_gguf(const GgufFile& file);

  // add_special: add BOS / EOS (BERT: [CLS] / [SEP]) as the file's add_*_token flags say, with
  //   llama.cpp's per-model defaults when a flag is absent (llama: BOS only; gpt2: none, except
  //   llama3-style pre-tokenizers which add BOS; bert: [CLS] and [SEP]).
  // parse_special: text of control tokens (e.g. "<|eot_id|>", "<s>") becomes that token; when false
  //   it is tokenized as plain text. User-defined tokens are always matched, as in llama.cpp.
  std::vector<int32_t> encode(std::string_view text, bool add_special, bool parse_special) const;

  // Concatenates token_to_piece(id, render_special) for all ids, except that the space a
  // SentencePiece tokenizer prefixed on encoding is removed from the first token (llama.cpp's
  // llama_detokenize). Throws Error(kInvalidArgument) for an id outside [0, vocab_size()).
  std::string decode(std::span<const int32_t> ids, bool render_special = false) const;

  // The raw bytes a token stands for: byte tokens give their byte, SentencePiece's ▁ becomes a
  // space, GPT-2's byte alphabet is mapped back to bytes. Control and unknown tokens give "" unless
  // render_special, which gives their text (e.g. "<|im_end|>"). User-defined tokens give their text.
  std::string token_to_piece(int32_t id, bool render_special = false) const;

  int32_t vocab_size() const;
  int32_t bos_id() const;  // -1 when the vocabulary has none
  int32_t eos_id() const;
  int32_t eot_id() const;
  int32_t unk_id() const;
  int32_t sep_id() const;
  int32_t pad_id() const;
  bool add_bos() const;  // what add_special does
  bool add_eos() const;
  // End of generation: EOS, EOT and tokens llama.cpp recognises by text (<|im_end|>, <|eot_id|>,
  // <end_of_turn>, <|end|>, <|endoftext|>, FIM pad/repo/file-separator, ...).
  bool is_eog(int32_t id) const;
  bool is_control(int32_t id) const;
  const std::string& token_text(int32_t id) const;  // the vocabulary entry, unmodified
  // The BOS / EOS entry's text ("" when the vocabulary has none): a chat template's bos_token / eos_token.
  std::string bos_text() const;
  std::string eos_text() const;
  int32_t token_id(std::string_view text) const;   // exact vocabulary entry lookup, -1 if absent

  std::string model_name() const;  // "llama", "gpt2", "bert"
  std::string pre_name() const;    // tokenizer.ggml.pre, "" when absent

 private:
  explicit Tokenizer(std::shared_ptr<const tok::Vocab> vocab);
  void check_id(int32_t id) const;

  std::shared_ptr<const tok::Vocab> vocab_;  // immutable, so copies share it
};

}  // namespace hearth
