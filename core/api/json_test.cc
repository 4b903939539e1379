#include "core/api/json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/util/error.h"

namespace hearth::api {
namespace {

TEST(ApiJson, NumbersAreDoubles) {
  Json j = Json::parse(R"({"n": 3, "f": 0.1, "big": 12345678901234567890})");
  EXPECT_TRUE(j.find("n")->is_number());
  EXPECT_EQ(j.find("n")->as_number(), 3.0);
  EXPECT_EQ(j.find("f")->as_number(), 0.1);
  EXPECT_EQ(j.find("big")->as_number(), 12345678901234567890.0);
}

TEST(ApiJson, DumpIsCompactAndReadsBack) {
  Json j{Json::Object{}};
  j.set("int", 42);
  j.set("neg_zero", -0.0);
  j.set("tenth", 0.1);
  j.set("nan", std::numeric_limits<double>::quiet_NaN());
  j.set("text", "a\"b\n\x01");
  j.set("list", Json::Array{Json(true), Json(nullptr), Json(-2.5)});
  EXPECT_EQ(j.dump(), R"({"int":42,"neg_zero":0,"tenth":0.1,"nan":null,"text":"a\"b\n\u0001","list":[true,null,-2.5]})");
  Json back = Json::parse(j.dump());
  EXPECT_EQ(back.find("tenth")->as_number(), 0.1);
  EXPECT_EQ(back.find("text")->as_string(), "a\"b\n\x01");
}

TEST(ApiJson, RequestsNestAtMost64BelowTheTop) {
  EXPECT_NO_THROW(Json::parse(std::string(65, '[') + std::string(65, ']')));
  EXPECT_THROW(Json::parse(std::string(66, '[') + std::string(66, ']')), Error);
}

TEST(ApiJson, ToChatValueKeepsIntegersIntegral) {
  Json j = Json::parse(R"({"a": [1, 2.5, "x"], "b": null})");
  chat::Value v = to_chat_value(j);
  const chat::Array& a = v.as_object().find("a")->as_array();
  EXPECT_TRUE(a[0].is_int());
  EXPECT_TRUE(a[1].is_float());
  EXPECT_EQ(a[2].as_string(), "x");
  EXPECT_TRUE(v.as_object().find("b")->is_null());
}

}  // namespace
}  // namespace hearth::api
