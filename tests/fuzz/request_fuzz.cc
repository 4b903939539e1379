// libFuzzer target: the C ABI's request JSON, the boundary every JS caller crosses, on a session
// holding stories260K (HEARTH_SHARED_DIR/models). The first byte picks the call (start, then up to
// four steps or a grammar mask; chat_prompt; render_template; tokenize; detokenize; cpu_logits;
// embed, on a second session holding a tiny synthetic bert), the rest is its request. Every reply is
// JSON (a result or {"error"}), never a crash, and the sessions stay usable: a plain greedy request
// after each input still generates, and the bert still embeds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/api/c_api.h"
#include "core/api/json.h"
#include "core/synth/synthetic_model.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

hearth_session* session = nullptr;
hearth_session* encoder = nullptr;  // an embedding model

// A reply must be JSON; returns it parsed.
hearth::api::Json reply(const char* text) {
  if (!text) __builtin_trap();
  try {
    return hearth::api::Json::parse(text);
  } catch (...) {
    __builtin_trap();
  }
}

bool failed(const hearth::api::Json& r) { return r.find("error") != nullptr; }

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::vector<uint8_t> model = hearth::fuzz::shared_file("models/stories260K.gguf");
  auto* data = static_cast<uint8_t*>(std::malloc(model.size()));
  std::memcpy(data, model.data(), model.size());
  session = hearth_session_create();
  if (failed(reply(hearth_session_load(session, data, model.size(), R"({"n_ctx": 256})")))) __builtin_trap();
  std::vector<uint8_t> bert;
  hearth::SynthOptions opts;
  opts.preset = "tiny-bert";
  opts.type = "q8_0";
  opts.n_threads = 1;
  hearth::write_synthetic_model(opts, [&](const uint8_t* d, size_t n) { bert.insert(bert.end(), d, d + n); });
  auto* bert_data = static_cast<uint8_t*>(std::malloc(bert.size()));
  std::memcpy(bert_data, bert.data(), bert.size());
  encoder = hearth_session_create();
  if (failed(reply(hearth_session_load(encoder, bert_data, bert.size(), R"({"n_ctx": 64})")))) __builtin_trap();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string request(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 8) {
    case 0: {
      if (failed(reply(hearth_session_start(session, request.c_str())))) break;
      for (int i = 0; i < 4; ++i)
        if (reply(hearth_session_step(session)).find("done") == nullptr) break;
      break;
    }
    case 1: {
      if (failed(reply(hearth_session_start(session, request.c_str())))) break;
      std::vector<uint64_t> words(600);  // 512 vocabulary bits, and room
      (void)reply(hearth_session_grammar_mask(session, reinterpret_cast<uint32_t*>(words.data()), words.size() * 2));
      (void)reply(hearth_session_step(session));
      break;
    }
    case 2: (void)reply(hearth_session_chat_prompt(session, request.c_str())); break;
    case 3: (void)reply(hearth_session_render_template(session, request.c_str())); break;
    case 4: (void)reply(hearth_session_tokenize(session, request.c_str())); break;
    case 5: (void)reply(hearth_session_detokenize(session, request.c_str())); break;
    case 6: {
      std::vector<float> logits(512 * 8);
      (void)reply(hearth_session_cpu_logits(session, request.c_str(), logits.data(), logits.size()));
      break;
    }
    case 7: {
      std::vector<float> out(256 * 4);  // room for 4 vectors: more inputs is the "output holds" error
      (void)reply(hearth_session_embed(encoder, request.c_str(), out.data(), out.size()));
      break;
    }
  }
  std::vector<float> vec(256);
  if (failed(reply(hearth_session_embed(encoder, R"({"input": "still works"})", vec.data(), vec.size())))) __builtin_trap();
  // still usable
  if (failed(reply(hearth_session_start(session, R"({"prompt": "Zoo", "temperature": 0})")))) __builtin_trap();
  if (reply(hearth_session_step(session)).find("token") == nullptr) __builtin_trap();
  return 0;
}
