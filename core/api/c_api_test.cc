#include "core/api/c_api.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/api/json.h"
#include "core/synth/synthetic_model.h"

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

TEST(CApi, RenderTemplateWithAndWithoutAModel) {
  hearth_session* s = hearth_session_create();
  // no model: the template must be given; bos/eos come from the request
  Json r = Json::parse(hearth_session_render_template(s, R"({"template": "{{ bos_token }}{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}{{ strftime_now('%Y') }}",
      "messages": [{"role": "user", "content": "hi"}], "add_generation_prompt": true, "bos_token": "<s>", "now": "2024-02-29"})"));
  ASSERT_EQ(r.find("error"), nullptr) << r.dump();
  EXPECT_EQ(r.find("prompt")->as_string(), "<s><user>hi<assistant>2024");
  EXPECT_EQ(error_type(hearth_session_render_template(s, R"({"messages": []})")), "invalid_argument");
  EXPECT_EQ(error_type(hearth_session_render_template(s, R"({"template": "x", "messages": {}})")), "invalid_argument");
  EXPECT_EQ(error_type(hearth_session_render_template(s, R"({"template": "x", "messages": [], "now": "2024-13-01"})")), "invalid_argument");
  Json raised = Json::parse(hearth_session_render_template(s, R"({"template": "{{ raise_exception('no tools here') }}", "messages": []})"));
  ASSERT_NE(raised.find("error"), nullptr);
  EXPECT_NE(raised.find("error")->find("message")->as_string().find("no tools here"), std::string::npos);
  // with stories260K loaded (no chat template of its own): bos/eos are its token texts
  auto bytes = stories();
  ASSERT_EQ(Json::parse(hearth_session_load(s, malloc_copy(bytes), bytes.size(), nullptr)).find("error"), nullptr);
  EXPECT_EQ(error_type(hearth_session_render_template(s, R"({"messages": []})")), "invalid_argument");
  r = Json::parse(hearth_session_render_template(s, R"({"template": "{{ bos_token }}|{{ eos_token }}", "messages": []})"));
  EXPECT_EQ(r.find("prompt")->as_string(), "<s>|</s>");
  hearth_session_destroy(s);
}

// The GPU path loads from the header alone; models over 4 GB (llama-3.1-8b Q4_0 is ~4.6 GB) must
// keep their tensors' file offsets exact through the C ABI's JSON (doubles: exact to 2^53).
TEST(CApi, LoadHeaderOfAModelOver4GB) {
  SynthLayout layout = synthetic_model_layout({.preset = "llama-3.1-8b", .type = "q4_0"});
  ASSERT_GT(layout.file_size, uint64_t(1) << 32);
  hearth_session* s = hearth_session_create();
  const std::string config = R"({"n_ctx": 256, "file_size": )" + std::to_string(layout.file_size) + "}";
  // a prefix too short: the reply says how much to read, and reading that much succeeds
  Json need = Json::parse(hearth_session_load_header(s, layout.header.data(), 4096, config.c_str()));
  ASSERT_NE(need.find("need_bytes"), nullptr) << need.dump();
  ASSERT_GT(need.find("need_bytes")->as_number(), 4096.0);
  Json info = Json::parse(hearth_session_load_header(s, layout.header.data(), layout.header.size(), config.c_str()));
  ASSERT_EQ(info.find("error"), nullptr) << info.dump();
  EXPECT_EQ(info.find("n_layer")->as_number(), 32);
  EXPECT_EQ(info.find("n_ctx")->as_number(), 256);
  Json plan = Json::parse(hearth_session_plan(s));
  const double data_offset = plan.find("config")->find("data_offset")->as_number();
  double max_end = 0;
  for (const Json& n : plan.find("nodes")->as_array()) {
    const Json* w = n.find("weight");
    if (!w || w->is_null()) continue;
    const double file_offset = w->find("file_offset")->as_number();
    EXPECT_EQ(uint64_t(file_offset), uint64_t(data_offset) + uint64_t(w->find("offset")->as_number()));
    max_end = std::max(max_end, file_offset + w->find("n_bytes")->as_number());
  }
  EXPECT_GT(max_end, 4294967296.0);
  EXPECT_LE(uint64_t(max_end), layout.file_size);
  // no weights in the core: the CPU path refuses, the external one starts
  EXPECT_EQ(error_type(hearth_session_start(s, R"({"prompt": "Hello"})")), "invalid_argument");
  Json started = Json::parse(hearth_session_start(s, R"({"prompt": "Hello", "external_eval": true, "temperature": 0, "n_candidates": 128})"));
  ASSERT_EQ(started.find("error"), nullptr) << started.dump();
  EXPECT_TRUE(started.find("candidates_suffice")->as_bool());
  float out[4];
  EXPECT_EQ(error_type(hearth_session_cpu_logits(s, R"({"tokens": [1]})", out, 4)), "invalid_argument");
  // a file size smaller than the tensors need is a malformed file
  const std::string small = R"({"file_size": )" + std::to_string(layout.file_size - 1) + "}";
  EXPECT_EQ(error_type(hearth_session_load_header(s, layout.header.data(), layout.header.size(), small.c_str())), "malformed_file");
  hearth_session_destroy(s);
}

}  // namespace
}  // namespace hearth::api
