#include "core/sampling/sampling_params.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "core/util/error.h"

namespace hearth {
namespace {

// Expects validate() to throw kInvalidArgument with `field` in the message.
void expect_rejected(const std::function<void(SamplingParams&)>& edit, const std::string& field,
                     int32_t vocab = 100) {
  SamplingParams p;
  edit(p);
  try {
    validate(p, vocab);
    ADD_FAILURE() << "accepted bad " << field;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
}

TEST(SamplingParams, DefaultsAndEdgesAreValid) {
  SamplingParams p;
  EXPECT_NO_THROW(validate(p, 100));
  p.temperature = 0.0f;
  p.top_p = 1.0f;
  p.min_p = 1.0f;
  p.top_k = 1000;  // larger than the vocabulary means off
  p.presence_penalty = -2.0f;
  p.frequency_penalty = 2.0f;
  p.penalty_last_n = -1;
  p.logit_bias = {{0, -100.0f}, {99, 100.0f}};
  p.top_logprobs = 20;
  EXPECT_NO_THROW(validate(p, 100));
}

TEST(SamplingParams, RejectsEachBadField) {
  const float nan = std::nanf("");
  expect_rejected([](SamplingParams& p) { p.temperature = -0.1f; }, "temperature");
  expect_rejected([&](SamplingParams& p) { p.temperature = nan; }, "temperature");
  expect_rejected([](SamplingParams& p) { p.temperature = INFINITY; }, "temperature");
  expect_rejected([](SamplingParams& p) { p.top_k = -1; }, "top_k");
  expect_rejected([](SamplingParams& p) { p.top_p = 0.0f; }, "top_p");
  expect_rejected([](SamplingParams& p) { p.top_p = 1.01f; }, "top_p");
  expect_rejected([&](SamplingParams& p) { p.top_p = nan; }, "top_p");
  expect_rejected([](SamplingParams& p) { p.min_p = -0.01f; }, "min_p");
  expect_rejected([](SamplingParams& p) { p.min_p = 1.5f; }, "min_p");
  expect_rejected([](SamplingParams& p) { p.repetition_penalty = 0.0f; }, "repetition_penalty");
  expect_rejected([](SamplingParams& p) { p.repetition_penalty = -1.0f; }, "repetition_penalty");
  expect_rejected([](SamplingParams& p) { p.presence_penalty = 2.5f; }, "presence_penalty");
  expect_rejected([](SamplingParams& p) { p.presence_penalty = -2.5f; }, "presence_penalty");
  expect_rejected([](SamplingParams& p) { p.frequency_penalty = 3.0f; }, "frequency_penalty");
  expect_rejected([&](SamplingParams& p) { p.frequency_penalty = nan; }, "frequency_penalty");
  expect_rejected([](SamplingParams& p) { p.penalty_last_n = -2; }, "penalty_last_n");
  expect_rejected([](SamplingParams& p) { p.logit_bias = {{100, 1.0f}}; }, "logit_bias token");
  expect_rejected([](SamplingParams& p) { p.logit_bias = {{-1, 1.0f}}; }, "logit_bias token");
  expect_rejected([](SamplingParams& p) { p.logit_bias = {{5, 100.5f}}; }, "logit_bias value");
  expect_rejected([](SamplingParams& p) { p.logit_bias = {{5, -101.0f}}; }, "logit_bias value");
  expect_rejected([](SamplingParams& p) { p.top_logprobs = -1; }, "top_logprobs");
  expect_rejected([](SamplingParams& p) { p.top_logprobs = 21; }, "top_logprobs");
  expect_rejected([](SamplingParams&) {}, "vocab_size", 0);
}

}  // namespace
}  // namespace hearth
