// A GGUF metadata value: one of the 13 GGUF value types, arrays nested to any depth.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace hearth {

// On-disk ids of `gguf_type`.
enum class GgufType : uint32_t {
  UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6,
  BOOL = 7, STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12,
};

const char* gguf_type_name(GgufType t);

class GgufValue;

struct GgufArray {
  GgufType elem_type = GgufType::UINT8;
  std::vector<GgufValue> items;
};

class GgufValue {
 public:
  GgufValue() = default;
  static GgufValue of_uint(GgufType t, uint64_t v) { GgufValue g; g.type_ = t; g.data_ = v; return g; }
  static GgufValue of_int(GgufType t, int64_t v) { GgufValue g; g.type_ = t; g.data_ = v; return g; }
  static GgufValue of_float(GgufType t, double v) { GgufValue g; g.type_ = t; g.data_ = v; return g; }
  static GgufValue of_bool(bool v) { GgufValue g; g.type_ = GgufType::BOOL; g.data_ = v; return g; }
  static GgufValue of_string(std::string v) { GgufValue g; g.type_ = GgufType::STRING; g.data_ = std::move(v); return g; }
  static GgufValue of_array(GgufArray v) { GgufValue g; g.type_ = GgufType::ARRAY; g.data_ = std::move(v); return g; }

  GgufType type() const { return type_; }
  bool is_integer() const;
  bool is_float() const { return type_ == GgufType::FLOAT32 || type_ == GgufType::FLOAT64; }

  // Typed access; each throws kMalformedFile naming `what` when the value has another type or
  // does not fit (e.g. a negative int read as unsigned).
  int64_t as_int(const std::string& what) const;
  uint64_t as_uint(const std::string& what) const;
  double as_float(const std::string& what) const;  // accepts integers too
  bool as_bool(const std::string& what) const;
  const std::string& as_string(const std::string& what) const;
  const GgufArray& as_array(const std::string& what) const;

  // Short human-readable rendering (arrays abbreviated), for `hearth info`.
  std::string to_display_string(size_t max_items = 8) const;

 private:
  GgufType type_ = GgufType::UINT8;
  std::variant<uint64_t, int64_t, double, bool, std::string, GgufArray> data_ = uint64_t{0};
};

}  // namespace hearth
