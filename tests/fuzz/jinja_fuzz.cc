// libFuzzer target: the Jinja lexer, parser and renderer. The input is a template, then (after a
// NUL byte) a JSON context: its "messages", "tools" and "add_generation_prompt" when it parses to an
// object, else a fixed conversation. Rendering must finish within the render budget with text or a
// hearth::Error; never crash, hang or run out of memory.
#include <cstddef>
#include <cstdint>

#include "core/chat/chat_template.h"
#include "core/chat/json.h"
#include "core/util/error.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

const hearth::chat::Value& fixed_messages() {
  static const hearth::chat::Value messages = hearth::chat::parse_json(
      R"([{"role":"system","content":"Be brief."},{"role":"user","content":"Hi <b> & 'you'"},)"
      R"({"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":{"x":1}}}]},)"
      R"({"role":"tool","tool_call_id":"c1","content":"2"}])");
  return messages;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto [source, context] = hearth::fuzz::split_at_nul(data, size);
  hearth::chat::Value messages = fixed_messages(), tools(nullptr);
  bool add_generation_prompt = true;
  if (!context.empty()) {
    try {
      hearth::chat::Value c = hearth::chat::parse_json(context);
      if (c.is_object()) {
        if (const auto* m = c.as_object().find("messages")) messages = *m;
        if (const auto* t = c.as_object().find("tools")) tools = *t;
        if (const auto* g = c.as_object().find("add_generation_prompt")) add_generation_prompt = g->truthy();
      }
    } catch (const hearth::Error&) {
    }
  }
  try {
    (void)hearth::chat::apply_chat_template(std::string(source), messages, tools, add_generation_prompt, "<s>", "</s>",
                                            hearth::chat::fixed_date_options("2024-07-26"));
  } catch (const hearth::Error&) {
  }
  return 0;
}
