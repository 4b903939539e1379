// Constrained generation through the session: with a real model and random sampling, every output
// is in the grammar and ends when the grammar does.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <regex>

#include "core/api/session.h"
#include "core/chat/json.h"
#include "core/util/error.h"

namespace hearth::api {
namespace {

std::vector<uint8_t> stories() {
  std::ifstream in(std::string(HEARTH_SHARED_DIR) + "/models/stories260K.gguf", std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Output {
  std::string text;
  std::string finish;
};

Output generate(Session& s, const std::string& grammar_json, int seed, int max_tokens = 200) {
  Json req = Json::parse(R"({"prompt": "Once upon a time", "temperature": 1.0})");
  req.set("seed", seed);
  req.set("max_tokens", max_tokens);
  req.set("grammar", Json::parse(grammar_json));
  s.start(req);
  Output r;
  while (s.generating()) {
    StepResult st = s.step();
    r.text += st.text;
    if (st.done) r.finish = st.finish_reason;
  }
  return r;
}

TEST(SessionGrammar, EveryOutputIsInTheGbnfGrammar) {
  Session s;
  s.load(stories(), Json());
  Json spec(Json::Object{});
  spec.set("type", "gbnf");
  spec.set("grammar", R"(root ::= "{\"name\": \"" [a-z ]{1,12} "\", \"age\": " [1-9] [0-9]? "}")");
  const std::regex shape(R"(\{"name": "[a-z ]{1,12}", "age": [1-9][0-9]?\})");
  for (int seed = 1; seed <= 25; ++seed) {
    Output r = generate(s, spec.dump(), seed);
    EXPECT_TRUE(std::regex_match(r.text, shape)) << "seed " << seed << ": " << r.text;
    EXPECT_TRUE(r.finish == "grammar" || r.finish == "eog") << r.finish;
  }
}

TEST(SessionGrammar, GrammarErrorsLeaveTheSessionUsable) {
  Session s;
  s.load(stories(), Json());
  Json req = Json::parse(R"({"prompt": "Hi", "grammar": {"type": "gbnf", "grammar": "root ::= undefined-rule"}})");
  EXPECT_THROW(s.start(req), Error);
  EXPECT_THROW(s.start(Json::parse(R"({"prompt": "Hi", "grammar": {"type": "yaml"}})")), Error);
  EXPECT_FALSE(s.generating());
  Output r = generate(s, R"({"type": "gbnf", "grammar": "root ::= \"yes\" | \"no\""})", 3);
  EXPECT_TRUE(r.text == "yes" || r.text == "no") << r.text;
}

TEST(SessionGrammar, ConstrainedGenerationsAskForAllLogits) {
  Session s;
  s.load(stories(), Json());
  Json req = Json::parse(R"({"prompt": "Hi", "temperature": 0, "external_eval": true,
                             "grammar": {"type": "gbnf", "grammar": "root ::= [a-z]+"}})");
  s.start(req);
  EXPECT_FALSE(s.candidates_suffice(64));
  EXPECT_FALSE(s.needs_tail());
  std::vector<float> logits(512, 0.0f);
  logits['{' + 3] = 100.0f;  // a byte token the grammar refuses, far ahead of the rest
  StepResult st = s.step_with_logits(logits);
  ASSERT_FALSE(st.text.empty());
  EXPECT_TRUE(std::all_of(st.text.begin(), st.text.end(), [](char c) { return c >= 'a' && c <= 'z'; })) << st.text;
}

}  // namespace
}  // namespace hearth::api
