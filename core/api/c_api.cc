#include "core/api/c_api.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <new>
#include <string>

#include "core/api/chat_request.h"
#include "core/api/json.h"
#include "core/chat/chat_template.h"
#include "core/api/session.h"
#include "core/gguf/gguf_file.h"
#include "core/util/error.h"

using hearth::ErrorCode;
using hearth::api::Json;

struct hearth_session {
  hearth::api::Session session{1};
  std::string reply;
};

namespace {

const char* error_reply(hearth_session* s, const char* type, const std::string& message) {
  Json err{Json::Object{}};
  err.set("type", type);
  err.set("message", message);
  Json j{Json::Object{}};
  j.set("error", std::move(err));
  s->reply = j.dump();
  return s->reply.c_str();
}

// Runs body (which returns the reply Json), turning every exception into an error reply.
template <class F>
const char* guarded(hearth_session* s, F&& body) {
  if (!s) return "{\"error\":{\"type\":\"invalid_argument\",\"message\":\"null session\"}}";
  try {
    s->reply = body().dump();
    return s->reply.c_str();
  } catch (const hearth::Error& e) {
    return error_reply(s, hearth::error_code_name(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    return error_reply(s, hearth::error_code_name(ErrorCode::kOutOfMemory), "out of memory");
  } catch (const std::exception& e) {
    return error_reply(s, hearth::error_code_name(ErrorCode::kInternal), e.what());
  } catch (...) {
    return error_reply(s, hearth::error_code_name(ErrorCode::kInternal), "unknown exception");
  }
}

Json parse_or_empty(const char* text) {
  if (!text || !*text) return Json(Json::Object{});
  return Json::parse(text);
}

std::vector<int32_t> token_array(const Json& req) {
  const Json* ids = req.find("tokens");
  if (!ids || !ids->is_array()) hearth::fail(ErrorCode::kInvalidArgument, "'tokens' must be an array of token ids");
  std::vector<int32_t> out;
  for (const Json& v : ids->as_array()) {
    if (!v.is_number() || v.as_number() != std::floor(v.as_number()) || std::fabs(v.as_number()) > 2147483647.0)
      hearth::fail(ErrorCode::kInvalidArgument, "'tokens' holds a value that is not an integer");
    out.push_back(int32_t(v.as_number()));
  }
  return out;
}

}  // namespace

extern "C" {

hearth_session* hearth_session_create(void) { return new (std::nothrow) hearth_session(); }

void hearth_session_destroy(hearth_session* s) { delete s; }

const char* hearth_session_load(hearth_session* s, uint8_t* data, size_t size, const char* config_json) {
  // own the buffer first, so it is freed whatever happens next
  hearth::api::SharedBytes bytes(data, [](const uint8_t* p) { std::free(const_cast<uint8_t*>(p)); });
  return guarded(s, [&] {
    if (!data && size) hearth::fail(ErrorCode::kInvalidArgument, "null model buffer");
    Json config = parse_or_empty(config_json);
    return s->session.load(std::move(bytes), size, config);
  });
}

const char* hearth_session_load_header(hearth_session* s, const uint8_t* data, size_t size, const char* config_json) {
  return guarded(s, [&] {
    if (!data && size) hearth::fail(ErrorCode::kInvalidArgument, "null header buffer");
    Json config = parse_or_empty(config_json);
    try {
      return s->session.load_header(std::span<const uint8_t>(data, size), config);
    } catch (const hearth::GgufNeedBytes& e) {
      Json j{Json::Object{}};
      j.set("need_bytes", double(e.needed()));
      return j;
    }
  });
}

const char* hearth_session_unload(hearth_session* s) {
  return guarded(s, [&] {
    s->session.unload();
    return Json(Json::Object{});
  });
}

const char* hearth_session_start(hearth_session* s, const char* request_json) {
  return guarded(s, [&] {
    Json req = parse_or_empty(request_json);
    int32_t n = s->session.start(req);
    Json j{Json::Object{}};
    j.set("prompt_tokens", n);
    j.set("cached_tokens", s->session.cached_tokens());
    j.set("prefill_tokens", s->session.prefill_tokens());
    j.set("n_ctx", s->session.model().n_ctx());
    if (s->session.external_eval()) {
      const int64_t n_candidates = hearth::api::get_integer(req, "n_candidates", 0, 0, INT32_MAX);
      j.set("candidates_suffice", n_candidates > 0 && s->session.candidates_suffice(size_t(n_candidates)));
      j.set("needs_tail", s->session.needs_tail());
      j.set("grammar", req.find("grammar") != nullptr && !req.find("grammar")->is_null());
      Json::Array ids;
      for (int32_t id : s->session.prompt_tokens()) ids.emplace_back(id);
      j.set("tokens", std::move(ids));
    }
    return j;
  });
}

namespace {
Json step_json(const hearth::api::StepResult& r) {
  Json j{Json::Object{}};
  j.set("token", r.token);
  j.set("text", r.text);
  j.set("done", r.done);
  j.set("finish_reason", r.finish_reason.empty() ? Json(nullptr) : Json(r.finish_reason));
  if (r.has_logprobs) {
    // bytes as arrays of numbers: a token may hold part of a UTF-8 character, which a JSON string can't
    const auto byte_array = [](const std::string& bytes) {
      Json::Array a;
      for (unsigned char c : bytes) a.emplace_back(int(c));
      return a;
    };
    j.set("logprob", double(r.logprob));
    j.set("bytes", byte_array(r.bytes));
    Json::Array top;
    for (const auto& alt : r.top_logprobs) {
      Json t{Json::Object{}};
      t.set("token", alt.token);
      t.set("logprob", double(alt.logprob));
      t.set("bytes", byte_array(alt.bytes));
      top.push_back(std::move(t));
    }
    j.set("top_logprobs", std::move(top));
  }
  return j;
}
}  // namespace

const char* hearth_session_step(hearth_session* s) {
  return guarded(s, [&] { return step_json(s->session.step()); });
}

const char* hearth_session_step_logits(hearth_session* s, const float* logits, size_t n) {
  return guarded(s, [&] {
    if (!logits && n) hearth::fail(ErrorCode::kInvalidArgument, "null logits");
    return step_json(s->session.step_with_logits(std::span<const float>(logits, n)));
  });
}

const char* hearth_session_step_candidates(hearth_session* s, const int32_t* ids, const float* logits, size_t n) {
  return guarded(s, [&] {
    if ((!ids || !logits) && n) hearth::fail(ErrorCode::kInvalidArgument, "null candidates");
    std::optional<hearth::api::StepResult> r =
        s->session.step_with_candidates(std::span<const int32_t>(ids, n), std::span<const float>(logits, n));
    if (r) return step_json(*r);
    Json j{Json::Object{}};
    j.set("undecided", true);
    return j;
  });
}

const char* hearth_session_grammar_mask(hearth_session* s, uint32_t* words, size_t n) {
  return guarded(s, [&] {
    if (!words && n) hearth::fail(ErrorCode::kInvalidArgument, "null mask");
    if (n % 2 || (reinterpret_cast<uintptr_t>(words) & 7)) hearth::fail(ErrorCode::kInvalidArgument, "the mask must be 8-byte aligned u32 pairs");
    Json j{Json::Object{}};
    j.set("masked", s->session.grammar_mask(std::span<uint64_t>(reinterpret_cast<uint64_t*>(words), n / 2)));
    return j;
  });
}

const char* hearth_session_step_candidates_bounded(hearth_session* s, const int32_t* ids, const float* logits, size_t n,
                                                   double tail_weight, double tail_error) {
  return guarded(s, [&] {
    if ((!ids || !logits) && n) hearth::fail(ErrorCode::kInvalidArgument, "null candidates");
    std::optional<hearth::api::StepResult> r = s->session.step_with_candidates_bounded(
        std::span<const int32_t>(ids, n), std::span<const float>(logits, n), tail_weight, tail_error);
    if (r) return step_json(*r);
    Json j{Json::Object{}};
    j.set("undecided", true);
    return j;
  });
}

const char* hearth_session_plan(hearth_session* s) {
  return guarded(s, [&] { return s->session.plan(); });
}

const char* hearth_session_cpu_logits(hearth_session* s, const char* request_json, float* out, size_t n) {
  return guarded(s, [&] {
    Json req = parse_or_empty(request_json);
    std::vector<int32_t> ids = token_array(req);
    const size_t V = size_t(s->session.model().config().n_vocab);
    if (ids.empty()) hearth::fail(ErrorCode::kInvalidArgument, "'tokens' is empty");
    if (!out || n < ids.size() * V)
      hearth::fail(ErrorCode::kInvalidArgument, "the output holds " + std::to_string(n) + " floats; " +
                                                    std::to_string(ids.size() * V) + " needed");
    std::vector<float> logits = s->session.cpu_logits(ids);
    std::copy(logits.begin(), logits.end(), out);
    Json j{Json::Object{}};
    j.set("n_tokens", int64_t(ids.size()));
    j.set("n_vocab", int64_t(V));
    return j;
  });
}

const char* hearth_session_embed(hearth_session* s, const char* request_json, float* out, size_t n) {
  return guarded(s, [&] {
    hearth::api::Embeddings e = s->session.embed(parse_or_empty(request_json));
    if (!out || n < e.data.size())
      hearth::fail(ErrorCode::kInvalidArgument, "the output holds " + std::to_string(n) + " floats; " +
                                                    std::to_string(e.data.size()) + " needed");
    std::copy(e.data.begin(), e.data.end(), out);
    Json j{Json::Object{}};
    j.set("n_inputs", e.n_inputs);
    j.set("dim", e.dim);
    j.set("prompt_tokens", e.prompt_tokens);
    return j;
  });
}

const char* hearth_session_embed_begin(hearth_session* s, const char* request_json) {
  return guarded(s, [&] {
    const hearth::api::EmbeddingJob& job = s->session.embed_begin(parse_or_empty(request_json));
    Json::Array inputs;
    for (const std::vector<int32_t>& ids : job.inputs) {
      Json::Array a;
      for (int32_t t : ids) a.emplace_back(t);
      inputs.emplace_back(std::move(a));
    }
    Json j{Json::Object{}};
    j.set("inputs", std::move(inputs));
    j.set("n_embd", job.n_embd);
    j.set("dim", job.dim);
    j.set("prompt_tokens", job.prompt_tokens);
    return j;
  });
}

const char* hearth_session_embed_end(hearth_session* s, float* pooled, size_t n) {
  return guarded(s, [&] {
    if (!pooled && n > 0) hearth::fail(ErrorCode::kInvalidArgument, "no pooled vectors");
    hearth::api::Embeddings e = s->session.embed_end(std::span<const float>(pooled, n));
    std::copy(e.data.begin(), e.data.end(), pooled);
    Json j{Json::Object{}};
    j.set("n_inputs", e.n_inputs);
    j.set("dim", e.dim);
    j.set("prompt_tokens", e.prompt_tokens);
    return j;
  });
}

const char* hearth_session_chat_prompt(hearth_session* s, const char* request_json) {
  return guarded(s, [&] {
    Json req = parse_or_empty(request_json);
    const std::string model_template = s->session.model().file().get_string_or("tokenizer.chat_template", "");
    hearth::api::ChatPrompt p = hearth::api::render_chat_prompt(req, model_template, s->session.tokenizer());
    Json j{Json::Object{}};
    j.set("prompt", p.prompt);
    j.set("add_special", p.add_special);
    j.set("template", p.source);
    return j;
  });
}

const char* hearth_session_render_template(hearth_session* s, const char* request_json) {
  return guarded(s, [&] {
    Json req = parse_or_empty(request_json);
    const hearth::api::Session& session = s->session;
    std::string source, bos, eos;
    if (session.loaded()) {
      bos = session.tokenizer().bos_text();
      eos = session.tokenizer().eos_text();
    }
    if (const Json* t = req.find("template")) {
      if (!t->is_string()) hearth::fail(ErrorCode::kInvalidArgument, "'template' must be a string");
      source = t->as_string();
    } else if (session.loaded() && session.model().file().has("tokenizer.chat_template")) {
      source = session.model().file().get_string("tokenizer.chat_template");
    } else {
      hearth::fail(ErrorCode::kInvalidArgument, session.loaded() ? "the model has no tokenizer.chat_template; pass a template"
                                                                : "no template given and no model loaded");
    }
    const Json* messages = req.find("messages");
    if (!messages || !messages->is_array()) hearth::fail(ErrorCode::kInvalidArgument, "'messages' must be a JSON array of messages");
    const Json* tools = req.find("tools");
    for (const char* key : {"bos_token", "eos_token", "now"}) {
      const Json* v = req.find(key);
      if (v && !v->is_string()) hearth::fail(ErrorCode::kInvalidArgument, std::string("'") + key + "' must be a string");
    }
    if (const Json* v = req.find("bos_token")) bos = v->as_string();
    if (const Json* v = req.find("eos_token")) eos = v->as_string();
    const Json* now = req.find("now");
    const hearth::chat::RenderOptions options = now ? hearth::chat::fixed_date_options(now->as_string()) : hearth::chat::RenderOptions{};
    Json j{Json::Object{}};
    j.set("prompt", hearth::chat::apply_chat_template(source, hearth::api::to_chat_value(*messages),
                                                       tools ? hearth::api::to_chat_value(*tools) : hearth::chat::Value(nullptr),
                                                       hearth::api::get_bool(req, "add_generation_prompt", false), bos, eos, options));
    return j;
  });
}

const char* hearth_session_tokenize(hearth_session* s, const char* request_json) {
  return guarded(s, [&] {
    Json req = parse_or_empty(request_json);
    const Json* text = req.find("text");
    if (!text || !text->is_string()) hearth::fail(ErrorCode::kInvalidArgument, "'text' must be a string");
    std::vector<int32_t> ids = s->session.tokenize(text->as_string(), hearth::api::get_bool(req, "add_special", false),
                                                   hearth::api::get_bool(req, "parse_special", false));
    Json::Array arr;
    for (int32_t id : ids) arr.emplace_back(id);
    Json j{Json::Object{}};
    j.set("tokens", std::move(arr));
    return j;
  });
}

const char* hearth_session_detokenize(hearth_session* s, const char* request_json) {
  return guarded(s, [&] {
    Json req = parse_or_empty(request_json);
    std::vector<int32_t> ids = token_array(req);
    Json j{Json::Object{}};
    j.set("text", s->session.detokenize(ids, hearth::api::get_bool(req, "render_special", false)));
    return j;
  });
}

}  // extern "C"
