// Writing GGUF v3 files, for the synthetic model generator and for tests that need crafted files.
// Produces bytes in pieces so multi-gigabyte files stream to disk: header_bytes() first, then each
// tensor's data in the order added, each followed by padding_after(i) zero bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/gguf/gguf_value.h"
#include "core/tensor/ggml_type.h"

namespace hearth {

class GgufWriter {
 public:
  explicit GgufWriter(uint64_t alignment = 32) : alignment_(alignment) {}

  void set(const std::string& key, GgufValue value);
  void set_string(const std::string& key, std::string v) { set(key, GgufValue::of_string(std::move(v))); }
  void set_u32(const std::string& key, uint32_t v) { set(key, GgufValue::of_uint(GgufType::UINT32, v)); }
  void set_i32(const std::string& key, int32_t v) { set(key, GgufValue::of_int(GgufType::INT32, v)); }
  void set_f32(const std::string& key, float v) { set(key, GgufValue::of_float(GgufType::FLOAT32, v)); }
  void set_bool(const std::string& key, bool v) { set(key, GgufValue::of_bool(v)); }
  void set_string_array(const std::string& key, const std::vector<std::string>& v);
  void set_f32_array(const std::string& key, const std::vector<float>& v);
  void set_i32_array(const std::string& key, const std::vector<int32_t>& v);

  // Declares a tensor; returns its index. dims in ggml order (dims[0] = row length).
  size_t add_tensor(const std::string& name, GgmlType type, std::vector<uint64_t> dims);
  uint64_t tensor_bytes(size_t index) const { return tensors_[index].n_bytes; }

  std::vector<uint8_t> header_bytes() const;  // magic .. tensor infos .. padding to alignment
  uint64_t padding_after(size_t index) const;

  // Convenience for small files: everything in one buffer. `data[i]` must have tensor_bytes(i) bytes.
  std::vector<uint8_t> to_bytes(const std::vector<std::vector<uint8_t>>& data) const;

 private:
  struct TensorDecl {
    std::string name;
    GgmlType type;
    std::vector<uint64_t> dims;
    uint64_t offset;
    uint64_t n_bytes;
  };
  uint64_t alignment_;
  std::vector<std::pair<std::string, GgufValue>> metadata_;
  std::vector<TensorDecl> tensors_;
  uint64_t next_offset_ = 0;
};

}  // namespace hearth
