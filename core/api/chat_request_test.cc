#include "core/api/chat_request.h"

#include <gtest/gtest.h>

#include "core/api/c_api.h"
#include "core/api/session.h"
#include "core/util/error.h"

#include <fstream>
#include <iterator>
#include <string>

namespace hearth::api {
namespace {

std::vector<uint8_t> stories_bytes() {
  std::ifstream in(std::string(HEARTH_SHARED_DIR) + "/models/stories260K.gguf", std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Loaded {
  Session s;
  Loaded() { s.load(stories_bytes(), Json(Json::Object{})); }
};

Json req(const std::string& text) { return Json::parse(text); }

TEST(ChatRequest, FallbackIsChatMl) {
  Loaded l;  // stories260K has no tokenizer.chat_template
  ChatPrompt p = render_chat_prompt(
      req(R"({"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hi"},{"type":"text","text":"!"}]}]})"),
      "", l.s.tokenizer());
  EXPECT_EQ(p.source, "fallback");
  EXPECT_EQ(p.prompt, "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_TRUE(p.add_special);
  p = render_chat_prompt(req(R"({"messages":[{"role":"user","content":"x"}],"add_generation_prompt":false})"), "", l.s.tokenizer());
  EXPECT_EQ(p.prompt, "<|im_start|>user\nx<|im_end|>\n");
}

TEST(ChatRequest, RequestTemplateWinsAndSeesBosEos) {
  Loaded l;
  const std::string tmpl = "{{ bos_token }}{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}{{ eos_token }}";
  Json r = req(R"({"messages":[{"role":"user","content":"Zoo"}]})");
  r.set("chat_template", tmpl);
  ChatPrompt p = render_chat_prompt(r, "model template ignored", l.s.tokenizer());
  EXPECT_EQ(p.source, "request");
  EXPECT_EQ(p.prompt, "<s>[user]Zoo</s>");
  EXPECT_FALSE(p.add_special);  // already starts with BOS
  p = render_chat_prompt(req(R"({"messages":[{"role":"user","content":"Zoo"}]})"), "M:{{ messages[0].content }}", l.s.tokenizer());
  EXPECT_EQ(p.source, "model");
  EXPECT_EQ(p.prompt, "M:Zoo");
}

TEST(ChatRequest, TemplateKwargsAreVariablesButNotOverrides) {
  Loaded l;
  // Qwen3's switch: {% if enable_thinking is defined and enable_thinking is false %} an empty think block
  const std::string tmpl =
      "{{ messages[0].content }}{% if enable_thinking is defined and enable_thinking is false %}<think></think>{% endif %}"
      "{{ add_generation_prompt }}";
  Json r = req(R"({"messages":[{"role":"user","content":"Zoo"}],"chat_template_kwargs":{"enable_thinking":false,"add_generation_prompt":"no"}})");
  r.set("chat_template", tmpl);
  EXPECT_EQ(render_chat_prompt(r, "", l.s.tokenizer()).prompt, "Zoo<think></think>True");
  r.set("chat_template_kwargs", Json(nullptr));
  EXPECT_EQ(render_chat_prompt(r, "", l.s.tokenizer()).prompt, "ZooTrue");
  r.set("chat_template_kwargs", Json("enable_thinking"));
  try {
    render_chat_prompt(r, "", l.s.tokenizer());
    ADD_FAILURE() << "a string chat_template_kwargs was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("chat_template_kwargs"), std::string::npos);
  }
}

TEST(ChatRequest, InvalidMessagesAndRaisingTemplates) {
  Loaded l;
  auto message_of = [&](const Json& r) {
    try {
      render_chat_prompt(r, "", l.s.tokenizer());
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message_of(req(R"({})")).find("'messages'"), std::string::npos);
  EXPECT_NE(message_of(req(R"({"messages":[]})")).find("empty"), std::string::npos);
  EXPECT_NE(message_of(req(R"({"messages":[{"role":"wizard","content":"x"}]})")).find("messages[0].role"), std::string::npos);
  EXPECT_NE(message_of(req(R"({"messages":[{"role":"user"}]})")).find("messages[0].content"), std::string::npos);
  EXPECT_NE(message_of(req(R"({"messages":[{"role":"user","content":[{"type":"image_url"}]}]})")).find("messages[0].content"), std::string::npos);
  Json r = req(R"({"messages":[{"role":"user","content":"x"}]})");
  r.set("chat_template", "{{ raise_exception('no users here') }}");
  EXPECT_EQ(message_of(r), "no users here");
  r.set("chat_template", "{% if %}");
  EXPECT_NE(message_of(r).find("syntax error"), std::string::npos);
}

TEST(ChatRequest, CApiReplies) {
  hearth_session* s = hearth_session_create();
  std::vector<uint8_t> bytes = stories_bytes();
  auto* data = static_cast<uint8_t*>(std::malloc(bytes.size()));
  std::copy(bytes.begin(), bytes.end(), data);
  ASSERT_EQ(std::string(hearth_session_load(s, data, bytes.size(), "{}")).find("error"), std::string::npos);
  Json ok = Json::parse(hearth_session_chat_prompt(s, R"({"messages":[{"role":"user","content":"Hi"}]})"));
  EXPECT_EQ(ok.find("prompt")->as_string(), "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_EQ(ok.find("template")->as_string(), "fallback");
  Json err = Json::parse(hearth_session_chat_prompt(s, R"({"messages":[{"role":"user","content":"x"}],"chat_template":"{{ raise_exception('nope') }}"})"));
  ASSERT_NE(err.find("error"), nullptr);
  EXPECT_EQ(err.find("error")->find("type")->as_string(), "invalid_argument");
  EXPECT_EQ(err.find("error")->find("message")->as_string(), "nope");
  hearth_session_destroy(s);
}

TEST(ChatRequest, LogitBiasReachesTheSampler) {
  SamplingParams sp = sampling_params_from_json(req(R"({"logit_bias":{"42":-100,"7":2.5}})"));
  ASSERT_EQ(sp.logit_bias.size(), 2u);
  EXPECT_EQ(sp.logit_bias[0].first, 42);
  EXPECT_EQ(sp.logit_bias[0].second, -100.0f);
  EXPECT_THROW(sampling_params_from_json(req(R"({"logit_bias":{"x":1}})")), Error);
  EXPECT_THROW(sampling_params_from_json(req(R"({"logit_bias":[1]})")), Error);
}

}  // namespace
}  // namespace hearth::api
