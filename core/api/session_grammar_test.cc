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

// stories260K's byte tokens: id = byte + 3
int32_t byte_token(char c) { return int32_t(uint8_t(c)) + 3; }

// One externally evaluated step whose logits rank `first` highest, then `second`.
StepResult step_preferring(Session& s, char first, char second) {
  std::vector<float> logits(512, 0.0f);
  logits[byte_token(first)] = 100.0f;
  logits[byte_token(second)] = 50.0f;
  return s.step_with_logits(logits);
}

TEST(SessionGrammar, FramedSchemaInstancesRepeatInsideTheirText) {
  Session s;
  s.load(stories(), Json());
  const char* spec = R"({"type": "json_schema", "frame": {"before": "<call>", "after": "</call>", "between": "\n", "max": 3},
    "schema": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 0, "maximum": 99}},
               "required": ["n"], "additionalProperties": false}})";
  const std::string item = R"(<call>\{\s*"n"\s*:\s*([0-9]|[1-9][0-9])\s*\}</call>)";
  const std::regex shape(item + "(\n" + item + "){0,2}");
  for (int seed = 1; seed <= 20; ++seed) {
    Output r = generate(s, spec, seed, 400);
    EXPECT_TRUE(r.finish == "grammar" || r.finish == "eog") << "seed " << seed << ": " << r.finish << " " << r.text;
    EXPECT_TRUE(std::regex_match(r.text, shape)) << "seed " << seed << ": " << r.text;
  }
  // max 1: exactly one instance, and the generation ends with it
  Output one = generate(s, R"({"type": "json_schema", "schema": {"enum": ["yes", "no"]}, "frame": {"before": "[", "after": "]"}})", 5);
  EXPECT_TRUE(one.text == R"(["yes"])" || one.text == R"(["no"])") << one.text;
  EXPECT_EQ(one.finish, "grammar");
  EXPECT_THROW(generate(s, R"({"type": "gbnf", "grammar": "root ::= [a]", "frame": {}})", 1), Error);
  EXPECT_THROW(generate(s, R"({"type": "json_object", "frame": {"before": 3}})", 1), Error);
}

TEST(SessionGrammar, ConstrainedRepliesEndCompleteWithinTheirBudget) {
  // stories260K writes stories into every free string; the budget makes it close them in time
  Session s;
  s.load(stories(), Json());
  for (int max_tokens : {12, 40, 100}) {
    for (int seed = 1; seed <= 15; ++seed) {
      Output r = generate(s, R"({"type": "json_object"})", seed, max_tokens);
      EXPECT_TRUE(r.finish == "grammar" || r.finish == "eog") << max_tokens << " seed " << seed << ": " << r.finish << " " << r.text;
      chat::Value v;
      EXPECT_NO_THROW(v = chat::parse_json(r.text)) << r.text;
      EXPECT_TRUE(v.is_object()) << r.text;
    }
  }
  // calls framed without a bound on their count end too
  const char* calls = R"({"type": "json_schema", "frame": {"before": "<call>", "after": "</call>", "between": "\n", "max": 0},
    "schema": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}})";
  for (int seed = 1; seed <= 10; ++seed) {
    Output r = generate(s, calls, seed, 120);
    EXPECT_TRUE(r.finish == "grammar" || r.finish == "eog") << r.finish << " " << r.text;
    EXPECT_TRUE(r.text.ends_with("</call>")) << r.text;
  }
  // a budget too small to finish is no error: the reply is cut ("length")
  Output cut = generate(s, R"({"type": "json_schema", "schema": {"type": "string", "minLength": 30}})", 1, 5);
  EXPECT_EQ(cut.finish, "length");
}

TEST(SessionGrammar, ATriggeredGrammarBindsFromItsTrigger) {
  Session s;
  s.load(stories(), Json());
  s.start(Json::parse(R"({"prompt": "Hi", "external_eval": true, "temperature": 0,
      "grammar": {"type": "gbnf", "grammar": "root ::= \"<t>\" [0-9]+ \"</t>\"", "triggers": ["<t>"]}})"));
  std::string text;
  for (char c : std::string("x<t>")) text += step_preferring(s, c, '0').text;  // free until the trigger
  EXPECT_EQ(text, "x<t>");
  text += step_preferring(s, 'x', '7').text;  // bound: 'x' is refused, the digit comes
  text += step_preferring(s, 'x', '<').text;
  StepResult st;
  for (char c : std::string("/t>")) text += (st = step_preferring(s, c, '9')).text;
  EXPECT_EQ(text, "x<t>7</t>");
  EXPECT_TRUE(st.done);
  EXPECT_EQ(st.finish_reason, "grammar");
}

TEST(SessionGrammar, AGrammarCanStartAfterAReasoningBlock) {
  Session s;
  s.load(stories(), Json());
  s.start(Json::parse(R"({"prompt": "Hi", "external_eval": true, "temperature": 0,
      "grammar": {"type": "gbnf", "grammar": "root ::= [0-9] [0-9]", "start_after": "</think>"}})"));
  std::string text;
  for (char c : std::string("hmm 12 </think>")) text += step_preferring(s, c, '0').text;
  text += step_preferring(s, 'x', '4').text;
  StepResult st = step_preferring(s, 'y', '2');
  text += st.text;
  EXPECT_EQ(text, "hmm 12 </think>42");
  EXPECT_EQ(st.finish_reason, "grammar");
}

TEST(SessionGrammar, AGateWhoseOpeningDoesNotFitGivesTheGrammarUp) {
  Session s;
  s.load(stories(), Json());
  GrammarCache cache;
  Json spec = Json::parse(R"({"type": "gbnf", "grammar": "root ::= \"<t>\" [0-9]+", "triggers": ["<t>", "<u>"]})");
  GrammarGate fits(cache.get(spec, s.tokenizer()), spec);
  fits.observe("ab<");
  EXPECT_FALSE(fits.bound());
  fits.observe("t>1");  // the trigger spans two tokens; the grammar takes what follows it
  EXPECT_TRUE(fits.bound());
  EXPECT_TRUE(fits.matcher().accepting());
  GrammarGate refuses(cache.get(spec, s.tokenizer()), spec);
  refuses.observe("<u>1");  // a trigger the grammar does not spell
  EXPECT_TRUE(refuses.abandoned());
  EXPECT_FALSE(refuses.bound());
}

TEST(SessionGrammar, PreservedSpecialTokensKeepTheirText) {
  Session s;
  s.load(stories(), Json());
  for (bool preserve : {false, true}) {
    Json req = Json::parse(R"({"prompt": "Hi", "external_eval": true, "temperature": 0})");
    if (preserve) req.set("preserve_tokens", Json::parse(R"(["<s>", "not a token"])"));
    s.start(req);
    std::vector<float> logits(512, 0.0f);
    logits[1] = 100.0f;  // <s>, a control token
    EXPECT_EQ(s.step_with_logits(logits).text, preserve ? "<s>" : "");
  }
}

}  // namespace
}  // namespace hearth::api
