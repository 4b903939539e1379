// Internal to the JSON Schema front end: the compiler's state and the helpers its files share.
// json_schema_compiler.cc: dispatch, $ref, allOf/anyOf/oneOf, enum/const; json_schema_objects.cc:
// objects and arrays; json_schema_strings.cc: strings and formats; json_schema_numbers.cc: numbers.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/chat/value.h"
#include "core/grammar/expr.h"
#include "core/grammar/grammar.h"
#include "core/grammar/json_schema.h"
#include "core/grammar/json_text.h"

namespace hearth::grammar::json_schema {

using chat::Value;

// JSON types as bits; numbers split into integer values and the others, so that "integer" is a
// subset of "number" and an intersection is a bitwise and.
enum TypeBits : uint32_t {
  kNull = 1, kBoolean = 2, kObject = 4, kArray = 8, kString = 16, kInteger = 32, kFraction = 64,
  kNumber = kInteger | kFraction, kAllTypes = 127,
};
uint32_t type_bit(const std::string& name);   // 0 for an unknown name
uint32_t value_type(const Value& v);          // the bit of a JSON value (1.0 counts as integer)
bool json_equal(const Value& a, const Value& b);  // JSON Schema equality: true != 1, 1 == 1.0

[[noreturn]] void unsupported(const std::string& what, const std::string& ptr);
[[noreturn]] void invalid(const std::string& what, const std::string& ptr);
std::string pointer_escape(const std::string& key);  // ~ and / as ~0 ~1
std::string json_text(const Value& v);                // compact json.dumps text

const Value* get(const Value& schema, const char* key);  // the keyword's value, or null
// Does the keyword constrain instances (so that a $ref beside it is an allOf)?
bool is_assertion_keyword(const std::string& key);

class Compiler {
 public:
  Compiler(const Value& root, const JsonSchemaOptions& options);
  Grammar run(const JsonFrame* frame = nullptr);

  // Any schema (object or boolean) at ptr.
  Expr compile(const Value& schema, const std::string& ptr);
  // The same, as a rule of its own (for expressions used more than once).
  Expr compile_rule(const Value& schema, const std::string& ptr, const char* name);

  // Resolves a $ref against the root document: the target and its pointer.
  const Value& resolve(const std::string& ref, const std::string& ptr, std::string& target_ptr);
  // allOf, $ref with assertion siblings and nested allOf merged into one schema (an object).
  Value flatten_merge(const Value& schema, const std::string& ptr);
  Value merge(const Value& a, const Value& b, const std::string& ptr);
  // Does the grammar of schema (compiled apart) accept this value's text? Used to filter enums.
  bool admits(const Value& schema, const Value& v, const std::string& ptr);

  // Per-type parts, for a schema with no $ref, allOf, anyOf or oneOf left at its top.
  Expr compile_object(const Value& s, const std::string& ptr);
  Expr compile_array(const Value& s, const std::string& ptr);
  Expr compile_string(const Value& s, const std::string& ptr);
  Expr compile_number(const Value& s, const std::string& ptr, bool integer_only);

  // A key's value schema from patternProperties/additionalProperties (for a required key that is
  // not declared, or a declared key that a pattern also covers). Null: no pattern applies.
  bool pattern_matches(const std::string& pattern, const std::string& text, const std::string& ptr);

  JsonRules& json() { return json_; }
  GrammarBuilder& builder() { return b_; }
  const JsonSchemaOptions& options() const { return opt_; }
  // A non-negative integer keyword, refused past `limit` (0: options().max_repeat).
  uint32_t count_limit(const Value* v, const char* key, const std::string& ptr, uint32_t limit = 0);

 private:
  Expr compile_uncached(const Value& s, const std::string& ptr);
  Expr compile_untyped(const Value& s, const std::string& ptr);
  Expr compile_typed(const Value& s, const std::string& ptr);
  Expr compile_enum(const Value& s, const std::string& ptr, uint32_t types);
  Expr compile_alternatives(const Value& s, const std::string& ptr);
  // Refuses a oneOf unless its branches are disjoint, once each is cut to objects that have the
  // properties in cuts[i].require and lack those in cuts[i].forbid (empty: no cut).
  struct OneOfCut { std::vector<std::string> require, forbid; };
  void check_disjoint(const std::vector<Value>& branches, const std::string& ptr, std::vector<OneOfCut>& cuts);
  void flatten(const Value& schema, const std::string& ptr, std::vector<Value>& out, int depth);

  const Value& root_;
  JsonSchemaOptions opt_;
  GrammarBuilder b_;
  JsonRules json_;
  std::map<std::string, uint32_t> ref_rules_;     // target pointer → its rule
  std::map<std::string, uint32_t> merged_rules_;  // merged allOf schema's text → its rule
  std::map<std::string, uint32_t> compiled_;      // a compiled schema's text → its rule
  int depth_ = 0;
};

}  // namespace hearth::grammar::json_schema
