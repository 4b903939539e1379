#include "core/grammar/json_schema.h"

#include <gtest/gtest.h>

#include "core/grammar/test_support.h"
#include "core/util/error.h"

namespace hearth::grammar {
namespace {

Grammar schema(const std::string& text) { return compile_json_schema(std::string_view(text)); }

std::string error_of(const std::string& text) {
  try { schema(text); } catch (const Error& e) { return e.what(); }
  return "no error";
}

TEST(JsonSchema, TypesAndUnions) {
  Grammar s = schema(R"({"type": "string"})");
  EXPECT_TRUE(accepts(s, R"("hi \"there\" \u00e9\n")"));
  EXPECT_FALSE(accepts(s, R"("bad \x")"));
  EXPECT_FALSE(accepts(s, "\"raw\nnewline\""));
  Grammar u = schema(R"({"type": ["integer", "null"]})");
  EXPECT_TRUE(accepts(u, "-12"));
  EXPECT_TRUE(accepts(u, "null"));
  EXPECT_FALSE(accepts(u, "1.5"));
  EXPECT_FALSE(accepts(u, "012"));
  Grammar n = schema(R"({"type": "number"})");
  EXPECT_TRUE(accepts(n, "-0.5e+10"));
  EXPECT_FALSE(accepts(n, "1."));
  Grammar any = json_any_value_grammar();
  EXPECT_TRUE(accepts(any, R"({"a": [1, {"b": null}], "c": true})"));
  EXPECT_FALSE(accepts(any, R"({"a" 1})"));
  Grammar obj = json_object_grammar();
  EXPECT_TRUE(accepts(obj, R"({"x":[]})"));
  EXPECT_FALSE(accepts(obj, "[]"));
}

TEST(JsonSchema, PropertiesInOrderRequiredAndOptional) {
  Grammar g = schema(R"({"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}},
                         "required": ["a"], "additionalProperties": false})");
  EXPECT_TRUE(accepts(g, R"({"a":1})"));
  EXPECT_TRUE(accepts(g, R"({"a":1,"b":"x"})"));
  EXPECT_TRUE(accepts(g, "{\n  \"a\": 1,\n  \"b\": \"x\"\n}"));
  EXPECT_FALSE(accepts(g, R"({"b":"x"})"));
  EXPECT_FALSE(accepts(g, R"({"a":1,"c":2})"));
  EXPECT_FALSE(accepts(g, R"({"a":"1"})"));
  EXPECT_FALSE(accepts(g, "{\"a\":" + std::string(30, ' ') + "1}"));  // whitespace is bounded
}

TEST(JsonSchema, AdditionalPropertiesNeverShadowDeclaredOnes) {
  Grammar open = schema(R"({"properties": {"id": {"type": "integer"}}, "type": "object"})");
  EXPECT_TRUE(accepts(open, R"({"id":1,"other":"x"})"));
  EXPECT_TRUE(accepts(open, R"({"other":"x","id":1})"));
  EXPECT_TRUE(accepts(open, R"({"i":[1],"idx":{}})"));
  EXPECT_FALSE(accepts(open, R"({"id":"not an integer"})"));  // not as an extra key either
  Grammar typed = schema(R"({"type": "object", "additionalProperties": {"type": "number"}})");
  EXPECT_TRUE(accepts(typed, R"({"x":1,"y":2.5})"));
  EXPECT_FALSE(accepts(typed, R"({"x":"1"})"));
}

TEST(JsonSchema, PatternProperties) {
  Grammar g = schema(R"({"type": "object", "patternProperties": {"^x-": {"type": "string"}},
                         "additionalProperties": false})");
  EXPECT_TRUE(accepts(g, R"({"x-a":"1","x-b":"2"})"));
  EXPECT_FALSE(accepts(g, R"({"y":"1"})"));
  EXPECT_FALSE(accepts(g, R"({"x-a":1})"));
}

TEST(JsonSchema, MinMaxProperties) {
  Grammar g = schema(R"({"type": "object", "minProperties": 1, "maxProperties": 2})");
  EXPECT_FALSE(accepts(g, "{}"));
  EXPECT_TRUE(accepts(g, R"({"a":1})"));
  EXPECT_TRUE(accepts(g, R"({"a":1,"b":2})"));
  EXPECT_FALSE(accepts(g, R"({"a":1,"b":2,"c":3})"));
}

TEST(JsonSchema, EnumAndConst) {
  Grammar g = schema(R"({"enum": ["red", 1, null, {"k": [true]}, "caf\u00e9"]})");
  EXPECT_TRUE(accepts(g, R"("red")"));
  EXPECT_TRUE(accepts(g, R"({"k":[true]})"));
  EXPECT_TRUE(accepts(g, "\"caf\xC3\xA9\""));
  EXPECT_FALSE(accepts(g, R"("blue")"));
  EXPECT_FALSE(accepts(g, "2"));
  Grammar typed = schema(R"({"type": "string", "enum": ["a", 1, "bb"], "maxLength": 1})");
  EXPECT_TRUE(accepts(typed, R"("a")"));
  EXPECT_FALSE(accepts(typed, "1"));
  EXPECT_FALSE(accepts(typed, R"("bb")"));
  Grammar c = schema(R"({"const": 3})");
  EXPECT_TRUE(accepts(c, "3"));
  EXPECT_FALSE(accepts(c, "4"));
}

TEST(JsonSchema, Arrays) {
  Grammar g = schema(R"({"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 3})");
  EXPECT_FALSE(accepts(g, "[]"));
  EXPECT_TRUE(accepts(g, "[1]"));
  EXPECT_TRUE(accepts(g, "[1, 2, 3]"));
  EXPECT_FALSE(accepts(g, "[1,2,3,4]"));
  EXPECT_FALSE(accepts(g, "[1,\"a\"]"));
  Grammar tuple = schema(R"({"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false})");
  EXPECT_TRUE(accepts(tuple, R"(["a",1])"));
  EXPECT_TRUE(accepts(tuple, R"(["a"])"));
  EXPECT_FALSE(accepts(tuple, R"(["a",1,2])"));
  EXPECT_FALSE(accepts(tuple, R"([1])"));
  Grammar draft4 = schema(R"({"type": "array", "items": [{"type": "null"}], "additionalItems": {"type": "boolean"}})");
  EXPECT_TRUE(accepts(draft4, "[null,true,false]"));
  EXPECT_FALSE(accepts(draft4, "[null,1]"));
  Grammar unique_one = schema(R"({"type": "array", "uniqueItems": true, "maxItems": 1})");
  EXPECT_TRUE(accepts(unique_one, "[7]"));
  EXPECT_NE(error_of(R"({"type": "array", "uniqueItems": true})").find("uniqueItems"), std::string::npos);
}

TEST(JsonSchema, StringLengthsCountDecodedCharacters) {
  Grammar g = schema(R"({"type": "string", "minLength": 2, "maxLength": 3})");
  EXPECT_FALSE(accepts(g, R"("a")"));
  EXPECT_TRUE(accepts(g, R"("\n\"")"));
  EXPECT_TRUE(accepts(g, "\"\xE6\x97\xA5\xE6\x9C\xAC\""));
  EXPECT_TRUE(accepts(g, R"("\ud83d\ude00x")"));  // a surrogate pair is one character
  EXPECT_FALSE(accepts(g, R"("abcd")"));
  Grammar p = schema(R"({"type": "string", "pattern": "^[a-z]+$", "maxLength": 4})");
  EXPECT_TRUE(accepts(p, R"("abcd")"));
  EXPECT_FALSE(accepts(p, R"("abcde")"));
  Grammar long_max = schema(R"({"type": "string", "maxLength": 65535})");
  EXPECT_TRUE(accepts(long_max, "\"" + std::string(65535, 'x') + "\""));
  EXPECT_FALSE(accepts(long_max, "\"" + std::string(65536, 'x') + "\""));
  EXPECT_TRUE(accepts(long_max, "\"" + std::string(256 * 7, 'x') + "\""));
  Grammar search = schema(R"({"type": "string", "pattern": "\\d"})");
  EXPECT_TRUE(accepts(search, R"("ab1cd")"));
  EXPECT_FALSE(accepts(search, R"("abcd")"));
}

TEST(JsonSchema, Formats) {
  Grammar date = schema(R"({"type": "string", "format": "date"})");
  EXPECT_TRUE(accepts(date, R"("2024-02-29")"));
  EXPECT_FALSE(accepts(date, R"("2023-02-29")"));
  EXPECT_FALSE(accepts(date, R"("1900-02-29")"));
  EXPECT_TRUE(accepts(date, R"("2000-02-29")"));
  EXPECT_FALSE(accepts(date, R"("2024-04-31")"));
  Grammar dt = schema(R"({"type": "string", "format": "date-time"})");
  EXPECT_TRUE(accepts(dt, R"("2024-01-31T23:59:59.5+01:00")"));
  EXPECT_FALSE(accepts(dt, R"("2024-01-31 23:59:59")"));
  Grammar uuid = schema(R"({"format": "uuid", "type": "string"})");
  EXPECT_TRUE(accepts(uuid, R"("123e4567-e89b-12d3-a456-426614174000")"));
  EXPECT_FALSE(accepts(uuid, R"("123e4567-e89b-12d3-a456-42661417400")"));
  Grammar ip = schema(R"({"format": "ipv4"})");
  EXPECT_TRUE(accepts(ip, R"("192.168.0.255")"));
  EXPECT_FALSE(accepts(ip, R"("192.168.0.256")"));
  EXPECT_TRUE(accepts(ip, "12"));  // a format constrains strings only
  Grammar ip6 = schema(R"({"type": "string", "format": "ipv6"})");
  EXPECT_TRUE(accepts(ip6, R"("::1")"));
  EXPECT_TRUE(accepts(ip6, R"("fe80::1:2")"));
  EXPECT_FALSE(accepts(ip6, R"("1:2:3:4:5:6:7:8:9")"));
  Grammar email = schema(R"({"type": "string", "format": "email"})");
  EXPECT_TRUE(accepts(email, R"("a.b+c@example.co.uk")"));
  EXPECT_FALSE(accepts(email, R"("a@b")"));
  Grammar uri = schema(R"({"type": "string", "format": "uri"})");
  EXPECT_TRUE(accepts(uri, R"("https://example.com:8080/a/b?q=1#frag")"));
  EXPECT_FALSE(accepts(uri, R"("not a uri")"));
  EXPECT_FALSE(accepts(uri, R"("/relative")"));
  Grammar unknown = schema(R"({"type": "string", "format": "my-own-format"})");
  EXPECT_TRUE(accepts(unknown, R"("anything")"));
  EXPECT_NE(error_of(R"({"type": "string", "format": "regex"})").find("format 'regex'"), std::string::npos);
}

TEST(JsonSchema, IntegerBoundsAreExact) {
  Grammar g = schema(R"({"type": "integer", "minimum": -15, "maximum": 120})");
  for (int v = -30; v <= 200; ++v) EXPECT_EQ(accepts(g, std::to_string(v)), v >= -15 && v <= 120) << v;
  Grammar ex = schema(R"({"type": "integer", "exclusiveMinimum": 0})");
  EXPECT_FALSE(accepts(ex, "0"));
  EXPECT_TRUE(accepts(ex, "1"));
  EXPECT_TRUE(accepts(ex, "123456789012345678901234567890"));
  EXPECT_FALSE(accepts(ex, "-1"));
  Grammar draft4 = schema(R"({"type": "integer", "maximum": 10, "exclusiveMaximum": true})");
  EXPECT_TRUE(accepts(draft4, "9"));
  EXPECT_FALSE(accepts(draft4, "10"));
  Grammar mult = schema(R"({"type": "integer", "multipleOf": 7})");
  for (int v = -50; v <= 50; ++v) EXPECT_EQ(accepts(mult, std::to_string(v)), v % 7 == 0) << v;
}

TEST(JsonSchema, NumberBoundsAreExact) {
  Grammar g = schema(R"({"type": "number", "minimum": -1.5, "exclusiveMaximum": 2.25})");
  for (int k = -400; k <= 400; ++k) {
    double v = k / 100.0;
    char text[32];
    snprintf(text, sizeof text, "%.2f", v);
    EXPECT_EQ(accepts(g, text), v >= -1.5 && v < 2.25) << text;
  }
  EXPECT_TRUE(accepts(g, "2.2499999"));
  EXPECT_FALSE(accepts(g, "2.2500"));
  EXPECT_TRUE(accepts(g, "-1.50"));
  EXPECT_FALSE(accepts(g, "-1.5001"));
  Grammar nonneg = schema(R"({"type": "number", "minimum": 0})");
  EXPECT_TRUE(accepts(nonneg, "0"));
  EXPECT_TRUE(accepts(nonneg, "3.25"));
  EXPECT_FALSE(accepts(nonneg, "-0.1"));
}

TEST(JsonSchema, RefsAndRecursion) {
  Grammar g = schema(R"({"$ref": "#/$defs/node", "$defs": {"node": {"type": "object",
      "properties": {"v": {"type": "integer"}, "kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
      "required": ["v"], "additionalProperties": false}}})");
  EXPECT_TRUE(accepts(g, R"({"v":1,"kids":[{"v":2},{"v":3,"kids":[]}]})"));
  EXPECT_FALSE(accepts(g, R"({"v":1,"kids":[{"w":2}]})"));
  Grammar escaped = schema(R"({"definitions": {"a/b": {"type": "null"}, "c%d": {"type": "boolean"}},
      "properties": {"x": {"$ref": "#/definitions/a~1b"}, "y": {"$ref": "#/definitions/c%25d"}}, "type": "object"})");
  EXPECT_TRUE(accepts(escaped, R"({"x":null,"y":true})"));
  EXPECT_FALSE(accepts(escaped, R"({"x":1})"));
  EXPECT_NE(error_of(R"({"$ref": "http://example.com/s.json"})").find("remote $ref"), std::string::npos);
}

TEST(JsonSchema, AllOfMerges) {
  Grammar g = schema(R"({"allOf": [{"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
                                   {"properties": {"b": {"type": "string"}}, "required": ["b"]}]})");
  EXPECT_TRUE(accepts(g, R"({"a":1,"b":"x"})"));
  EXPECT_FALSE(accepts(g, R"({"a":1})"));
  EXPECT_FALSE(accepts(g, R"({"b":"x"})"));
  Grammar closed = schema(R"({"allOf": [{"properties": {"a": {}}, "additionalProperties": false},
                                        {"properties": {"b": {}}}], "type": "object"})");
  EXPECT_TRUE(accepts(closed, R"({"a":1})"));
  EXPECT_FALSE(accepts(closed, R"({"b":1})"));  // b is an additional property for the first part
  Grammar bounds = schema(R"({"allOf": [{"type": "integer", "minimum": 0}, {"maximum": 5}, {"minimum": 2}]})");
  EXPECT_FALSE(accepts(bounds, "1"));
  EXPECT_TRUE(accepts(bounds, "5"));
  EXPECT_FALSE(accepts(bounds, "6"));
}

TEST(JsonSchema, AnyOfAndOneOf) {
  Grammar any = schema(R"({"anyOf": [{"type": "string", "maxLength": 2}, {"type": "integer"}]})");
  EXPECT_TRUE(accepts(any, R"("ab")"));
  EXPECT_TRUE(accepts(any, "5"));
  EXPECT_FALSE(accepts(any, R"("abc")"));
  Grammar one = schema(R"({"oneOf": [
      {"type": "object", "properties": {"kind": {"const": "a"}, "x": {"type": "integer"}}, "required": ["kind"]},
      {"type": "object", "properties": {"kind": {"const": "b"}}, "required": ["kind"]}]})");
  EXPECT_TRUE(accepts(one, R"({"kind":"a","x":1})"));
  EXPECT_TRUE(accepts(one, R"({"kind":"b"})"));
  EXPECT_FALSE(accepts(one, R"({"kind":"c"})"));
  EXPECT_NE(error_of(R"({"oneOf": [{"type": "integer"}, {"minimum": 3}]})").find("may overlap"), std::string::npos);
  // overlapping branches are cut: each keeps the objects lacking the other's required key
  Grammar cut = schema(R"({"oneOf": [{"required": ["wkt"]}, {"required": ["wkid"]}]})");
  EXPECT_TRUE(accepts(cut, R"({"wkt":"x"})"));
  EXPECT_TRUE(accepts(cut, R"({"wkid":1,"z":2})"));
  EXPECT_FALSE(accepts(cut, R"({"wkt":"x","wkid":1})"));
  EXPECT_FALSE(accepts(cut, R"("a string matches both")"));
  Grammar loose = schema(R"({"oneOf": [{"properties": {"t": {"const": "a"}}}, {"properties": {"t": {"const": "b"}, "n": {"type": "integer"}}}]})");
  EXPECT_TRUE(accepts(loose, R"({"t":"b","n":1})"));
  EXPECT_FALSE(accepts(loose, R"({})"));  // matches both branches
  Grammar siblings = schema(R"({"type": "object", "required": ["id"], "anyOf": [{"required": ["a"]}, {"required": ["b"]}]})");
  EXPECT_TRUE(accepts(siblings, R"({"id":1,"a":2})"));
  EXPECT_FALSE(accepts(siblings, R"({"a":2})"));
}

TEST(JsonSchema, RefusalsNameKeywordAndPointer) {
  EXPECT_NE(error_of(R"({"properties": {"a": {"if": {"type": "string"}, "then": {"minLength": 1}}}})")
                .find("keyword 'if' at /properties/a"), std::string::npos);
  EXPECT_NE(error_of(R"({"type": "object", "propertyNames": {"maxLength": 3}})").find("keyword 'propertyNames' at /"), std::string::npos);
  EXPECT_NE(error_of(R"({"not": {"minimum": 3}})").find("'not'"), std::string::npos);
  EXPECT_NE(error_of(R"({"type": "string", "maxLength": 2000000})").find("over the limit"), std::string::npos);
  EXPECT_NE(error_of(R"({"type": "stringy"})").find("unknown type"), std::string::npos);
  try { schema(R"({"contains": {}})"); } catch (const Error& e) { EXPECT_EQ(e.code(), ErrorCode::kUnsupported); }
  Grammar annotated = schema(R"({"title": "T", "description": "d", "x-extra": 1, "examples": [1], "type": "boolean"})");
  EXPECT_TRUE(accepts(annotated, "true"));
  Grammar not_type = schema(R"({"not": {"type": "string"}})");
  EXPECT_TRUE(accepts(not_type, "1"));
  EXPECT_FALSE(accepts(not_type, R"("s")"));
}

TEST(JsonSchema, CompactOption) {
  JsonSchemaOptions compact;
  compact.allow_whitespace = false;
  Grammar g = compile_json_schema(std::string_view(R"({"type": "array"})"), compact);
  EXPECT_TRUE(accepts(g, "[1,2]"));
  EXPECT_FALSE(accepts(g, "[1, 2]"));
}

}  // namespace
}  // namespace hearth::grammar

namespace hearth::grammar {
namespace {

// A declared key is written once, in the schema's order (a model must not loop on one member).
TEST(JsonSchemaObjects, DeclaredKeysOnceInSchemaOrder) {
  Grammar g = compile_json_schema(std::string_view(R"({"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
                                      "required": ["b"], "additionalProperties": false})"));
  EXPECT_TRUE(accepts(g, R"({"a":1,"b":2})"));
  EXPECT_TRUE(accepts(g, R"({"b":2})"));
  EXPECT_FALSE(accepts(g, R"({"a":1,"a":1,"b":2})"));
  EXPECT_FALSE(accepts(g, R"({"b":2,"a":1})"));
  EXPECT_FALSE(accepts(g, R"({"a":1})"));
}

}  // namespace
}  // namespace hearth::grammar
