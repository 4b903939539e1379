// Chat templates: Jinja templates as models ship them in `tokenizer.chat_template`, rendered the
// way Python's jinja2 renders them under transformers (trim_blocks, lstrip_blocks, tojson as
// json.dumps with ensure_ascii=False, raise_exception, strftime_now).
//
// Supported: the statements if/elif/else, for (else, `if` filter, loop.*, break/continue), set
// (also block set and namespace attributes), macro (defaults, varargs, kwargs, caller), call,
// filter, raw, do, generation; all jinja2 expressions except recursive loops; the filters, tests
// and str/dict methods in filters.cc, tests.cc and methods.cc. Not supported: include, import,
// extends, block, with, autoescape, recursive loops, list mutation (transformers' sandbox forbids
// it too).
#pragma once

#include <functional>
#include <string>

#include "core/chat/ast.h"
#include "core/chat/value.h"

namespace hearth::chat {

struct RenderOptions {
  // strftime_now(format): the current local time formatted; replace it to fix the date in tests.
  std::function<std::string(const std::string& format)> strftime_now;
};

// Formats the current local time (the default strftime_now).
std::string strftime_local_now(const std::string& format);

// Options whose strftime_now() sees midnight of `date` (YYYY-MM-DD), for reproducible renders;
// a malformed date is an invalid_argument error.
RenderOptions fixed_date_options(const std::string& date);

class ChatTemplate {
 public:
  // Parses; throws Error(kInvalidArgument) "template syntax error at line L, column C: ...".
  explicit ChatTemplate(const std::string& source);
  // Renders with `context` (an object) as the template's variables. raise_exception(msg) throws
  // Error(kInvalidArgument) whose message is msg; other failures name the line and column.
  std::string render(const Value& context, const RenderOptions& options = {}) const;

 private:
  Body body_;
};

std::string render_chat_template(const std::string& source, const Value& context, const RenderOptions& options = {});

// The Hugging Face convention: messages (array), tools (array, or null when none), documents (null),
// add_generation_prompt, bos_token and eos_token (left undefined when empty). `extra` (an object, or
// undefined): more variables, as transformers' template kwargs (e.g. Qwen3's enable_thinking); the
// names above keep their values where `extra` has them too.
std::string apply_chat_template(const std::string& source, const Value& messages, const Value& tools,
                                bool add_generation_prompt, const std::string& bos_token, const std::string& eos_token,
                                const RenderOptions& options = {}, const Value& extra = Value());

}  // namespace hearth::chat
