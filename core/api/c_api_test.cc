#include "core/api/c_api.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/api/json.h"

namespace hearth::api {
namespace {

uint8_t* malloc_copy(const std::vector<uint8_t>& v) {
  auto* p = static_cast<uint8_t*>(std::malloc(v.size()));
  std::memcpy(p, v.data(), v.size());
  return p;
}

std::vector<uint8_t> stories() {
  std::ifstream in(std::string(HEARTH_SHARED_DIR) + "/models/stories260K.gguf", std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string error_type(const char* reply) {
  Json j = Json::parse(reply);
  const Json* e = j.find("error");
  return e ? e->find("type")->as_string() : "";
}

TEST(CApi, ErrorsAreJsonAndTheSessionStaysUsable) {
  hearth_session* s = hearth_session_create();
  EXPECT_EQ(error_type(hearth_session_start(s, R"({"prompt": "Zoo"})")), "invalid_argument");
  std::vector<uint8_t> junk = {'G', 'G', 'U', 'F', 3, 0, 0, 0};
  EXPECT_EQ(error_type(hearth_session_load(s, malloc_copy(junk), junk.size(), "{}")), "malformed_file");
  EXPECT_EQ(error_type(hearth_session_load(s, malloc_copy(junk), junk.size(), "{not json")), "invalid_argument");
  auto bytes = stories();
  Json info = Json::parse(hearth_session_load(s, malloc_copy(bytes), bytes.size(), nullptr));
  ASSERT_EQ(info.find("error"), nullptr);
  EXPECT_EQ(info.find("n_vocab")->as_number(), 512);
  EXPECT_EQ(error_type(hearth_session_step(s)), "invalid_argument");
  EXPECT_EQ(error_type(hearth_session_start(s, R"({"prompt": "Zoo", "top_p": 2})")), "invalid_argument");

  Json started = Json::parse(hearth_session_start(s, R"({"prompt": "Zoo", "temperature": 0, "max_tokens": 57})"));
  EXPECT_EQ(started.find("prompt_tokens")->as_number(), 4);
  std::string text;
  int steps = 0;
  while (true) {
    Json r = Json::parse(hearth_session_step(s));
    ASSERT_EQ(r.find("error"), nullptr);
    text += r.find("text")->as_string();
    ++steps;
    if (r.find("done")->as_bool()) {
      EXPECT_EQ(r.find("finish_reason")->as_string(), "length");
      break;
    }
    EXPECT_TRUE(r.find("finish_reason")->is_null());
  }
  EXPECT_EQ(steps, 57);
  EXPECT_EQ(text,
            " was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. "
            "She wanted to play with it, but she didn't want to play with");

  Json tok = Json::parse(hearth_session_tokenize(s, R"({"text": "Zoo", "add_special": true})"));
  ASSERT_EQ(tok.dump(), R"({"tokens":[1,410,469,347]})");
  EXPECT_EQ(Json::parse(hearth_session_detokenize(s, R"({"tokens": [410, 469, 347]})")).find("text")->as_string(), "Zoo");
  EXPECT_EQ(error_type(hearth_session_detokenize(s, R"({"tokens": [100000]})")), "invalid_argument");
  hearth_session_destroy(s);
}

}  // namespace
}  // namespace hearth::api
