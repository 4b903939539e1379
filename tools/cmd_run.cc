// hearth run: generate a continuation of a prompt; text to stdout as it is produced, stats to stderr.
#include <chrono>
#include <cstdio>

#include "core/model/cpu_executor.h"
#include "core/sampling/sampler.h"
#include "core/sampling/sampling_params.h"
#include "core/tokenizer/tokenizer.h"
#include "core/tokenizer/utf8_stream.h"
#include "core/util/error.h"
#include "tools/cli_args.h"
#include "tools/commands.h"

namespace hearth::cli {

int cmd_run(const Argv& argv) {
  Args args(argv,
            {"model", "prompt", "n-predict", "temp", "seed", "top-k", "top-p", "min-p", "repeat-penalty",
             "presence-penalty", "frequency-penalty", "ctx-size", "threads"},
            {"ignore-eos"}, {{"n", "n-predict"}, {"m", "model"}, {"p", "prompt"}, {"t", "threads"}, {"c", "ctx-size"}});
  const std::string prompt = args.str("prompt");
  const int64_t n_predict = args.integer_or("n-predict", 128, 0, 1 << 20);
  SamplingParams sp;  // defaults as llama.cpp's CLI: temp 0.8, top-k 40, top-p 0.95, min-p 0.05
  sp.temperature = float(args.number_or("temp", 0.8, 0.0, 100.0));
  sp.top_k = int32_t(args.integer_or("top-k", 40, 0, 1 << 30));
  sp.top_p = float(args.number_or("top-p", 0.95, 0.0, 1.0));
  sp.min_p = float(args.number_or("min-p", 0.05, 0.0, 1.0));
  sp.repetition_penalty = float(args.number_or("repeat-penalty", 1.0, 0.0, 100.0));
  sp.presence_penalty = float(args.number_or("presence-penalty", 0.0, -2.0, 2.0));
  sp.frequency_penalty = float(args.number_or("frequency-penalty", 0.0, -2.0, 2.0));
  // A fixed default seed keeps runs reproducible; pass --seed to vary them.
  sp.seed = uint64_t(args.integer_or("seed", 42, 0, INT64_MAX));

  LoadedModel lm = load_model(args.str("model"), int32_t(args.integer_or("ctx-size", 0, 0, 1 << 24)));
  const Model& model = *lm.model;
  Tokenizer tok = Tokenizer::from_gguf(model.file());
  validate(sp, model.config().n_vocab);
  Sampler sampler(sp, model.config().n_vocab);
  CpuExecutor exec(model, int(args.integer_or("threads", 0, 0, 1024)));

  std::vector<int32_t> tokens = tok.encode(prompt, /*add_special=*/true, /*parse_special=*/true);
  if (tokens.empty()) fail(ErrorCode::kInvalidArgument, "the prompt encodes to no tokens");
  for (int32_t t : tokens) sampler.accept(t);  // penalties see the prompt too, as llama.cpp's do

  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  std::vector<float> logits = exec.eval(tokens);
  auto t1 = clock::now();
  Utf8Stream stream(tok);
  int64_t generated = 0;
  const bool ignore_eos = args.flag("ignore-eos");
  while (generated < n_predict) {
    int32_t next = sampler.sample(logits);
    if (tok.is_eog(next) && !ignore_eos) break;
    sampler.accept(next);
    ++generated;
    std::string piece = stream.push(next);
    std::fwrite(piece.data(), 1, piece.size(), stdout);
    std::fflush(stdout);
    if (generated == n_predict) break;
    if (exec.n_past() >= exec.n_ctx()) {
      std::fprintf(stderr, "\n[context full after %d tokens]\n", exec.n_past());
      break;
    }
    logits = exec.eval(std::span<const int32_t>(&next, 1));
  }
  std::string rest = stream.flush();
  std::fwrite(rest.data(), 1, rest.size(), stdout);
  std::fflush(stdout);
  auto t2 = clock::now();

  double prefill_s = std::chrono::duration<double>(t1 - t0).count();
  double decode_s = std::chrono::duration<double>(t2 - t1).count();
  std::fprintf(stderr, "\n[prompt %zu tokens, %.1f tok/s | generated %lld tokens, %.1f tok/s]\n", tokens.size(),
               double(tokens.size()) / prefill_s, (long long)generated, generated > 1 ? double(generated - 1) / decode_s : 0.0);
  return 0;
}

}  // namespace hearth::cli
