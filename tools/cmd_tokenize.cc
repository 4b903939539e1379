// hearth tokenize / detokenize: text on stdin ↔ token ids on stdout.
#include <cstdio>
#include <sstream>

#include "core/tokenizer/tokenizer.h"
#include "core/util/error.h"
#include "tools/cli_args.h"
#include "tools/commands.h"

namespace hearth::cli {
namespace {

// Tokenizing needs only the vocabulary: parse the header, never the weights.
Tokenizer tokenizer_of(const std::string& path, std::unique_ptr<MappedFile>& keep) {
  keep = std::make_unique<MappedFile>(path);
  return Tokenizer::from_gguf(GgufFile::parse(keep->bytes(), /*require_tensor_data=*/false));
}

}  // namespace

int cmd_tokenize(const Argv& argv) {
  Args args(argv, {"model"}, {"add-special", "parse-special"}, {{"m", "model"}});
  std::unique_ptr<MappedFile> file;
  Tokenizer tok = tokenizer_of(args.str("model"), file);
  std::string text = read_text_file("-");
  std::vector<int32_t> ids = tok.encode(text, args.flag("add-special"), args.flag("parse-special"));
  std::string line;
  for (size_t k = 0; k < ids.size(); ++k) line += (k ? " " : "") + std::to_string(ids[k]);
  std::printf("%s\n", line.c_str());
  return 0;
}

int cmd_detokenize(const Argv& argv) {
  Args args(argv, {"model"}, {"render-special"}, {{"m", "model"}});
  std::unique_ptr<MappedFile> file;
  Tokenizer tok = tokenizer_of(args.str("model"), file);
  std::istringstream in(read_text_file("-"));
  std::vector<int32_t> ids;
  std::string word;
  while (in >> word) {
    char* end = nullptr;
    long v = std::strtol(word.c_str(), &end, 10);
    if (*end != '\0' || v < INT32_MIN || v > INT32_MAX) fail(ErrorCode::kInvalidArgument, "'" + word + "' is not a token id");
    ids.push_back(int32_t(v));
  }
  std::string text = tok.decode(ids, args.flag("render-special"));
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

}  // namespace hearth::cli
