// libFuzzer target: the tokenizers on arbitrary bytes, one of each kind hearth implements (SPM,
// byte-level BPE with two pre-tokenizers, WordPiece) from the real vocabularies in
// HEARTH_SHARED_DIR/tokenizers. The first byte picks the tokenizer and the flags; encoding never
// crashes and gives ids of the vocabulary, and decoding those ids never crashes.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "core/gguf/gguf_file.h"
#include "core/tokenizer/tokenizer.h"
#include "core/util/error.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

std::vector<std::unique_ptr<hearth::Tokenizer>> tokenizers;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  for (const char* name : {"ggml-vocab-llama-spm.gguf", "ggml-vocab-gpt-2.gguf", "ggml-vocab-deepseek-llm.gguf", "ggml-vocab-bert-bge.gguf",
                           "ggml-vocab-phi-3.gguf"}) {
    std::vector<uint8_t> bytes = hearth::fuzz::shared_file(std::string("tokenizers/") + name);
    hearth::GgufFile file = hearth::GgufFile::parse(bytes, /*require_tensor_data=*/false);
    tokenizers.push_back(std::make_unique<hearth::Tokenizer>(hearth::Tokenizer::from_gguf(file)));
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const hearth::Tokenizer& tok = *tokenizers[data[0] % tokenizers.size()];
  const bool add_special = data[0] & 0x10, parse_special = data[0] & 0x20, render_special = data[0] & 0x40;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    std::vector<int32_t> ids = tok.encode(text, add_special, parse_special);
    for (int32_t id : ids)
      if (id < 0 || id >= tok.vocab_size()) __builtin_trap();
    (void)tok.decode(ids, render_special);
  } catch (const hearth::Error&) {
  }
  return 0;
}
