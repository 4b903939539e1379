// JSON text <-> Value. The serialiser is Python's json.dumps (what transformers' `tojson` filter
// calls): ensure_ascii=False, optional indent, configurable separators, optional sort_keys.
#pragma once

#include <string>

#include "core/chat/value.h"

namespace hearth::chat {

// Parses one JSON document (RFC 8259; integers stay integers). Throws Error(kInvalidArgument)
// naming the line and column of the first fault.
Value parse_json(const std::string& text);

struct JsonStyle {
  int indent = -1;                  // < 0: one line
  std::string item_separator;       // default: ", " on one line, "," when indented
  std::string key_separator = ": ";
  bool sort_keys = false;
  bool ensure_ascii = false;        // true: non-ASCII as \uXXXX (json.dumps default)
  bool has_item_separator = false;  // item_separator given explicitly
};

// json.dumps(value, ...). Undefined and functions are not serialisable (Error(kInvalidArgument)).
std::string to_json(const Value& value, const JsonStyle& style = {});

// Appends the UTF-8 encoding of code point cp.
void append_utf8(std::string& out, uint32_t cp);

}  // namespace hearth::chat
