// Test-only helpers shared by the tokenizer tests: reading the shared test data (tests may do I/O;
// core code may not). Header-only so the library does not carry it.
#pragma once

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "core/gguf/gguf_file.h"
#include "core/tokenizer/tokenizer.h"

namespace hearth::tok_test {

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline std::string vocab_path(const std::string& name) {
  return std::string(HEARTH_SHARED_DIR) + "/tokenizers/ggml-vocab-" + name + ".gguf";
}

inline Tokenizer load_tokenizer_file(const std::string& path) {
  const std::string bytes = read_file(path);
  const GgufFile f = GgufFile::parse(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), false);
  return Tokenizer::from_gguf(f);
}

inline Tokenizer load_vocab(const std::string& name) { return load_tokenizer_file(vocab_path(name)); }

struct Vector {
  std::string text;
  std::vector<int32_t> ids;
};

// `.inp` holds strings separated by "\n__ggml_vocab_test__\n"; `.out` one line of ids per string.
inline std::vector<Vector> load_vectors(const std::string& name) {
  const std::string inp = read_file(vocab_path(name) + ".inp");
  const std::string out = read_file(vocab_path(name) + ".out");
  const std::string sep = "\n__ggml_vocab_test__\n";
  std::vector<Vector> v;
  for (size_t pos = 0; pos < inp.size();) {
    size_t hit = inp.find(sep, pos);
    if (hit == std::string::npos) hit = inp.size();
    v.push_back({inp.substr(pos, hit - pos), {}});
    pos = hit + sep.size();
  }
  std::istringstream lines(out);
  std::string line;
  for (size_t i = 0; i < v.size() && std::getline(lines, line); ++i) {
    std::istringstream ids(line);
    for (int32_t id; ids >> id;) v[i].ids.push_back(id);
  }
  return v;
}

}  // namespace hearth::tok_test
