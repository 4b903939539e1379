// hearth gen: write a random-weight GGUF model of a real architecture and size (core/synth).
#include <cstdio>
#include <fstream>
#include <thread>

#include "core/synth/synthetic_model.h"
#include "core/util/error.h"
#include "tools/cli_args.h"
#include "tools/commands.h"

namespace hearth::cli {

int cmd_gen(const Argv& argv) {
  Args args(argv, {"arch", "type", "out", "seed", "threads"}, {"list"}, {{"o", "out"}, {"t", "threads"}});
  if (args.flag("list")) {
    for (const std::string& name : synth_preset_names()) std::printf("%s\n", name.c_str());
    return 0;
  }
  SynthOptions opts;
  opts.preset = args.str("arch");
  opts.type = args.str_or("type", opts.type);
  opts.seed = uint64_t(args.integer_or("seed", int64_t(opts.seed), 0, INT64_MAX));
  // every core by default: quantizing an 8B model to K-quants took 7 minutes on 2 threads (the bytes
  // do not depend on the thread count)
  opts.n_threads = int(args.integer_or("threads", std::max<int64_t>(1, std::thread::hardware_concurrency()), 1, 1024));
  const std::string path = args.str("out");
  const std::string tmp = path + ".partial";  // never leave a truncated model under the real name
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  if (!out) fail(ErrorCode::kIo, "cannot write '" + tmp + "'");
  uint64_t written = 0;
  write_synthetic_model(opts, [&](const uint8_t* data, size_t n) {
    out.write(reinterpret_cast<const char*>(data), std::streamsize(n));
    if (!out) fail(ErrorCode::kIo, "writing '" + tmp + "' failed (disk full?)");
    written += n;
  });
  out.close();
  if (!out || std::rename(tmp.c_str(), path.c_str()) != 0) fail(ErrorCode::kIo, "cannot finish '" + path + "'");
  std::fprintf(stderr, "wrote %s: %s, %s, %.1f MiB\n", path.c_str(), opts.preset.c_str(), opts.type.c_str(), double(written) / (1 << 20));
  return 0;
}

}  // namespace hearth::cli
