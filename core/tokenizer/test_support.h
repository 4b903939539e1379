// Test-only helpers shared by the tokenizer tests: reading the shared test data (tests may do I/O;
// core code may not). Header-only so the library does not carry it.
#pragma once

#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/gguf/gguf_file.h"
#include "core/tokenizer/tokenizer.h"
#include "core/util/error.h"

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

// Cached: vocab files take tens of milliseconds to load and Tokenizer copies share their data.
inline Tokenizer load_vocab(const std::string& name) {
  static std::map<std::string, Tokenizer> cache;
  auto it = cache.find(name);
  if (it == cache.end()) it = cache.emplace(name, load_tokenizer_file(vocab_path(name))).first;
  return it->second;
}

// Strict UTF-8 check (no overlongs, surrogates or code points past U+10FFFF).
inline bool is_valid_utf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : (b >= 0xC2 && b <= 0xDF) ? 2 : (b >= 0xE0 && b <= 0xEF) ? 3 : (b >= 0xF0 && b <= 0xF4) ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    uint32_t cp = len == 1 ? b : b & (0x7F >> len);
    for (int k = 1; k < len; ++k) {
      const unsigned char c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    i += len;
  }
  return true;
}

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
