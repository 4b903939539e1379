// Constrained generation through the session: with a real model and random sampling, every output
// is in the grammar and ends when the grammar does.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <random>
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

TEST(SessionGrammar, CandidatesTheGrammarRefusesLeaveTheStepToAllLogits) {
  Session s;
  s.load(stories(), Json());
  Json req = Json::parse(R"({"prompt": "Hi", "temperature": 0, "external_eval": true,
                             "grammar": {"type": "gbnf", "grammar": "root ::= [a-z]+"}})");
  s.start(req);
  EXPECT_TRUE(s.candidates_suffice(64));
  std::vector<int32_t> ids = {'{' + 3, '}' + 3};  // unmasked candidates, both refused
  std::vector<float> cl = {100.0f, 90.0f};
  EXPECT_FALSE(s.step_with_candidates(ids, cl).has_value());
  std::vector<float> logits(512, 0.0f);
  logits['{' + 3] = 100.0f;  // a byte token the grammar refuses, far ahead of the rest
  StepResult st = s.step_with_logits(logits);
  ASSERT_FALSE(st.text.empty());
  EXPECT_TRUE(std::all_of(st.text.begin(), st.text.end(), [](char c) { return c >= 'a' && c <= 'z'; })) << st.text;
  std::vector<uint64_t> mask(8);
  EXPECT_TRUE(s.grammar_mask(mask));
  auto bit = [&](int32_t id) { return (mask[size_t(id) >> 6] >> (id & 63)) & 1; };
  EXPECT_EQ(bit('a' + 3), 1u);
  EXPECT_EQ(bit('{' + 3), 0u);
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

namespace hearth::api {
namespace {

// What a GPU hands over: the best n of the masked logits, ranked (logit descending, id ascending),
// and the other allowed tokens' weight at this temperature.
struct GpuView {
  std::vector<int32_t> ids;
  std::vector<float> logits;
  double tail = 0;
};

GpuView gpu_view(Session& s, const std::vector<float>& logits, size_t n, float temperature) {
  std::vector<uint64_t> mask((logits.size() + 63) / 64);
  const bool masked = s.grammar_mask(mask);
  std::vector<int32_t> order(logits.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = int32_t(i);
  auto value = [&](int32_t i) { return !masked || ((mask[size_t(i) >> 6] >> (i & 63)) & 1) ? logits[size_t(i)] : -INFINITY; };
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return value(a) > value(b); });
  GpuView v;
  for (size_t i = 0; i < n; ++i) {
    v.ids.push_back(order[i]);
    v.logits.push_back(logits[size_t(order[i])]);
  }
  const double max = value(order[0]);
  for (size_t i = n; i < order.size(); ++i)
    if (temperature > 0 && value(order[i]) > -INFINITY) v.tail += std::exp((double(value(order[i])) - max) / temperature);
  return v;
}

TEST(SessionGrammar, CandidatesFromMaskedLogitsDrawWhatAllLogitsDraw) {
  // the same constrained generation twice over the same logits: all of them (the CPU path) and the
  // GPU's view of them; same tokens, whichever draws the candidates decide or hand back
  Session all, cand;
  all.load(stories(), Json());
  cand.load(stories(), Json());
  const char* modes[] = {R"("temperature": 0)", R"("temperature": 1, "top_k": 20)", R"("temperature": 1)"};
  size_t undecided = 0, steps = 0;
  for (const char* mode : modes) {
    for (int seed = 1; seed <= 6; ++seed) {
      std::string req = std::string(R"({"prompt": "Hi", "external_eval": true, "max_tokens": 24, "seed": )") + std::to_string(seed) +
                        ", " + mode + R"(, "grammar": {"type": "json_object"}})";
      all.start(Json::parse(req));
      cand.start(Json::parse(req));
      std::mt19937 rng{uint32_t(seed)};
      std::normal_distribution<float> normal(0.0f, 3.0f);
      const float temperature = std::string(mode).find("\"temperature\": 0") != std::string::npos ? 0.0f : 1.0f;
      const bool bounded = cand.needs_tail();
      ASSERT_TRUE(bounded || cand.candidates_suffice(128));
      std::string text_all, text_cand;
      while (all.generating()) {
        std::vector<float> logits(512);
        for (float& l : logits) l = normal(rng);
        StepResult a = all.step_with_logits(logits);
        GpuView v = gpu_view(cand, logits, 128, temperature);
        std::optional<StepResult> c = bounded ? cand.step_with_candidates_bounded(v.ids, v.logits, v.tail, 1e-6)
                                              : cand.step_with_candidates(v.ids, v.logits);
        ++steps;
        if (!c) {
          ++undecided;
          c = cand.step_with_logits(logits);
        }
        ASSERT_EQ(a.token, c->token) << mode << " seed " << seed << " after " << text_all;
        text_all += a.text;
        text_cand += c->text;
        ASSERT_EQ(a.done, c->done);
      }
      EXPECT_EQ(text_all, text_cand);
      EXPECT_NO_THROW(chat::parse_json(text_all)) << text_all;
    }
  }
  EXPECT_LT(undecided * 4, steps) << undecided << " of " << steps;
  EXPECT_GT(undecided, 0u) << "the budget never left a draw to all logits";
}

}  // namespace
}  // namespace hearth::api
