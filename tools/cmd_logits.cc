// hearth logits: the raw logits of every prompt position, as JSON lines (and optionally a raw file).
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <numeric>

#include "core/model/cpu_executor.h"
#include "core/tokenizer/tokenizer.h"
#include "core/util/error.h"
#include "tools/cli_args.h"
#include "tools/commands.h"

namespace hearth::cli {

int cmd_logits(const Argv& argv) {
  Args args(argv, {"model", "prompt", "top", "out", "threads", "ctx-size"}, {}, {{"m", "model"}, {"p", "prompt"}});
  const int64_t top = args.integer_or("top", 5, 1, 1000);
  LoadedModel lm = load_model(args.str("model"), int32_t(args.integer_or("ctx-size", 0, 0, 1 << 24)));
  const Model& model = *lm.model;
  Tokenizer tok = Tokenizer::from_gguf(model.file());
  std::vector<int32_t> tokens = tok.encode(args.str("prompt"), /*add_special=*/true, /*parse_special=*/true);
  if (tokens.empty()) fail(ErrorCode::kInvalidArgument, "the prompt encodes to no tokens");
  CpuExecutor exec(model, int(args.integer_or("threads", 0, 0, 1024)));
  std::vector<float> logits = exec.eval(tokens, /*all_logits=*/true);
  const int32_t V = model.config().n_vocab;
  const size_t k = size_t(std::min<int64_t>(top, V));
  std::vector<int32_t> order(static_cast<size_t>(V));
  for (size_t pos = 0; pos < tokens.size(); ++pos) {
    const float* row = logits.data() + pos * size_t(V);
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(k), order.end(),
                      [&](int32_t a, int32_t b) { return row[a] > row[b] || (row[a] == row[b] && a < b); });
    std::printf("{\"pos\": %zu, \"token\": %d, \"top\": [", pos, tokens[pos]);
    for (size_t j = 0; j < k; ++j) std::printf("%s[%d, %.9g]", j ? ", " : "", order[j], double(row[order[j]]));
    std::printf("]}\n");
  }
  if (args.has("out")) {
    std::ofstream out(args.str("out"), std::ios::binary);
    out.write(reinterpret_cast<const char*>(logits.data()), std::streamsize(logits.size() * sizeof(float)));
    if (!out) fail(ErrorCode::kIo, "cannot write '" + args.str("out") + "'");
  }
  return 0;
}

}  // namespace hearth::cli
