// libFuzzer target: the grammar compiler's front ends. The first byte picks one: a JSON Schema
// (JSON text), GBNF text, or a regex (as a JSON Schema string's "pattern"); the text runs to the
// first NUL byte, and what follows it is walked through the compiled grammar's automaton. Compiling
// gives a grammar or a hearth::Error (kInvalidArgument, kUnsupported), within the compiler's size
// guards; walking any bytes never crashes.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/api/json.h"
#include "core/grammar/gbnf_parser.h"
#include "core/grammar/json_schema.h"
#include "core/grammar/stack_automaton.h"
#include "core/util/error.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  auto [text, walk] = hearth::fuzz::split_at_nul(data + 1, size - 1);
  try {
    hearth::grammar::Grammar g = [&, text = text] {
      switch (data[0] % 3) {
        case 0: return hearth::grammar::compile_json_schema(text);
        case 1: return hearth::grammar::parse_gbnf(text);
        default: {
          hearth::api::Json schema{hearth::api::Json::Object{}};  // {"type": "string", "pattern": text}
          schema.set("type", hearth::api::Json(std::string("string")));
          schema.set("pattern", hearth::api::Json(std::string(text)));
          return hearth::grammar::compile_json_schema(std::string_view(schema.dump()));
        }
      }
    }();
    hearth::grammar::StackAutomaton a(std::make_shared<hearth::grammar::Grammar>(std::move(g)));
    hearth::grammar::StateId s = a.start();
    for (size_t i = 0; i < walk.size() && s != hearth::grammar::kDeadState; i += 7) {
      s = a.walk(s, walk.data() + i, std::min<size_t>(7, walk.size() - i));
      if (s != hearth::grammar::kDeadState) (void)a.accepting(s);
    }
  } catch (const hearth::Error&) {
  }
  return 0;
}
