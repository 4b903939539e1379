#include "core/chat/json.h"

#include <gtest/gtest.h>

#include "core/util/error.h"

namespace hearth::chat {
namespace {

std::string parse_error(const std::string& text, int max_depth = 512) {
  try {
    parse_json(text, max_depth);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.what();
  }
  return "";
}

TEST(Json, RoundTrip) {
  Value v = parse_json(R"({"b": 1, "a": [true, null, -2.5e3, "\u00e9\ud83d\ude00"]})");
  EXPECT_EQ(to_json(v), R"({"b": 1, "a": [true, null, -2500.0, "é😀"]})");
  JsonStyle st;
  st.sort_keys = true;
  st.ensure_ascii = true;
  EXPECT_EQ(to_json(v, st), R"({"a": [true, null, -2500.0, "\u00e9\ud83d\ude00"], "b": 1})");
  EXPECT_THROW(parse_json("{\"a\": }"), Error);
}

TEST(Json, NumbersKeepIntegersApart) {
  Value v = parse_json("[0, -7, 12345678901234, 1.5, 1e3, 99999999999999999999]");
  const Array& a = v.as_array();
  EXPECT_TRUE(a[0].is_int());
  EXPECT_EQ(a[1].as_int(), -7);
  EXPECT_EQ(a[2].as_int(), 12345678901234);
  EXPECT_TRUE(a[3].is_float());
  EXPECT_TRUE(a[4].is_float());
  EXPECT_EQ(a[4].as_double(), 1000.0);
  EXPECT_TRUE(a[5].is_float());  // past int64: a float, as strtod reads it
  EXPECT_EQ(a[5].as_double(), 1e20);
}

TEST(Json, RefusesWhatRfc8259Refuses) {
  for (const char* bad : {"1.", "-", ".5", "-.5", "1e", "1e+", "[1,]", "{\"a\" 1}", "tru", "\"a\x01\"", "\"\\x\"", "[1] 2"})
    EXPECT_NE(parse_error(bad), "") << bad;
  EXPECT_EQ(parse_error("{\n  \"a\": 1.}"), "invalid JSON at line 2, column 10: malformed number (expected a digit)");
  EXPECT_EQ(parse_error("\"tab\there\""), "invalid JSON at line 1, column 6: control character in string");
}

TEST(Json, LoneSurrogateBecomesReplacementCharacter) {
  EXPECT_EQ(parse_json(R"("a\ud83dz")").as_string(), "a\xEF\xBF\xBDz");
  EXPECT_EQ(parse_json(R"("\ude00")").as_string(), "\xEF\xBF\xBD");
}

TEST(Json, DepthLimit) {
  std::string deep3 = "[[[1]]]";
  EXPECT_NO_THROW(parse_json(deep3, 3));
  EXPECT_EQ(parse_error(deep3, 2), "invalid JSON at line 1, column 4: nesting deeper than 2");
}

}  // namespace
}  // namespace hearth::chat
