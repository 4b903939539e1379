// hearth maskbench: the MaskBench protocol over a .jsonl(.gz) of schemas and their tests, one thread;
// prints one JSON summary line last (with --json, one JSON line per schema before it).
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "core/api/grammar_vocabulary.h"
#include "core/api/maskbench.h"
#include "core/chat/json.h"
#include "core/util/error.h"
#include "tools/cli_args.h"
#include "tools/commands.h"

namespace hearth::cli {
namespace {

// Lines of a plain or gzip file (gzip through the system's `gzip -dc`: no zlib in the build).
class LineReader {
 public:
  explicit LineReader(const std::string& path) {
    bool gz = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
    if (gz) {
      std::string quoted = "'";
      for (char c : path) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
      f_ = popen(("gzip -dc " + quoted + "'").c_str(), "r");
      piped_ = true;
    } else {
      f_ = std::fopen(path.c_str(), "rb");
    }
    if (!f_) fail(ErrorCode::kIo, "cannot open " + path);
  }
  ~LineReader() {
    if (f_) piped_ ? pclose(f_) : std::fclose(f_);
  }
  bool next(std::string& line) {
    line.clear();
    int c;
    while ((c = std::fgetc(f_)) != EOF && c != '\n') line.push_back(char(c));
    return c != EOF || !line.empty();
  }

 private:
  FILE* f_ = nullptr;
  bool piped_ = false;
};

chat::Value percentiles(std::vector<double> v) {
  chat::Object o;
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    if (v.empty()) return 0.0;
    size_t i = std::min(v.size() - 1, size_t(q * double(v.size())));
    return v[i];
  };
  auto round1 = [](double x) { return double(int64_t(x * 10 + 0.5)) / 10; };
  const std::pair<const char*, double> qs[] = {{"p25", .25}, {"p50", .5},   {"p75", .75},  {"p90", .9},
                                               {"p95", .95}, {"p99", .99}, {"p99.9", .999}};
  for (auto [name, q] : qs) o.set(name, round1(at(q)));
  o.set("max", round1(v.empty() ? 0 : v.back()));
  double sum = 0;
  for (double x : v) sum += x;
  o.set("average", round1(v.empty() ? 0 : sum / double(v.size())));
  o.set("count", int64_t(v.size()));
  return chat::Value(std::move(o));
}

// The keyword a compile error names ("unsupported keyword 'not' at /x" → "not"), for the summary.
std::string error_kind(const std::string& message) {
  size_t q = message.find('\'');
  size_t e = q == std::string::npos ? std::string::npos : message.find('\'', q + 1);
  if (e != std::string::npos) return message.substr(0, e + 1);
  return message.substr(0, std::min<size_t>(message.size(), 60));
}

}  // namespace

int cmd_maskbench(const Argv& argv) {
  Args args(argv, {"data", "model", "threads", "limit", "filter", "timeout"}, {"json"}, {{"m", "model"}});
  if (args.integer_or("threads", 1, 1, 1024) != 1) fail(ErrorCode::kUnsupported, "maskbench: only --threads 1 is implemented");
  const long long limit = args.integer_or("limit", -1, -1, 1LL << 40);
  const std::string filter = args.str_or("filter", "");
  const bool json = args.flag("json");

  auto file = std::make_unique<MappedFile>(args.str("model"));
  Tokenizer tok = Tokenizer::from_gguf(GgufFile::parse(file->bytes(), /*require_tensor_data=*/false));
  api::MaskbenchContext ctx;
  ctx.tokenizer = &tok;
  ctx.vocab = api::grammar_vocabulary(tok);
  ctx.slices = std::make_shared<grammar::TokenSlices>(*ctx.vocab);
  ctx.timeout_s = args.number_or("timeout", 60, 0.001, 1e6);

  std::map<std::string, int64_t> counts;
  std::map<std::string, int> compile_errors;
  std::vector<double> tbm, ttfm;
  int64_t schemas = 0;
  LineReader in(args.str("data"));
  std::string line;
  while (in.next(line)) {
    if (line.empty()) continue;
    if (!filter.empty() && line.find("\"name\": \"" + filter) == std::string::npos &&
        line.find("\"name\":\"" + filter) == std::string::npos)
      continue;
    if (limit >= 0 && schemas >= limit) break;
    ++schemas;
    api::MaskbenchResult r;
    try {
      r = api::maskbench_schema(line, ctx);
    } catch (const std::exception& e) {
      r.status = api::MaskbenchStatus::kCrash;
      r.message = e.what();
    }
    const char* status = api::maskbench_status_name(r.status);
    ++counts[status];
    if (r.status == api::MaskbenchStatus::kCompileError) ++compile_errors[error_kind(r.message)];
    else ttfm.push_back(r.ttfm_us);
    tbm.insert(tbm.end(), r.mask_us.begin(), r.mask_us.end());
    if (json) {
      chat::Object o;
      o.set("name", r.name);
      o.set("status", std::string(status));
      if (!r.message.empty()) o.set("message", r.message);
      o.set("ttfm_us", double(int64_t(r.ttfm_us * 10)) / 10);
      o.set("masks", int64_t(r.mask_us.size()));
      std::printf("%s\n", chat::to_json(chat::Value(std::move(o))).c_str());
    }
  }
  if (!json) {
    std::vector<std::pair<int, std::string>> top;
    for (auto& [k, n] : compile_errors) top.push_back({n, k});
    std::sort(top.rbegin(), top.rend());
    std::printf("compile errors, most common first:\n");
    for (size_t i = 0; i < top.size() && i < 25; ++i) std::printf("  %5d  %s\n", top[i].first, top[i].second.c_str());
  }
  chat::Object summary;
  summary.set("schemas", schemas);
  for (const char* k : {"passing", "compile_error", "validation_error", "invalidation_error", "crash", "timeout"})
    summary.set(k, counts[k]);
  summary.set("passing_pct", schemas ? double(int64_t(1000.0 * double(counts["passing"]) / double(schemas))) / 10 : 0.0);
  summary.set("tbm_us", percentiles(std::move(tbm)));
  summary.set("ttfm_us", percentiles(std::move(ttfm)));
  std::printf("%s\n", chat::to_json(chat::Value(std::move(summary))).c_str());
  return 0;
}

}  // namespace hearth::cli
