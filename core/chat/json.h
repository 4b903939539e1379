// JSON text <-> Value, the project's one JSON reader and writer (core/api's request/reply Json
// converts through it). The serialiser is Python's json.dumps (what transformers' `tojson` filter
// calls): ensure_ascii=False, optional indent, configurable separators, optional sort_keys.
#pragma once

#include <string>
#include <string_view>

#include "core/chat/value.h"

namespace hearth::chat {

// Parses one JSON document (RFC 8259 grammar, plus leading zeros; integers stay integers; a lone
// \u surrogate becomes U+FFFD). Throws Error(kInvalidArgument) naming the line and column of the
// first fault, or nesting deeper than max_depth.
Value parse_json(std::string_view text, int max_depth = 512);

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

}  // namespace hearth::chat
