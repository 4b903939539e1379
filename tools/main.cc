// build/bin/hearth: the native command-line interface.
#include <cstdio>
#include <cstring>
#include <exception>

#include "core/util/error.h"
#include "tools/commands.h"

namespace {

struct Subcommand {
  const char* name;
  int (*run)(const hearth::cli::Argv&);
  const char* usage;
};

constexpr Subcommand kSubcommands[] = {
    {"run", hearth::cli::cmd_run,
     "--model F --prompt TEXT [-n N] [--temp T] [--seed S] [--top-k K] [--top-p P] [--min-p P]\n"
     "            [--repeat-penalty R] [--ctx-size C] [--threads N]   generate a continuation"},
    {"tokenize", hearth::cli::cmd_tokenize, "--model F [--add-special] [--parse-special]   stdin text -> token ids"},
    {"detokenize", hearth::cli::cmd_detokenize, "--model F [--render-special]   stdin token ids -> text"},
    {"info", hearth::cli::cmd_info, "--model F   architecture, sizes, tensor types, tokenizer"},
    {"logits", hearth::cli::cmd_logits, "--model F --prompt TEXT [--top K] [--out FILE]   logits per position as JSON lines"},
    {"bench", hearth::cli::cmd_bench, "--model F [-p 512] [-n 128] [--threads N] [--json]   prefill and decode speed\n"
     "            (an embedding model: inputs/s and tokens/s at batch 1, 16, 64 of -p tokens, default 128)"},
    {"gen", hearth::cli::cmd_gen, "--arch PRESET --type QTYPE -o FILE [--seed S] [--threads N]   write a random-weight model"},
    {"maskbench", hearth::cli::cmd_maskbench, "--data F.jsonl[.gz] --model VOCAB.gguf [--json] [--threads 1] [--limit N] [--filter NAME-PREFIX]\n            JSON Schema masks: MaskBench's protocol, one summary JSON line last"},
    {"embed", hearth::cli::cmd_embed,
     "--model F [--pooling mean|cls|last] [--dimensions N] [--no-normalize] [--truncate] [--batch 64] [--threads N] [--ctx-size C]\n"
     "            stdin lines -> one JSON line each: {\"index\", \"embedding\"}"},
    {"template", hearth::cli::cmd_template, "--template F|--model F --messages F.json [--tools F.json] [--add-generation-prompt] [--bos-token S] [--eos-token S] [--now YYYY-MM-DD]\n            render a chat template"},
};

void usage(FILE* out) {
  std::fprintf(out, "usage: hearth <command> [flags]\n\ncommands:\n");
  for (const auto& s : kSubcommands) std::fprintf(out, "  %-10s %s\n", s.name, s.usage);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  for (const auto& s : kSubcommands) {
    if (std::strcmp(argv[1], s.name) != 0) continue;
    try {
      return s.run(hearth::cli::Argv(argv + 2, argv + argc));
    } catch (const hearth::Error& e) {
      std::fprintf(stderr, "hearth %s: error (%s): %s\n", s.name, hearth::error_code_name(e.code()), e.what());
      if (e.code() == hearth::ErrorCode::kInvalidArgument) std::fprintf(stderr, "usage: hearth %s %s\n", s.name, s.usage);
      return e.code() == hearth::ErrorCode::kInvalidArgument ? 2 : 1;
    } catch (const std::bad_alloc&) {
      std::fprintf(stderr, "hearth %s: error (out_of_memory): an allocation failed\n", s.name);
      return 1;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "hearth %s: error (internal): %s\n", s.name, e.what());
      return 1;
    }
  }
  std::fprintf(stderr, "hearth: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return 2;
}
