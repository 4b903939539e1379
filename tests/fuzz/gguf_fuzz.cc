// libFuzzer target: any byte string given to the GGUF reader (whole, and as a header prefix), then to
// the config, weight binding and tokenizer built on it, must either load or raise hearth::Error; never crash, hang or over-allocate.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/gguf/gguf_file.h"
#include "core/model/model.h"
#include "core/tokenizer/tokenizer.h"
#include "core/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  try {
    hearth::GgufFile file = hearth::GgufFile::parse(bytes, /*require_tensor_data=*/false);
    for (const auto& kv : file.metadata()) (void)kv.second.to_display_string();
    try {
      hearth::Tokenizer tok = hearth::Tokenizer::from_gguf(file);
      auto ids = tok.encode("Hello, world! 123 héllo 🙂", true, true);
      (void)tok.decode(ids);
    } catch (const hearth::Error&) {
    }
    try {
      auto model = hearth::Model::load(bytes);
      (void)model->graph().nodes.size();
    } catch (const hearth::Error&) {
    }
    // the streaming (GPU) path: the same bytes as the prefix of a file 16x larger, so plausibility
    // checks run against a size the bytes do not back (GgufNeedBytes is an Error too)
    try {
      auto model = hearth::Model::load_header(bytes, uint64_t(size) * 16 + 64);
      (void)model->graph().nodes.size();
    } catch (const hearth::Error&) {
    }
  } catch (const hearth::Error&) {
  }
  return 0;
}
