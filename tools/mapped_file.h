// A read-only memory map of a whole file: models are gigabytes, so they are mapped, not read.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace hearth::cli {

class MappedFile {
 public:
  explicit MappedFile(const std::string& path);  // throws Error(kIo) naming the path
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::span<const uint8_t> bytes() const { return {data_, size_}; }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Reads a whole small file (stdin when path is "-"); throws Error(kIo).
std::string read_text_file(const std::string& path);

}  // namespace hearth::cli
