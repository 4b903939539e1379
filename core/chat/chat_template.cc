#include "core/chat/chat_template.h"

#include <cstdio>
#include <ctime>

#include "core/chat/parser.h"
#include "core/chat/renderer.h"
#include "core/util/error.h"

namespace hearth::chat {

std::string strftime_local_now(const std::string& format) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  if (const std::tm* p = std::localtime(&now)) tm = *p;
  char buf[512];
  size_t n = std::strftime(buf, sizeof buf, format.c_str(), &tm);
  return std::string(buf, n);
}

RenderOptions fixed_date_options(const std::string& date) {
  std::tm tm{};
  char rest = 0;
  if (std::sscanf(date.c_str(), "%d-%d-%d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &rest) != 3 || tm.tm_mon < 1 ||
      tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31)
    fail(ErrorCode::kInvalidArgument, "the date must be YYYY-MM-DD, not '" + date + "'");
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  tm.tm_isdst = -1;
  std::mktime(&tm);  // fills in the weekday and day of the year
  RenderOptions options;
  options.strftime_now = [tm](const std::string& format) {
    char buf[512];
    return std::string(buf, std::strftime(buf, sizeof buf, format.c_str(), &tm));
  };
  return options;
}

ChatTemplate::ChatTemplate(const std::string& source) : body_(parse_template(source)) {}

std::string ChatTemplate::render(const Value& context, const RenderOptions& options) const {
  if (!context.is_object()) fail(ErrorCode::kInvalidArgument, "chat template context must be an object");
  RenderHooks hooks;
  hooks.strftime_now = options.strftime_now ? options.strftime_now : strftime_local_now;
  Renderer r(hooks);
  return r.render(body_, context.as_object());
}

std::string render_chat_template(const std::string& source, const Value& context, const RenderOptions& options) {
  return ChatTemplate(source).render(context, options);
}

std::string apply_chat_template(const std::string& source, const Value& messages, const Value& tools,
                                bool add_generation_prompt, const std::string& bos_token, const std::string& eos_token,
                                const RenderOptions& options, const Value& extra) {
  Object ctx;
  if (extra.is_object())
    for (const auto& [key, value] : extra.as_object().items()) ctx.set(key, value);
  ctx.set("messages", messages);
  ctx.set("tools", tools.is_undefined() ? Value(nullptr) : tools);
  ctx.set("documents", Value(nullptr));
  ctx.set("add_generation_prompt", Value(add_generation_prompt));
  if (!bos_token.empty()) ctx.set("bos_token", Value(bos_token));
  if (!eos_token.empty()) ctx.set("eos_token", Value(eos_token));
  return render_chat_template(source, Value(std::move(ctx)), options);
}

}  // namespace hearth::chat
