#include "core/gguf/gguf_file.h"

#include <algorithm>
#include <cstring>

#include "core/util/error.h"

namespace hearth {
namespace {

constexpr uint32_t kMaxDims = 4;        // ggml's GGML_MAX_DIMS
constexpr uint32_t kMaxArrayDepth = 8;  // nested arrays deeper than this are hostile, not useful
constexpr uint64_t kMaxKeyLength = 65535;

// A bounds-checked little-endian cursor over the file's bytes. Every read names what it reads so a
// truncated file reports the field it ran out in.
// The bytes may be a prefix of the file (header-only parsing): reads past them raise GgufNeedBytes,
// reads past the file's end are truncation.
class Cursor {
 public:
  Cursor(std::span<const uint8_t> bytes, uint64_t file_size) : bytes_(bytes), file_size_(file_size) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }      // bytes present
  uint64_t file_remaining() const { return file_size_ - pos_; }  // bytes the whole file has left

  void need(uint64_t n, const std::string& what) const {
    if (n > file_remaining())
      fail(ErrorCode::kMalformedFile, "GGUF truncated: " + what + " needs " + std::to_string(n) + " bytes at offset " +
                                          std::to_string(pos_) + " but the file has " + std::to_string(file_remaining()) + " left");
    if (n > remaining())
      throw GgufNeedBytes(pos_ + n, "GGUF header continues past the " + std::to_string(bytes_.size()) + " bytes read: " + what +
                                        " needs bytes up to offset " + std::to_string(pos_ + n));
  }

  template <typename T>
  T read(const std::string& what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, bytes_.data() + pos_, sizeof(T));  // GGUF is little-endian, as are all our targets
    pos_ += sizeof(T);
    return v;
  }

  std::string read_string(const std::string& what) {
    uint64_t len = read<uint64_t>(what + " length");
    need(len, what);
    std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), size_t(len));
    pos_ += size_t(len);
    return s;
  }

 private:
  std::span<const uint8_t> bytes_;
  uint64_t file_size_;
  size_t pos_ = 0;
};

// Smallest encoded size of one element of a type: used to reject counts that cannot fit in the
// remaining bytes before reserving memory for them.
uint64_t min_encoded_size(GgufType t) {
  switch (t) {
    case GgufType::UINT8: case GgufType::INT8: case GgufType::BOOL: return 1;
    case GgufType::UINT16: case GgufType::INT16: return 2;
    case GgufType::UINT32: case GgufType::INT32: case GgufType::FLOAT32: return 4;
    case GgufType::UINT64: case GgufType::INT64: case GgufType::FLOAT64: return 8;
    case GgufType::STRING: return 8;
    case GgufType::ARRAY: return 12;
  }
  return 1;
}

GgufValue read_value(Cursor& c, GgufType type, const std::string& what, uint32_t depth) {
  switch (type) {
    case GgufType::UINT8: return GgufValue::of_uint(type, c.read<uint8_t>(what));
    case GgufType::INT8: return GgufValue::of_int(type, c.read<int8_t>(what));
    case GgufType::UINT16: return GgufValue::of_uint(type, c.read<uint16_t>(what));
    case GgufType::INT16: return GgufValue::of_int(type, c.read<int16_t>(what));
    case GgufType::UINT32: return GgufValue::of_uint(type, c.read<uint32_t>(what));
    case GgufType::INT32: return GgufValue::of_int(type, c.read<int32_t>(what));
    case GgufType::UINT64: return GgufValue::of_uint(type, c.read<uint64_t>(what));
    case GgufType::INT64: return GgufValue::of_int(type, c.read<int64_t>(what));
    case GgufType::FLOAT32: return GgufValue::of_float(type, c.read<float>(what));
    case GgufType::FLOAT64: return GgufValue::of_float(type, c.read<double>(what));
    case GgufType::BOOL: {
      uint8_t b = c.read<uint8_t>(what);
      if (b > 1) fail(ErrorCode::kMalformedFile, "metadata '" + what + "' is a bool with value " + std::to_string(b));
      return GgufValue::of_bool(b != 0);
    }
    case GgufType::STRING: return GgufValue::of_string(c.read_string(what));
    case GgufType::ARRAY: {
      if (depth >= kMaxArrayDepth)
        fail(ErrorCode::kMalformedFile, "metadata '" + what + "' nests arrays deeper than " + std::to_string(kMaxArrayDepth));
      uint32_t raw_elem = c.read<uint32_t>(what + " element type");
      if (raw_elem > uint32_t(GgufType::FLOAT64))
        fail(ErrorCode::kMalformedFile, "metadata '" + what + "' has unknown array element type " + std::to_string(raw_elem));
      GgufArray arr;
      arr.elem_type = GgufType(raw_elem);
      uint64_t count = c.read<uint64_t>(what + " element count");
      uint64_t min_size = min_encoded_size(arr.elem_type);
      if (count > c.file_remaining() / min_size)
        fail(ErrorCode::kMalformedFile, "metadata '" + what + "' claims " + std::to_string(count) +
                                            " elements, more than the file can hold");
      arr.items.reserve(size_t(std::min<uint64_t>(count, c.remaining() / min_size)));  // no more than is present
      for (uint64_t k = 0; k < count; ++k) arr.items.push_back(read_value(c, arr.elem_type, what, depth + 1));
      return GgufValue::of_array(std::move(arr));
    }
  }
  fail(ErrorCode::kMalformedFile, "metadata '" + what + "' has unknown value type " + std::to_string(uint32_t(type)));
}

}  // namespace

uint64_t GgufTensor::n_elements() const {
  uint64_t n = 1;
  for (uint64_t d : dims) n *= d;
  return n;
}

GgufFile GgufFile::parse(std::span<const uint8_t> bytes, bool require_tensor_data) {
  return parse_impl(bytes, require_tensor_data, bytes.size());
}

GgufFile GgufFile::parse_header(std::span<const uint8_t> bytes, uint64_t file_size) {
  if (bytes.size() > file_size) fail(ErrorCode::kInvalidArgument, "more header bytes than the file has");
  GgufFile f = parse_impl(bytes, false, file_size);
  if (f.file_size_needed() > file_size)
    fail(ErrorCode::kMalformedFile, "GGUF truncated: the tensors need " + std::to_string(f.file_size_needed()) +
                                        " bytes but the file has " + std::to_string(file_size));
  return f;
}

GgufFile GgufFile::parse_impl(std::span<const uint8_t> bytes, bool require_tensor_data, uint64_t file_size) {
  GgufFile f;
  Cursor c(bytes, file_size);
  uint32_t magic = c.read<uint32_t>("magic");
  if (magic != kMagic) fail(ErrorCode::kMalformedFile, "not a GGUF file (bad magic)");
  f.version_ = c.read<uint32_t>("version");
  if (f.version_ == 1) fail(ErrorCode::kUnsupported, "GGUF version 1 is not supported (only versions 2 and 3)");
  if (f.version_ != 2 && f.version_ != 3)
    fail(ErrorCode::kMalformedFile, "unknown GGUF version " + std::to_string(f.version_) + " (expected 2 or 3)");
  uint64_t n_tensors = c.read<uint64_t>("tensor count");
  uint64_t n_kv = c.read<uint64_t>("metadata count");
  if (n_kv > c.file_remaining() / 12)
    fail(ErrorCode::kMalformedFile, "metadata count " + std::to_string(n_kv) + " is more than the file can hold");
  if (n_tensors > c.file_remaining() / 24)
    fail(ErrorCode::kMalformedFile, "tensor count " + std::to_string(n_tensors) + " is more than the file can hold");

  f.metadata_.reserve(size_t(std::min<uint64_t>(n_kv, c.remaining() / 12)));
  for (uint64_t k = 0; k < n_kv; ++k) {
    std::string key = c.read_string("metadata key #" + std::to_string(k));
    if (key.empty() || key.size() > kMaxKeyLength)
      fail(ErrorCode::kMalformedFile, "metadata key #" + std::to_string(k) + " has invalid length " + std::to_string(key.size()));
    uint32_t raw_type = c.read<uint32_t>("type of metadata '" + key + "'");
    if (raw_type > uint32_t(GgufType::FLOAT64))
      fail(ErrorCode::kMalformedFile, "metadata '" + key + "' has unknown value type " + std::to_string(raw_type));
    GgufValue v = read_value(c, GgufType(raw_type), key, 0);
    if (f.metadata_index_.count(key)) fail(ErrorCode::kMalformedFile, "metadata key '" + key + "' appears twice");
    f.metadata_index_[key] = f.metadata_.size();
    f.metadata_.emplace_back(std::move(key), std::move(v));
  }

  if (const GgufValue* a = f.find("general.alignment")) {
    uint64_t al = a->as_uint("general.alignment");
    if (al == 0 || (al & (al - 1)) != 0 || al > (1u << 20))
      fail(ErrorCode::kMalformedFile, "general.alignment " + std::to_string(al) + " is not a power of two up to 1 MiB");
    f.alignment_ = al;
  }

  f.tensors_.reserve(size_t(std::min<uint64_t>(n_tensors, c.remaining() / 24)));
  for (uint64_t k = 0; k < n_tensors; ++k) {
    GgufTensor t;
    t.name = c.read_string("tensor #" + std::to_string(k) + " name");
    const std::string what = "tensor '" + t.name + "'";
    uint32_t n_dims = c.read<uint32_t>(what + " dimension count");
    if (n_dims == 0 || n_dims > kMaxDims)
      fail(ErrorCode::kMalformedFile, what + " has " + std::to_string(n_dims) + " dimensions (1 to 4 allowed)");
    uint64_t n_el = 1;
    for (uint32_t d = 0; d < n_dims; ++d) {
      uint64_t dim = c.read<uint64_t>(what + " dimension");
      if (dim == 0 || dim > (uint64_t(1) << 40) || n_el > (uint64_t(1) << 44) / dim)
        fail(ErrorCode::kMalformedFile, what + " has an invalid or oversized shape");
      n_el *= dim;
      t.dims.push_back(dim);
    }
    t.type_id = c.read<uint32_t>(what + " type");
    GgmlTypeInfo info = ggml_type_info(t.type_id);
    if (info.block_size == 0)
      fail(ErrorCode::kUnsupported, what + " has unknown tensor type id " + std::to_string(t.type_id) +
                                        "; supported types: " + supported_weight_types());
    if (t.dims[0] % info.block_size != 0)
      fail(ErrorCode::kMalformedFile, what + " row length " + std::to_string(t.dims[0]) + " is not a multiple of the " +
                                          info.name + " block size " + std::to_string(info.block_size));
    t.n_bytes = n_el / info.block_size * info.block_bytes;
    t.offset = c.read<uint64_t>(what + " offset");
    if (t.offset % f.alignment_ != 0)
      fail(ErrorCode::kMalformedFile, what + " offset " + std::to_string(t.offset) + " is not aligned to " + std::to_string(f.alignment_));
    if (f.tensor_index_.count(t.name)) fail(ErrorCode::kMalformedFile, "tensor name '" + t.name + "' appears twice");
    f.tensor_index_[t.name] = f.tensors_.size();
    f.tensors_.push_back(std::move(t));
  }

  uint64_t header_end = c.pos();
  f.data_offset_ = (header_end + f.alignment_ - 1) / f.alignment_ * f.alignment_;

  // Tensors must lie inside the data section and not overlap one another.
  std::vector<std::pair<uint64_t, size_t>> by_offset;
  for (size_t k = 0; k < f.tensors_.size(); ++k) by_offset.emplace_back(f.tensors_[k].offset, k);
  std::sort(by_offset.begin(), by_offset.end());
  for (size_t k = 1; k < by_offset.size(); ++k) {
    const GgufTensor& prev = f.tensors_[by_offset[k - 1].second];
    if (prev.offset + prev.n_bytes > by_offset[k].first)
      fail(ErrorCode::kMalformedFile, "tensor '" + prev.name + "' overlaps tensor '" + f.tensors_[by_offset[k].second].name + "'");
  }
  if (require_tensor_data) {
    uint64_t available = bytes.size() > f.data_offset_ ? bytes.size() - f.data_offset_ : 0;
    for (GgufTensor& t : f.tensors_) {
      if (t.offset > available || t.n_bytes > available - t.offset)
        fail(ErrorCode::kMalformedFile, "GGUF truncated: tensor '" + t.name + "' needs bytes up to offset " +
                                            std::to_string(f.data_offset_ + t.offset + t.n_bytes) + " but the file has " +
                                            std::to_string(bytes.size()));
      t.data = bytes.data() + f.data_offset_ + t.offset;
    }
  }
  return f;
}

uint64_t GgufFile::file_size_needed() const {
  uint64_t end = 0;
  for (const GgufTensor& t : tensors_) end = std::max(end, t.offset + t.n_bytes);
  return data_offset_ + end;
}

const GgufValue* GgufFile::find(const std::string& key) const {
  auto it = metadata_index_.find(key);
  return it == metadata_index_.end() ? nullptr : &metadata_[it->second].second;
}

const GgufValue& GgufFile::get(const std::string& key) const {
  const GgufValue* v = find(key);
  if (!v) fail(ErrorCode::kMalformedFile, "required metadata '" + key + "' is missing");
  return *v;
}

std::string GgufFile::get_string_or(const std::string& key, const std::string& dflt) const {
  const GgufValue* v = find(key);
  return v ? v->as_string(key) : dflt;
}
uint64_t GgufFile::get_uint_or(const std::string& key, uint64_t dflt) const {
  const GgufValue* v = find(key);
  return v ? v->as_uint(key) : dflt;
}
double GgufFile::get_float_or(const std::string& key, double dflt) const {
  const GgufValue* v = find(key);
  return v ? v->as_float(key) : dflt;
}
bool GgufFile::get_bool_or(const std::string& key, bool dflt) const {
  const GgufValue* v = find(key);
  return v ? v->as_bool(key) : dflt;
}

std::vector<std::string> GgufFile::get_string_array(const std::string& key) const {
  const GgufArray& a = get(key).as_array(key);
  std::vector<std::string> out;
  out.reserve(a.items.size());
  for (const GgufValue& v : a.items) out.push_back(v.as_string(key + " element"));
  return out;
}
std::vector<float> GgufFile::get_float_array(const std::string& key) const {
  const GgufArray& a = get(key).as_array(key);
  std::vector<float> out;
  out.reserve(a.items.size());
  for (const GgufValue& v : a.items) out.push_back(float(v.as_float(key + " element")));
  return out;
}
std::vector<int64_t> GgufFile::get_int_array(const std::string& key) const {
  const GgufArray& a = get(key).as_array(key);
  std::vector<int64_t> out;
  out.reserve(a.items.size());
  for (const GgufValue& v : a.items) out.push_back(v.as_int(key + " element"));
  return out;
}

const GgufTensor* GgufFile::find_tensor(const std::string& name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

const GgufTensor& GgufFile::tensor(const std::string& name) const {
  const GgufTensor* t = find_tensor(name);
  if (!t) fail(ErrorCode::kMalformedFile, "required tensor '" + name + "' is missing");
  return *t;
}

}  // namespace hearth
