// Helpers the libFuzzer targets share: splitting an input into parts, and the shared data
// directory (HEARTH_SHARED_DIR, which scripts/fuzz.sh sets) for the targets that load real files.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace hearth::fuzz {

// The input as text, split at its first NUL byte: (before, after); no NUL: (all, "").
inline std::pair<std::string_view, std::string_view> split_at_nul(const uint8_t* data, size_t size) {
  std::string_view all(reinterpret_cast<const char*>(data), size);
  const size_t nul = all.find('\0');
  if (nul == std::string_view::npos) return {all, {}};
  return {all.substr(0, nul), all.substr(nul + 1)};
}

// A file under HEARTH_SHARED_DIR, read whole; exits when it cannot be read (a setup error, not a finding).
inline std::vector<uint8_t> shared_file(const std::string& relative) {
  const char* dir = std::getenv("HEARTH_SHARED_DIR");
  const std::string path = std::string(dir ? dir : "../../shared") + "/" + relative;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    std::fprintf(stderr, "fuzz: cannot read %s (set HEARTH_SHARED_DIR)\n", path.c_str());
    std::exit(2);
  }
  std::vector<uint8_t> bytes;
  uint8_t buf[1 << 16];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) bytes.insert(bytes.end(), buf, buf + n);
  std::fclose(f);
  return bytes;
}

}  // namespace hearth::fuzz
