// Reading GGUF files (versions 2 and 3): metadata, tensor infos, and where each tensor's bytes are.
//
// The reader is given bytes, never a path (core does no I/O). It is bounds-checked throughout: a
// truncated, corrupted or hostile file raises Error(kMalformedFile) naming the field at fault; counts
// and lengths are checked against the bytes actually present before anything is allocated.
//
// Header-only parsing: when `bytes` holds only the start of a file (the network case), pass
// `require_tensor_data = false`; tensor data pointers are then null but offsets are valid, and
// `data_offset()` tells where tensor data begins in the full file. parse_header() is that mode for
// a prefix of a file whose full size is known: plausibility checks (counts, tensor extents) use the
// full size, and a header that runs past the prefix raises GgufNeedBytes saying how much to read.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/gguf/gguf_value.h"
#include "core/tensor/ggml_type.h"
#include "core/util/error.h"

namespace hearth {

struct GgufTensor {
  std::string name;
  std::vector<uint64_t> dims;    // ggml order: dims[0] is the contiguous (row) dimension
  uint32_t type_id = 0;          // raw ggml type id as stored
  uint64_t offset = 0;           // from the start of the tensor data section
  uint64_t n_bytes = 0;          // size in bytes
  const uint8_t* data = nullptr; // null when parsed without tensor data

  GgmlType type() const { return static_cast<GgmlType>(type_id); }
  uint64_t n_elements() const;
  uint64_t row_length() const { return dims.empty() ? 1 : dims[0]; }
  uint64_t n_rows() const { return row_length() == 0 ? 0 : n_elements() / row_length(); }
};

// The header runs past the bytes given to parse_header(): read at least needed() bytes of the file
// and parse again. (A kMalformedFile Error, so callers that do not retry report it as truncation.)
class GgufNeedBytes : public Error {
 public:
  GgufNeedBytes(uint64_t needed, const std::string& message) : Error(ErrorCode::kMalformedFile, message), needed_(needed) {}
  uint64_t needed() const { return needed_; }

 private:
  uint64_t needed_;
};

class GgufFile {
 public:
  static constexpr uint32_t kMagic = 0x46554747;  // "GGUF" little-endian
  static constexpr uint64_t kDefaultAlignment = 32;

  // Parses `bytes`. The span must outlive the GgufFile when tensor data is used.
  static GgufFile parse(std::span<const uint8_t> bytes, bool require_tensor_data = true);
  // `bytes` = the first bytes of a file of `file_size` bytes; no tensor data. Throws GgufNeedBytes
  // when the header does not fit in `bytes`, kMalformedFile when it does not fit in the file.
  static GgufFile parse_header(std::span<const uint8_t> bytes, uint64_t file_size);

  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }
  uint64_t data_offset() const { return data_offset_; }  // file offset of the tensor data section
  uint64_t file_size_needed() const;                      // data_offset + end of the last tensor

  // Metadata in file order.
  const std::vector<std::pair<std::string, GgufValue>>& metadata() const { return metadata_; }
  const GgufValue* find(const std::string& key) const;
  bool has(const std::string& key) const { return find(key) != nullptr; }
  // Required lookups: throw kMalformedFile naming the key when missing or of the wrong type.
  const GgufValue& get(const std::string& key) const;
  std::string get_string(const std::string& key) const { return get(key).as_string(key); }
  uint64_t get_uint(const std::string& key) const { return get(key).as_uint(key); }
  double get_float(const std::string& key) const { return get(key).as_float(key); }
  // Optional lookups with a default.
  std::string get_string_or(const std::string& key, const std::string& dflt) const;
  uint64_t get_uint_or(const std::string& key, uint64_t dflt) const;
  double get_float_or(const std::string& key, double dflt) const;
  bool get_bool_or(const std::string& key, bool dflt) const;
  // Arrays of scalars converted to plain vectors; throw when the key's value is not such an array.
  std::vector<std::string> get_string_array(const std::string& key) const;
  std::vector<float> get_float_array(const std::string& key) const;
  std::vector<int64_t> get_int_array(const std::string& key) const;

  const std::vector<GgufTensor>& tensors() const { return tensors_; }
  const GgufTensor* find_tensor(const std::string& name) const;
  const GgufTensor& tensor(const std::string& name) const;  // throws kMalformedFile when missing

 private:
  static GgufFile parse_impl(std::span<const uint8_t> bytes, bool require_tensor_data, uint64_t file_size);
  uint32_t version_ = 0;
  uint64_t alignment_ = kDefaultAlignment;
  uint64_t data_offset_ = 0;
  std::vector<std::pair<std::string, GgufValue>> metadata_;
  std::map<std::string, size_t> metadata_index_;
  std::vector<GgufTensor> tensors_;
  std::map<std::string, size_t> tensor_index_;
};

}  // namespace hearth
