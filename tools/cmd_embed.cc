// hearth embed: each non-empty stdin line → its embedding, one JSON line each, through the same
// request code as the API (core/api/embeddings.h).
#include <cstdio>
#include <sstream>

#include "core/api/embeddings.h"
#include "core/util/error.h"
#include "tools/cli_args.h"
#include "tools/commands.h"

namespace hearth::cli {

int cmd_embed(const Argv& argv) {
  Args args(argv, {"model", "pooling", "dimensions", "batch", "threads", "ctx-size"}, {"no-normalize", "truncate"}, {{"m", "model"}});
  ModelOptions options;
  options.n_ctx = int32_t(args.integer_or("ctx-size", 0, 0, 1 << 24));
  if (args.has("pooling")) options.pooling = pooling_from_name(args.str("pooling"));
  LoadedModel lm = load_model(args.str("model"), options);
  const Tokenizer tok = Tokenizer::from_gguf(lm.model->file());
  CpuExecutor exec(*lm.model, int(args.integer_or("threads", 0, 0, 1024)));
  const size_t batch = size_t(args.integer_or("batch", 64, 1, 2048));

  std::vector<std::string> lines;
  std::istringstream in(read_text_file("-"));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  for (size_t first = 0; first < lines.size(); first += batch) {
    api::Json::Array inputs;
    for (size_t i = first; i < std::min(lines.size(), first + batch); ++i) inputs.emplace_back(lines[i]);
    api::Json request{api::Json::Object{}};
    request.set("input", api::Json(std::move(inputs)));
    if (args.has("dimensions")) request.set("dimensions", api::Json(int64_t(args.integer_or("dimensions", 0, 1, 1 << 20))));
    request.set("normalize", !args.flag("no-normalize"));
    request.set("truncate", args.flag("truncate"));
    const api::Embeddings e = api::compute_embeddings(exec, tok, request);
    for (int32_t i = 0; i < e.n_inputs; ++i) {
      api::Json::Array v;
      for (int32_t k = 0; k < e.dim; ++k) v.emplace_back(double(e.data[size_t(i) * size_t(e.dim) + size_t(k)]));
      api::Json line{api::Json::Object{}};
      line.set("index", int64_t(first + size_t(i)));
      line.set("embedding", api::Json(std::move(v)));
      std::printf("%s\n", line.dump().c_str());
    }
  }
  return 0;
}

}  // namespace hearth::cli
