// JSON Schema compiled to a Grammar that accepts the JSON text of the instances that validate.
//
// Soundness comes first: the grammar never accepts an invalid instance. What cannot be compiled
// exactly is refused with Error(kUnsupported, "json_schema: ... at /json/pointer") rather than
// loosened; a malformed schema is Error(kInvalidArgument). Annotations (title, description, default,
// examples, $comment, $schema, $id, readOnly, deprecated, x-*, ...) and unknown keys are ignored, as
// the specification says; unknown formats too.
//
// What the text may look like (a subset of all encodings of a valid instance, chosen to be what
// Python's json.dumps writes and what a model is steered to):
// - Objects: declared properties in the schema's order, each at most once, required ones present;
//   additional members (where allowed) between them. Additional keys are written without escapes and
//   never equal a declared name; beside patternProperties their values must satisfy every pattern's
//   schema (json_schema_objects.cc).
// - Strings: unconstrained content takes any escape; content under minLength/maxLength counts
//   decoded characters (an escape is one); under pattern or format the raw characters of the
//   pattern's classes plus the escapes json.dumps writes (\" \\ \n \t \u001f ...).
// - Numbers: integers as plain digits (-?(0|[1-9][0-9]*), so 1.0 and 1e2 are not integers here);
//   numbers in full JSON syntax, but without an exponent where bounds apply. enum and const accept
//   the json.dumps text of their values (compact separators).
// - Whitespace: none required; where allowed, "" | " " | "\n" + up to max_indent spaces after
//   { [ , : and before } ].
//
// Supported keywords: type (and unions), enum, const, properties, required, additionalProperties,
// patternProperties (see json_schema_objects.cc for the combinations), min/maxProperties, items,
// prefixItems, additionalItems (draft 4 array items), min/maxItems, uniqueItems (with at most one
// item: maxItems <= 1), min/maxLength, pattern, format (date, time,
// date-time, duration, uuid, email, hostname, ipv4, ipv6, uri, uri-reference, json-pointer),
// minimum/maximum/exclusiveMinimum/exclusiveMaximum (draft 4 boolean form too) as exact digit
// grammars, multipleOf (integers, without other bounds), allOf (merged), anyOf, oneOf (where the
// branches are provably disjoint, or cut to disjoint subsets: json_schema_oneof.cc), not (of a
// type), $ref with $defs/definitions (recursion becomes a recursive rule; local refs only).
// Refused: not (other forms), if/then/else, dependencies, dependentRequired/Schemas, contains,
// propertyNames, unevaluated*, uniqueItems over more than one item, fractional multipleOf.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/chat/value.h"
#include "core/grammar/grammar.h"

namespace hearth::grammar {

struct JsonSchemaOptions {
  bool allow_whitespace = true;  // false: compact JSON only
  uint32_t max_indent = 20;      // spaces allowed after a newline
  // Size guards: past these a schema is refused (kUnsupported), never compiled for minutes.
  uint32_t max_repeat = 10'000;      // largest minLength/maxLength/minItems/maxItems bound compiled
  uint32_t max_enum = 10'000;        // values in one enum
  uint32_t max_object_states = 20'000;  // properties x counted states of one object
};

// Instances inside text, as tool calls are written: `before` instance `after`, from 1 to `max`
// times (0: unbounded), with `between` between them. E.g. Hermes calls are before "<tool_call>\n",
// after "\n</tool_call>", between "\n".
struct JsonFrame {
  std::string before, after, between;
  uint32_t max = 1;
};

Grammar compile_json_schema(const chat::Value& schema, const JsonSchemaOptions& options = {});
Grammar compile_json_schema(const chat::Value& schema, const JsonFrame& frame, const JsonSchemaOptions& options = {});
// Parses the schema text first (Error(kInvalidArgument) for malformed JSON).
Grammar compile_json_schema(std::string_view schema_json, const JsonSchemaOptions& options = {});
// Any JSON value.
Grammar json_any_value_grammar(const JsonSchemaOptions& options = {});
// Any JSON object (response_format {"type": "json_object"}).
Grammar json_object_grammar(const JsonSchemaOptions& options = {});

}  // namespace hearth::grammar
