#include "core/gguf/gguf_writer.h"

#include <cstring>

#include "core/gguf/gguf_file.h"
#include "core/util/error.h"

namespace hearth {
namespace {

class ByteSink {
 public:
  template <typename T>
  void put(T v) {
    uint8_t b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.insert(out.end(), b, b + sizeof(T));
  }
  void put_string(const std::string& s) {
    put<uint64_t>(s.size());
    out.insert(out.end(), s.begin(), s.end());
  }
  std::vector<uint8_t> out;
};

void put_value(ByteSink& w, const GgufValue& v) {
  const std::string what = "writer value";
  switch (v.type()) {
    case GgufType::UINT8: w.put<uint8_t>(uint8_t(v.as_uint(what))); break;
    case GgufType::INT8: w.put<int8_t>(int8_t(v.as_int(what))); break;
    case GgufType::UINT16: w.put<uint16_t>(uint16_t(v.as_uint(what))); break;
    case GgufType::INT16: w.put<int16_t>(int16_t(v.as_int(what))); break;
    case GgufType::UINT32: w.put<uint32_t>(uint32_t(v.as_uint(what))); break;
    case GgufType::INT32: w.put<int32_t>(int32_t(v.as_int(what))); break;
    case GgufType::UINT64: w.put<uint64_t>(v.as_uint(what)); break;
    case GgufType::INT64: w.put<int64_t>(v.as_int(what)); break;
    case GgufType::FLOAT32: w.put<float>(float(v.as_float(what))); break;
    case GgufType::FLOAT64: w.put<double>(v.as_float(what)); break;
    case GgufType::BOOL: w.put<uint8_t>(v.as_bool(what) ? 1 : 0); break;
    case GgufType::STRING: w.put_string(v.as_string(what)); break;
    case GgufType::ARRAY: {
      const GgufArray& a = v.as_array(what);
      w.put<uint32_t>(uint32_t(a.elem_type));
      w.put<uint64_t>(a.items.size());
      for (const GgufValue& item : a.items) put_value(w, item);
      break;
    }
  }
}

}  // namespace

void GgufWriter::set(const std::string& key, GgufValue value) {
  for (auto& kv : metadata_)
    if (kv.first == key) {
      kv.second = std::move(value);
      return;
    }
  metadata_.emplace_back(key, std::move(value));
}

void GgufWriter::set_string_array(const std::string& key, const std::vector<std::string>& v) {
  GgufArray a{GgufType::STRING, {}};
  a.items.reserve(v.size());
  for (const auto& s : v) a.items.push_back(GgufValue::of_string(s));
  set(key, GgufValue::of_array(std::move(a)));
}

void GgufWriter::set_f32_array(const std::string& key, const std::vector<float>& v) {
  GgufArray a{GgufType::FLOAT32, {}};
  a.items.reserve(v.size());
  for (float x : v) a.items.push_back(GgufValue::of_float(GgufType::FLOAT32, x));
  set(key, GgufValue::of_array(std::move(a)));
}

void GgufWriter::set_i32_array(const std::string& key, const std::vector<int32_t>& v) {
  GgufArray a{GgufType::INT32, {}};
  a.items.reserve(v.size());
  for (int32_t x : v) a.items.push_back(GgufValue::of_int(GgufType::INT32, x));
  set(key, GgufValue::of_array(std::move(a)));
}

size_t GgufWriter::add_tensor(const std::string& name, GgmlType type, std::vector<uint64_t> dims) {
  if (dims.empty() || dims.size() > 4) fail(ErrorCode::kInvalidArgument, "tensor '" + name + "' must have 1 to 4 dimensions");
  uint64_t n = 1;
  for (uint64_t d : dims) n *= d;
  uint64_t bytes = ggml_row_bytes(type, dims[0]) * (n / dims[0]);
  tensors_.push_back({name, type, std::move(dims), next_offset_, bytes});
  next_offset_ += (bytes + alignment_ - 1) / alignment_ * alignment_;
  return tensors_.size() - 1;
}

uint64_t GgufWriter::padding_after(size_t index) const {
  uint64_t bytes = tensors_[index].n_bytes;
  return (bytes + alignment_ - 1) / alignment_ * alignment_ - bytes;
}

std::vector<uint8_t> GgufWriter::header_bytes() const {
  ByteSink w;
  w.put<uint32_t>(GgufFile::kMagic);
  w.put<uint32_t>(3);
  w.put<uint64_t>(tensors_.size());
  bool writes_alignment = alignment_ != GgufFile::kDefaultAlignment;
  w.put<uint64_t>(metadata_.size() + (writes_alignment ? 1 : 0));
  for (const auto& [key, value] : metadata_) {
    w.put_string(key);
    w.put<uint32_t>(uint32_t(value.type()));
    put_value(w, value);
  }
  if (writes_alignment) {
    w.put_string("general.alignment");
    w.put<uint32_t>(uint32_t(GgufType::UINT32));
    w.put<uint32_t>(uint32_t(alignment_));
  }
  for (const TensorDecl& t : tensors_) {
    w.put_string(t.name);
    w.put<uint32_t>(uint32_t(t.dims.size()));
    for (uint64_t d : t.dims) w.put<uint64_t>(d);
    w.put<uint32_t>(uint32_t(t.type));
    w.put<uint64_t>(t.offset);
  }
  while (w.out.size() % alignment_ != 0) w.out.push_back(0);
  return std::move(w.out);
}

std::vector<uint8_t> GgufWriter::to_bytes(const std::vector<std::vector<uint8_t>>& data) const {
  if (data.size() != tensors_.size()) fail(ErrorCode::kInvalidArgument, "GgufWriter::to_bytes needs data for every tensor");
  std::vector<uint8_t> out = header_bytes();
  for (size_t k = 0; k < tensors_.size(); ++k) {
    if (data[k].size() != tensors_[k].n_bytes)
      fail(ErrorCode::kInvalidArgument, "tensor '" + tensors_[k].name + "' data has " + std::to_string(data[k].size()) +
                                            " bytes, expected " + std::to_string(tensors_[k].n_bytes));
    out.insert(out.end(), data[k].begin(), data[k].end());
    out.insert(out.end(), padding_after(k), 0);
  }
  return out;
}

}  // namespace hearth
