#include "core/api/chat_request.h"

#include "core/chat/chat_template.h"
#include "core/util/error.h"

namespace hearth::api {

const char* const kFallbackChatTemplate =
    "{%- for message in messages -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + (message['content'] if message['content'] is string else '') + "
    "'<|im_end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}";

namespace {

[[noreturn]] void bad(size_t i, const std::string& what) {
  fail(ErrorCode::kInvalidArgument, "messages[" + std::to_string(i) + "]" + what);
}

// Validates one message and returns it with array content joined into a string.
Json normalize_message(const Json& m, size_t i) {
  if (!m.is_object()) bad(i, " must be an object");
  const Json* role = m.find("role");
  if (!role || !role->is_string()) bad(i, ".role must be a string");
  const std::string& r = role->as_string();
  if (r != "system" && r != "developer" && r != "user" && r != "assistant" && r != "tool")
    bad(i, ".role '" + r + "' is not one of system, developer, user, assistant, tool");
  Json out{Json::Object{}};
  for (const auto& [k, v] : m.as_object()) {
    if (k != "content") {
      out.set(k, v);
      continue;
    }
    if (v.is_string() || (v.is_null() && r == "assistant")) {
      out.set(k, v);
    } else if (v.is_array()) {
      std::string text;
      for (const Json& part : v.as_array()) {
        const Json* type = part.find("type");
        const Json* t = part.find("text");
        if (!type || !type->is_string() || type->as_string() != "text" || !t || !t->is_string())
          bad(i, ".content parts must be {\"type\": \"text\", \"text\": string}");
        text += t->as_string();
      }
      out.set(k, text);
    } else {
      bad(i, ".content must be a string or an array of text parts");
    }
  }
  if (!m.find("content") && r != "assistant") bad(i, ".content is missing");
  return out;
}

}  // namespace

ChatPrompt render_chat_prompt(const Json& request, const std::string& model_template, const Tokenizer& tokenizer) {
  if (!request.is_object()) fail(ErrorCode::kInvalidArgument, "the request must be a JSON object");
  const Json* messages = request.find("messages");
  if (!messages || !messages->is_array()) fail(ErrorCode::kInvalidArgument, "'messages' must be an array");
  if (messages->as_array().empty()) fail(ErrorCode::kInvalidArgument, "'messages' must not be empty");
  Json::Array normalized;
  for (size_t i = 0; i < messages->as_array().size(); ++i)
    normalized.push_back(normalize_message(messages->as_array()[i], i));
  const Json* tools = request.find("tools");
  if (tools && !tools->is_null() && !tools->is_array()) fail(ErrorCode::kInvalidArgument, "'tools' must be an array");
  const bool add_generation_prompt = get_bool(request, "add_generation_prompt", true);
  const Json* kwargs = request.find("chat_template_kwargs");
  if (kwargs && !kwargs->is_null() && !kwargs->is_object())
    fail(ErrorCode::kInvalidArgument, "'chat_template_kwargs' must be an object");

  ChatPrompt out;
  std::string source;
  const Json* given = request.find("chat_template");
  if (given && !given->is_null()) {
    if (!given->is_string()) fail(ErrorCode::kInvalidArgument, "'chat_template' must be a string");
    source = given->as_string();
    out.source = "request";
  } else if (!model_template.empty()) {
    source = model_template;
    out.source = "model";
  } else {
    source = kFallbackChatTemplate;
    out.source = "fallback";
  }
  const std::string bos = tokenizer.bos_text();
  const std::string eos = tokenizer.eos_text();
  chat::Value tools_value = (tools && tools->is_array() && !tools->as_array().empty()) ? to_chat_value(*tools) : chat::Value(nullptr);
  const chat::Value extra = kwargs && kwargs->is_object() ? to_chat_value(*kwargs) : chat::Value();
  out.prompt = chat::apply_chat_template(source, to_chat_value(Json(std::move(normalized))), tools_value, add_generation_prompt,
                                         bos, eos, {}, extra);
  out.add_special = bos.empty() || out.prompt.compare(0, bos.size(), bos) != 0;
  return out;
}

}  // namespace hearth::api
