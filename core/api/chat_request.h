// Chat prompts for the OpenAI-style API: renders a chat template (core/chat) over a request's
// messages into the prompt text the session then encodes.
//
// request: {"messages": [{"role", "content"}...] (required, non-empty), "tools": [...] (optional),
//           "add_generation_prompt": bool (true), "chat_template": string (optional),
//           "chat_template_kwargs": object (optional: more template variables, e.g. enable_thinking)}
// The template is the request's "chat_template" if given, else the model's
// `tokenizer.chat_template` (GGUF), else kFallbackChatTemplate.
//
// Fallback decision: a model with no template gets ChatML (<|im_start|>role\ncontent<|im_end|>\n,
// then <|im_start|>assistant\n for the generation prompt). It is the most widely shared format, it
// needs no special tokens to be meaningful as text, and a model trained without any chat format
// (stories260K) continues it no worse than any other. No BOS in it: the session adds BOS itself.
//
// Messages: role is one of system, developer, user, assistant, tool; content is a string, null
// (assistant messages carrying tool_calls) or an array of {"type": "text", "text"} parts, which
// are joined into one string (no separator) so templates that expect strings work. Other message
// fields (name, tool_calls, tool_call_id) pass through to the template unchanged.
#pragma once

#include <string>

#include "core/api/json.h"
#include "core/tokenizer/tokenizer.h"

namespace hearth::api {

extern const char* const kFallbackChatTemplate;

struct ChatPrompt {
  std::string prompt;
  bool add_special = true;  // false when the rendered text already starts with the BOS token text
  std::string source;       // which template: "request", "model" or "fallback"
};

// Throws Error(kInvalidArgument) for invalid messages (naming messages[i].field), template syntax
// errors and templates that raise.
ChatPrompt render_chat_prompt(const Json& request, const std::string& model_template, const Tokenizer& tokenizer);

}  // namespace hearth::api
