#include "core/api/session.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>

#include "core/util/error.h"

namespace hearth::api {
namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<uint8_t> stories() {
  auto bytes = read_file(std::string(HEARTH_SHARED_DIR) + "/models/stories260K.gguf");
  EXPECT_FALSE(bytes.empty());
  return bytes;
}

const char* kZooGreedy57 =
    " was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. "
    "She wanted to play with it, but she didn't want to play with";

std::string generate(Session& s, std::vector<StepResult>* steps = nullptr) {
  std::string text;
  while (s.generating()) {
    StepResult r = s.step();
    text += r.text;
    if (steps) steps->push_back(r);
  }
  return text;
}

TEST(Session, GreedyStoriesContinuation) {
  Session s;
  Json info = s.load(stories(), Json());
  EXPECT_EQ(info.find("architecture")->as_string(), "llama");
  EXPECT_EQ(info.find("n_vocab")->as_number(), 512);
  EXPECT_EQ(s.start(Json::parse(R"({"prompt": "Zoo", "temperature": 0, "max_tokens": 57})")), 4);
  std::vector<StepResult> steps;
  EXPECT_EQ(generate(s, &steps), kZooGreedy57);
  ASSERT_EQ(steps.size(), 57u);
  EXPECT_TRUE(steps.back().done);
  EXPECT_EQ(steps.back().finish_reason, "length");
  for (size_t k = 0; k + 1 < steps.size(); ++k) EXPECT_FALSE(steps[k].done);
  EXPECT_EQ(s.n_past(), 4 + 56);
}

// The config's n_threads sizes the CPU executor's pool: the text and every logit are those of one
// thread (each row of a matmul is computed whole by one thread, in the same order).
TEST(Session, ThreadsFromTheConfigGiveTheSameTextAndLogits) {
  Session one;
  EXPECT_EQ(one.load(stories(), Json()).find("n_threads")->as_number(), 1);  // the constructor's
  Session two(1);
  EXPECT_EQ(two.load(stories(), Json::parse(R"({"n_threads": 2})")).find("n_threads")->as_number(), 2);
  const char* request = R"({"prompt": "Zoo", "temperature": 0, "max_tokens": 57})";
  one.start(Json::parse(request));
  two.start(Json::parse(request));
  EXPECT_EQ(generate(two), kZooGreedy57);
  const std::vector<int32_t> tokens = {1, 410, 469, 347, 261, 300, 402, 511};
  EXPECT_EQ(one.cpu_logits(tokens), two.cpu_logits(tokens));
  EXPECT_THROW(two.load(stories(), Json::parse(R"({"n_threads": -1})")), Error);
  EXPECT_THROW(two.load(stories(), Json::parse(R"({"n_threads": "2"})")), Error);
  EXPECT_GE(two.load(stories(), Json::parse(R"({"n_threads": 0})")).find("n_threads")->as_number(), 1);
}

TEST(Session, TokenPromptMatchesTextPromptAndRestartResets) {
  Session s;
  s.load(stories(), Json());
  EXPECT_EQ(s.start(Json::parse(R"({"tokens": [1, 410, 469, 347], "temperature": 0, "max_tokens": 57})")), 4);
  EXPECT_EQ(generate(s), kZooGreedy57);
  s.start(Json::parse(R"({"prompt": "Zoo", "temperature": 0, "max_tokens": 57})"));
  EXPECT_EQ(generate(s), kZooGreedy57);  // the second run reuses the prompt's cached prefix: same text
  EXPECT_EQ(s.cached_tokens(), 3);
  EXPECT_EQ(s.prefill_tokens(), 1);  // the last prompt token is re-evaluated for its logits
}

// Greedy picks the most likely token, so each step's token is its own first alternative; the
// reported log-probabilities are a descending slice of a distribution, with the tokens' bytes.
TEST(Session, StepsReportLogprobsWhenAsked) {
  Session s;
  s.load(stories(), Json());
  s.start(Json::parse(R"({"prompt": "Zoo", "temperature": 0, "max_tokens": 8, "top_logprobs": 3})"));
  std::vector<StepResult> steps;
  EXPECT_EQ(generate(s, &steps), " was a little girl named Lily");  // greedy, as kZooGreedy57
  ASSERT_EQ(steps.size(), 8u);
  for (const StepResult& r : steps) {
    ASSERT_TRUE(r.has_logprobs);
    ASSERT_EQ(r.top_logprobs.size(), 3u);
    EXPECT_EQ(r.top_logprobs[0].token, r.token);
    EXPECT_FLOAT_EQ(r.top_logprobs[0].logprob, r.logprob);
    EXPECT_EQ(r.bytes, s.tokenizer().token_to_piece(r.token, true));
    double mass = 0;
    for (size_t k = 0; k < 3; ++k) {
      const auto& alt = r.top_logprobs[k];
      EXPECT_LE(alt.logprob, 0.0f);
      if (k) EXPECT_LE(alt.logprob, r.top_logprobs[k - 1].logprob);
      EXPECT_EQ(alt.bytes, s.tokenizer().token_to_piece(alt.token, true));
      mass += std::exp(double(alt.logprob));
    }
    EXPECT_LE(mass, 1.0 + 1e-6);
  }
  // logprobs alone: the sampled token's, no alternatives; neither: nothing reported
  s.start(Json::parse(R"({"prompt": "Zoo", "temperature": 0, "max_tokens": 2, "logprobs": true})"));
  StepResult only = s.step();
  EXPECT_TRUE(only.has_logprobs);
  EXPECT_TRUE(only.top_logprobs.empty());
  EXPECT_FLOAT_EQ(only.logprob, steps[0].logprob);
  EXPECT_FALSE(s.candidates_suffice(128));  // logprobs need every logit
  s.start(Json::parse(R"({"prompt": "Zoo", "temperature": 0.8, "max_tokens": 2, "logprobs": true})"));
  EXPECT_FALSE(s.needs_tail());  // nor can candidates and a tail weight give them
  s.start(Json::parse(R"({"prompt": "Zoo", "temperature": 0.8, "max_tokens": 2})"));
  EXPECT_TRUE(s.needs_tail());
  s.start(Json::parse(R"({"prompt": "Zoo", "temperature": 0, "max_tokens": 2})"));
  EXPECT_TRUE(s.candidates_suffice(128));
  EXPECT_FALSE(s.step().has_logprobs);
  EXPECT_THROW(s.start(Json::parse(R"({"prompt": "Zoo", "top_logprobs": 21})")), Error);
}

TEST(Session, SeededSamplingIsReproducibleAndStopsAtEog) {
  Session s;
  s.load(stories(), Json());
  const Json req = Json::parse(R"({"prompt": "Once upon a time", "temperature": 0.8, "top_k": 40, "top_p": 0.95,
                                   "min_p": 0.05, "seed": 7, "max_tokens": 400})");
  s.start(req);
  std::vector<StepResult> a;
  std::string ta = generate(s, &a);
  s.start(req);
  std::vector<StepResult> b;
  EXPECT_EQ(generate(s, &b), ta);
  ASSERT_EQ(a.size(), b.size());
  ASSERT_FALSE(a.empty());
  EXPECT_TRUE(a.back().done);
  if (a.back().finish_reason == "eog") {
    EXPECT_TRUE(s.tokenizer().is_eog(a.back().token));
  }
}

TEST(Session, ErrorsLeaveTheSessionUsable) {
  Session s;
  EXPECT_THROW(s.start(Json::parse(R"({"prompt": "x"})")), Error);  // nothing loaded
  std::vector<uint8_t> junk = {'G', 'G', 'U', 'F', 3, 0, 0, 0, 1, 2};
  try {
    s.load(junk, Json());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kMalformedFile);
  }
  EXPECT_FALSE(s.loaded());
  s.load(stories(), Json());
  EXPECT_THROW(s.step(), Error);  // not started
  EXPECT_THROW(s.start(Json::parse(R"({"prompt": "x", "temperature": -1})")), Error);
  EXPECT_THROW(s.start(Json::parse(R"({"prompt": "x", "tokens": [1]})")), Error);
  EXPECT_THROW(s.start(Json::parse(R"({"tokens": [1, 99999]})")), Error);
  EXPECT_THROW(s.start(Json::parse(R"({"prompt": "x", "top_k": "many"})")), Error);
  s.start(Json::parse(R"({"prompt": "Zoo", "temperature": 0, "max_tokens": 57})"));
  EXPECT_EQ(generate(s), kZooGreedy57);
  EXPECT_THROW(s.step(), Error);  // finished
}

TEST(Session, ContextFullEndsWithLength) {
  Session s;
  s.load(stories(), Json::parse(R"({"n_ctx": 8})"));
  EXPECT_EQ(s.info().find("n_ctx")->as_number(), 8);
  s.start(Json::parse(R"({"prompt": "Zoo", "temperature": 0, "ignore_eos": true})"));
  std::vector<StepResult> steps;
  generate(s, &steps);
  EXPECT_EQ(steps.size(), 5u);  // 4 prompt tokens; generated tokens fill positions 4..7, the last is not evaluated
  EXPECT_EQ(steps.back().finish_reason, "length");
  EXPECT_THROW(s.start(Json::parse(R"({"prompt": "one two three four five six seven eight nine"})")), Error);
}

TEST(Json, RoundTripsAndRejects) {
  Json j = Json::parse(R"( {"a": [1, -2.5, true, null, "x\"\u00e9\ud83d\ude00"], "b": {}} )");
  EXPECT_EQ(j.dump(), "{\"a\":[1,-2.5,true,null,\"x\\\"\xC3\xA9\xF0\x9F\x98\x80\"],\"b\":{}}");
  EXPECT_THROW(Json::parse("{"), Error);
  EXPECT_THROW(Json::parse("[1,]"), Error);
  EXPECT_THROW(Json::parse("01x"), Error);
  EXPECT_THROW(Json::parse("\"\x01\""), Error);
  EXPECT_EQ(Json("a\nb\x01").dump(), "\"a\\nb\\u0001\"");
}


// Prefix reuse: a start() keeps the common prefix of the cache (previous prompt + evaluated
// generated tokens) and the new prompt, prefills the rest, and gives a cold run's tokens.
Json tokens_request(const std::vector<int32_t>& ids, int max_tokens) {
  Json::Array a;
  for (int32_t id : ids) a.emplace_back(id);
  Json r{Json::Object{}};
  r.set("tokens", std::move(a));
  r.set("temperature", 0);
  r.set("max_tokens", max_tokens);
  return r;
}

std::vector<int32_t> generate_ids(Session& s) {
  std::vector<int32_t> ids;
  while (s.generating()) {
    StepResult r = s.step();
    if (r.finish_reason != "eog") ids.push_back(r.token);
  }
  return ids;
}

std::vector<int32_t> cold(const std::vector<int32_t>& prompt, int max_tokens, int32_t* cached = nullptr) {
  Session s;
  s.load(stories(), Json());
  s.start(tokens_request(prompt, max_tokens));
  if (cached) *cached = s.cached_tokens();
  return generate_ids(s);
}

TEST(SessionPrefixReuse, SecondTurnExtendingTheFirstPrefillsOnlyTheNewTokens) {
  Session s;
  s.load(stories(), Json());
  std::vector<int32_t> p1 = s.tokenize("Zoo", true, true);
  s.start(tokens_request(p1, 20));
  EXPECT_EQ(s.cached_tokens(), 0);
  EXPECT_EQ(s.prefill_tokens(), int32_t(p1.size()));
  std::vector<int32_t> g1 = generate_ids(s);
  ASSERT_EQ(g1.size(), 20u);  // finish "length": the last generated token is never evaluated
  std::vector<int32_t> p2 = p1;
  p2.insert(p2.end(), g1.begin(), g1.end());
  for (int32_t t : s.tokenize(" Then the dog said", false, false)) p2.push_back(t);
  EXPECT_EQ(s.start(tokens_request(p2, 30)), int32_t(p2.size()));
  const int32_t cached = int32_t(p1.size() + g1.size() - 1);
  EXPECT_EQ(s.cached_tokens(), cached);
  EXPECT_EQ(s.prefill_tokens(), int32_t(p2.size()) - cached);
  std::vector<int32_t> g2 = generate_ids(s);
  int32_t cold_cached = -1;
  EXPECT_EQ(g2, cold(p2, 30, &cold_cached));
  EXPECT_EQ(cold_cached, 0);
  EXPECT_EQ(s.n_past(), int32_t(p2.size() + g2.size() - 1));

  // the same prompt again: everything but its last token is reused
  s.start(tokens_request(p2, 30));
  EXPECT_EQ(s.cached_tokens(), int32_t(p2.size()) - 1);
  EXPECT_EQ(s.prefill_tokens(), 1);
  EXPECT_EQ(generate_ids(s), g2);
  // cache_prompt: false starts from an empty cache
  Json r = tokens_request(p2, 30);
  r.set("cache_prompt", false);
  s.start(r);
  EXPECT_EQ(s.cached_tokens(), 0);
  EXPECT_EQ(s.prefill_tokens(), int32_t(p2.size()));
  EXPECT_EQ(generate_ids(s), g2);
}

TEST(SessionPrefixReuse, DivergingPromptReusesExactlyTheCommonPrefix) {
  Session s;
  s.load(stories(), Json());
  std::vector<int32_t> a = s.tokenize("Once upon a time there was a little dog named Max", true, true);
  std::vector<int32_t> tail = s.tokenize(" a big red ball in the park", false, false);
  ASSERT_GE(a.size(), 8u);
  std::vector<int32_t> b(a.begin(), a.begin() + 6);
  ASSERT_NE(tail[0], a[6]);
  b.insert(b.end(), tail.begin(), tail.end());
  s.start(tokens_request(a, 15));
  generate_ids(s);
  s.start(tokens_request(b, 25));
  EXPECT_EQ(s.cached_tokens(), 6);
  EXPECT_EQ(s.prefill_tokens(), int32_t(b.size()) - 6);
  EXPECT_EQ(generate_ids(s), cold(b, 25));
  // a prompt that is a strict prefix of the cache: all of it but the last token
  std::vector<int32_t> c(b.begin(), b.begin() + 9);
  s.start(tokens_request(c, 25));
  EXPECT_EQ(s.cached_tokens(), 8);
  EXPECT_EQ(s.prefill_tokens(), 1);
  EXPECT_EQ(generate_ids(s), cold(c, 25));
}

TEST(SessionPrefixReuse, DifferentPromptReusesOnlyTheSharedBos) {
  Session s;
  s.load(stories(), Json());
  s.start(Json::parse(R"({"prompt": "Zoo", "temperature": 0, "max_tokens": 57})"));
  EXPECT_EQ(generate(s), kZooGreedy57);
  s.start(Json::parse(R"({"prompt": "Once upon a time", "temperature": 0, "max_tokens": 40})"));
  EXPECT_EQ(s.cached_tokens(), 1);  // BOS
  std::vector<int32_t> warm = generate_ids(s);
  EXPECT_EQ(warm, cold(s.tokenize("Once upon a time", true, true), 40));
  // no BOS: nothing in common
  std::vector<int32_t> nobos = s.tokenize("The cat", false, false);
  s.start(tokens_request(nobos, 10));
  EXPECT_EQ(s.cached_tokens(), 0);
  EXPECT_EQ(s.prefill_tokens(), int32_t(nobos.size()));
  EXPECT_EQ(generate_ids(s), cold(nobos, 10));
  // external evaluation never reuses the core's cache, and leaves it empty
  s.start(Json::parse(R"({"prompt": "The cat", "temperature": 0, "external_eval": true})"));
  EXPECT_EQ(s.cached_tokens(), 0);
  EXPECT_EQ(s.prefill_tokens(), int32_t(s.tokenize("The cat", true, true).size()));
  s.start(Json::parse(R"({"prompt": "The cat", "temperature": 0, "max_tokens": 5})"));
  EXPECT_EQ(s.cached_tokens(), 0);
}

}  // namespace
// External evaluation: the caller evaluates tokens (here a second CPU executor over the same model)
// and hands logits to step_with_logits; the text is the same as step()'s. The plan lists the graph.
TEST(Session, ExternalEvalMatchesStep) {
  Session s;
  s.load(stories(), Json());
  EXPECT_EQ(s.start(Json::parse(R"({"prompt": "Zoo", "temperature": 0, "max_tokens": 57, "external_eval": true})")), 4);
  ASSERT_TRUE(s.external_eval());
  EXPECT_THROW(s.step(), Error);
  CpuExecutor exec(s.model(), 1);
  std::vector<float> logits = exec.eval(s.prompt_tokens());
  std::string text;
  while (s.generating()) {
    StepResult r = s.step_with_logits(logits);
    text += r.text;
    if (!r.done) logits = exec.eval(std::span<const int32_t>(&r.token, 1));
  }
  EXPECT_EQ(text, kZooGreedy57);
  EXPECT_THROW(s.step_with_logits(logits), Error);

  Json plan = s.plan();
  EXPECT_EQ(plan.find("config")->find("n_layer")->as_number(), 5);
  EXPECT_EQ(plan.find("config")->find("n_vocab")->as_number(), 512);
  const Json::Array& nodes = plan.find("nodes")->as_array();
  ASSERT_FALSE(nodes.empty());
  EXPECT_EQ(nodes[0].find("op")->as_string(), "embed");
  const Json* w = nodes[0].find("weight");
  ASSERT_TRUE(w && w->is_object());
  EXPECT_EQ(w->find("type")->as_string(), "f32");
  EXPECT_EQ(w->find("file_offset")->as_number(), plan.find("config")->find("data_offset")->as_number() + w->find("offset")->as_number());
}

}  // namespace hearth::api
