// libFuzzer target: the two JSON parsers (core/api's, used by every C ABI request, and core/chat's,
// used by templates and JSON Schemas). Any text parses or raises hearth::Error; what parses
// round-trips: dump(parse(x)) parses again to the same dump.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/api/json.h"
#include "core/chat/json.h"
#include "core/util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const std::string once = hearth::api::Json::parse(text).dump();
    if (hearth::api::Json::parse(once).dump() != once) __builtin_trap();
  } catch (const hearth::Error&) {
  }
  try {
    const std::string once = hearth::chat::to_json(hearth::chat::parse_json(text));
    if (hearth::chat::to_json(hearth::chat::parse_json(once)) != once) __builtin_trap();
  } catch (const hearth::Error&) {
  }
  return 0;
}
