// hearth bench: prefill and decode speed on the CPU, and decode's effective weight bandwidth.
#include <chrono>
#include <algorithm>
#include <cstdio>

#include "core/model/cpu_executor.h"
#include "core/util/error.h"
#include "tools/cli_args.h"
#include "tools/commands.h"

namespace hearth::cli {
namespace {

// The machine's memory read bandwidth, for comparison with decode's effective rate: every thread
// sums its share of a 1 GiB buffer (far larger than any cache); best of 5 passes.
double measure_read_gb_s(ThreadPool& pool) {
  const size_t n = (size_t(1) << 30) / sizeof(uint64_t);
  std::vector<uint64_t> buf(n);
  pool.parallel_for(int64_t(n), 4096, [&](int64_t b, int64_t e, int) {
    for (int64_t k = b; k < e; ++k) buf[size_t(k)] = uint64_t(k);
  });
  double best = 0.0;
  std::vector<uint64_t> sums(size_t(pool.size()));
  for (int pass = 0; pass < 5; ++pass) {
    auto t0 = std::chrono::steady_clock::now();
    pool.parallel_for(int64_t(n), 4096, [&](int64_t b, int64_t e, int thread) {
      uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (int64_t k = b; k < e; k += 4) {
        s0 += buf[size_t(k)];
        s1 += buf[size_t(k + 1)];
        s2 += buf[size_t(k + 2)];
        s3 += buf[size_t(k + 3)];
      }
      sums[size_t(thread)] = s0 + s1 + s2 + s3;
    });
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, double(n * sizeof(uint64_t)) / s / 1e9);
  }
  if (sums[0] == 42) std::fprintf(stderr, " ");  // keeps the sums observable
  return best;
}

// Token ids do not change the work done; a fixed pseudo-random sequence keeps runs comparable.
std::vector<int32_t> bench_tokens(int64_t n, int32_t n_vocab, uint32_t state) {
  std::vector<int32_t> out(static_cast<size_t>(n));
  for (auto& t : out) {
    state = state * 1664525u + 1013904223u;
    t = int32_t((state >> 8) % uint32_t(n_vocab));
  }
  return out;
}

// An embedding model: batches of inputs of n_prompt tokens each, packed as the API runs them; each
// batch size repeated for at least a second after one warm-up run.
int bench_embeddings(const Args& args, const Model& model, CpuExecutor& exec, int64_t n_prompt, double load_s, int threads) {
  if (n_prompt > exec.n_ctx())
    fail(ErrorCode::kInvalidArgument, "-p " + std::to_string(n_prompt) + " is longer than the model's context of " + std::to_string(exec.n_ctx()));
  using clock = std::chrono::steady_clock;
  std::string rows;
  std::printf("%s", args.flag("json") ? "" : ("model: " + args.str("model") + " (" + model.config().arch_name + ", pooling " +
                                              pooling_name(model.config().pooling) + ")\n").c_str());
  for (int64_t batch : {1, 16, 64}) {
    std::vector<std::vector<int32_t>> inputs;
    for (int64_t i = 0; i < batch; ++i) inputs.push_back(bench_tokens(n_prompt, model.config().n_vocab, 777u + uint32_t(i)));
    exec.embed(inputs);
    int64_t runs = 0;
    const auto t0 = clock::now();
    double s = 0.0;
    while (s < 1.0) {
      exec.embed(inputs);
      ++runs;
      s = std::chrono::duration<double>(clock::now() - t0).count();
    }
    const double inputs_s = double(batch * runs) / s, tok_s = inputs_s * double(n_prompt);
    char line[200];
    if (args.flag("json")) {
      std::snprintf(line, sizeof line, "%s{\"batch\": %lld, \"inputs_s\": %.3f, \"tok_s\": %.3f}", rows.empty() ? "" : ", ",
                    (long long)batch, inputs_s, tok_s);
    } else {
      std::snprintf(line, sizeof line, "batch %3lld x %lld tokens: %.2f inputs/s, %.1f tokens/s\n", (long long)batch,
                    (long long)n_prompt, inputs_s, tok_s);
    }
    rows += line;
  }
  if (args.flag("json")) {
    std::printf("{\"backend\": \"cpu\", \"kind\": \"embedding\", \"threads\": %d, \"n_prompt\": %lld, \"load_s\": %.3f, \"batches\": [%s]}\n",
                threads > 0 ? threads : ThreadPool::default_threads(), (long long)n_prompt, load_s, rows.c_str());
  } else {
    std::printf("load: %.2f s\n%s", load_s, rows.c_str());
  }
  return 0;
}

}  // namespace

int cmd_bench(const Argv& argv) {
  Args args(argv, {"model", "n-prompt", "n-gen", "threads", "ctx-size"}, {"json", "memory"},
            {{"m", "model"}, {"p", "n-prompt"}, {"n", "n-gen"}, {"t", "threads"}});
  const int threads = int(args.integer_or("threads", 0, 0, 1024));
  using clock = std::chrono::steady_clock;
  auto l0 = clock::now();
  LoadedModel lm = load_model(args.str("model"), int32_t(args.integer_or("ctx-size", 0, 0, 1 << 24)));
  if (lm.model->config().pooling != Pooling::kNone) {
    CpuExecutor exec(*lm.model, threads);
    const double load_s = std::chrono::duration<double>(clock::now() - l0).count();
    return bench_embeddings(args, *lm.model, exec, args.integer_or("n-prompt", 128, 1, 1 << 20), load_s, threads);
  }
  const int64_t n_prompt = args.integer_or("n-prompt", 512, 1, 1 << 20);
  const int64_t n_gen = args.integer_or("n-gen", 128, 1, 1 << 20);
  const int32_t n_ctx = int32_t(args.integer_or("ctx-size", n_prompt + n_gen, n_prompt + n_gen, 1 << 24));
  l0 = clock::now();
  lm = load_model(args.str("model"), n_ctx);
  const Model& model = *lm.model;
  CpuExecutor exec(model, threads);
  double load_s = std::chrono::duration<double>(clock::now() - l0).count();

  const int32_t V = model.config().n_vocab;
  const std::vector<int32_t> prompt = bench_tokens(n_prompt, V, 12345);
  auto t0 = clock::now();
  exec.eval(prompt);
  auto t1 = clock::now();
  int32_t next = prompt.back();
  for (int64_t k = 0; k < n_gen; ++k) {
    std::vector<float> logits = exec.eval(std::span<const int32_t>(&next, 1));
    next = int32_t((uint32_t(k) * 7919u) % uint32_t(V));
  }
  auto t2 = clock::now();
  const double prefill_s = std::chrono::duration<double>(t1 - t0).count();
  const double decode_s = std::chrono::duration<double>(t2 - t1).count();
  const double pp = double(n_prompt) / prefill_s, tg = double(n_gen) / decode_s;
  const double ms_per_token = 1000.0 * decode_s / double(n_gen);
  const double gbps = double(model.decode_bytes_per_token()) / (decode_s / double(n_gen)) / 1e9;
  double mem_gbps = 0.0;
  if (args.flag("memory")) {
    ThreadPool pool(threads > 0 ? threads : ThreadPool::default_threads());
    mem_gbps = measure_read_gb_s(pool);
  }
  if (args.flag("json")) {
    std::printf("{\"backend\": \"cpu\", \"threads\": %d, \"n_prompt\": %lld, \"n_gen\": %lld, \"prefill_tok_s\": %.3f, "
                "\"decode_tok_s\": %.3f, \"ms_per_token\": %.3f, \"load_s\": %.3f, \"decode_bytes_per_token\": %llu, "
                "\"decode_effective_gb_s\": %.3f, \"memory_read_gb_s\": %.3f}\n",
                threads > 0 ? threads : ThreadPool::default_threads(), (long long)n_prompt, (long long)n_gen, pp, tg,
                ms_per_token, load_s, (unsigned long long)model.decode_bytes_per_token(), gbps, mem_gbps);
  } else {
    std::printf("model: %s (%s, %.1f MiB of weights)\n", args.str("model").c_str(), model.config().arch_name.c_str(),
                double(model.weight_bytes()) / (1 << 20));
    std::printf("load: %.2f s\n", load_s);
    std::printf("prefill: %lld tokens in %.2f s = %.2f tokens/s\n", (long long)n_prompt, prefill_s, pp);
    std::printf("decode: %lld tokens in %.2f s = %.2f tokens/s (%.1f ms/token)\n", (long long)n_gen, decode_s, tg, ms_per_token);
    std::printf("decode effective bandwidth: %.2f GB/s of weights\n", gbps);
    if (mem_gbps > 0) std::printf("machine memory read bandwidth: %.2f GB/s (%.0f%% reached by decode)\n", mem_gbps, 100.0 * gbps / mem_gbps);
  }
  return 0;
}

}  // namespace hearth::cli
