// hearth template: renders a chat template for a conversation, exactly as transformers' jinja2 does.
#include <cstdio>

#include "core/chat/chat_template.h"
#include "core/chat/json.h"
#include "core/gguf/gguf_file.h"
#include "core/tokenizer/tokenizer.h"
#include "core/util/error.h"
#include "tools/cli_args.h"
#include "tools/commands.h"

namespace hearth::cli {

int cmd_template(const Argv& argv) {
  Args args(argv, {"template", "model", "messages", "tools", "bos-token", "eos-token", "now"}, {"add-generation-prompt"},
            {{"m", "model"}});
  if (args.has("template") == args.has("model")) fail(ErrorCode::kInvalidArgument, "give exactly one of --template or --model");
  std::string source, bos, eos;
  if (args.has("template")) {
    source = read_text_file(args.str("template"));
  } else {
    MappedFile file(args.str("model"));
    GgufFile gguf = GgufFile::parse(file.bytes(), false);
    if (!gguf.has("tokenizer.chat_template"))
      fail(ErrorCode::kInvalidArgument, "the model has no tokenizer.chat_template; pass --template FILE");
    source = gguf.get_string("tokenizer.chat_template");
    if (!args.has("bos-token") || !args.has("eos-token")) {
      Tokenizer tok = Tokenizer::from_gguf(gguf);
      bos = tok.bos_text();
      eos = tok.eos_text();
    }
  }
  bos = args.str_or("bos-token", bos);
  eos = args.str_or("eos-token", eos);
  chat::Value messages = chat::parse_json(read_text_file(args.str("messages")));
  if (!messages.is_array()) fail(ErrorCode::kInvalidArgument, "--messages must hold a JSON array of messages");
  chat::Value tools(nullptr);
  if (args.has("tools")) tools = chat::parse_json(read_text_file(args.str("tools")));
  // --now YYYY-MM-DD: strftime_now() sees midnight of that day (reproducible renders)
  const chat::RenderOptions options = args.has("now") ? chat::fixed_date_options(args.str("now")) : chat::RenderOptions{};
  std::string prompt;
  try {
    prompt = chat::apply_chat_template(source, messages, tools, args.flag("add-generation-prompt"), bos, eos, options);
  } catch (const Error& e) {
    std::fprintf(stderr, "hearth template: error: %s\n", e.what());
    return 1;
  }
  std::fwrite(prompt.data(), 1, prompt.size(), stdout);
  return 0;
}

}  // namespace hearth::cli
