#include "core/gguf/gguf_value.h"

#include <limits>
#include <sstream>

#include "core/util/error.h"

namespace hearth {

const char* gguf_type_name(GgufType t) {
  switch (t) {
    case GgufType::UINT8: return "uint8";
    case GgufType::INT8: return "int8";
    case GgufType::UINT16: return "uint16";
    case GgufType::INT16: return "int16";
    case GgufType::UINT32: return "uint32";
    case GgufType::INT32: return "int32";
    case GgufType::FLOAT32: return "float32";
    case GgufType::BOOL: return "bool";
    case GgufType::STRING: return "string";
    case GgufType::ARRAY: return "array";
    case GgufType::UINT64: return "uint64";
    case GgufType::INT64: return "int64";
    case GgufType::FLOAT64: return "float64";
  }
  return "unknown";
}

namespace {
[[noreturn]] void wrong_type(const std::string& what, const char* wanted, GgufType got) {
  fail(ErrorCode::kMalformedFile, "metadata '" + what + "' should be " + wanted + " but is " + gguf_type_name(got));
}
}  // namespace

bool GgufValue::is_integer() const {
  return std::holds_alternative<uint64_t>(data_) || std::holds_alternative<int64_t>(data_);
}

int64_t GgufValue::as_int(const std::string& what) const {
  if (auto* u = std::get_if<uint64_t>(&data_)) {
    if (*u > uint64_t(std::numeric_limits<int64_t>::max())) fail(ErrorCode::kMalformedFile, "metadata '" + what + "' is out of range");
    return int64_t(*u);
  }
  if (auto* i = std::get_if<int64_t>(&data_)) return *i;
  wrong_type(what, "an integer", type_);
}

uint64_t GgufValue::as_uint(const std::string& what) const {
  if (auto* u = std::get_if<uint64_t>(&data_)) return *u;
  if (auto* i = std::get_if<int64_t>(&data_)) {
    if (*i < 0) fail(ErrorCode::kMalformedFile, "metadata '" + what + "' is negative (" + std::to_string(*i) + ")");
    return uint64_t(*i);
  }
  wrong_type(what, "an unsigned integer", type_);
}

double GgufValue::as_float(const std::string& what) const {
  if (auto* d = std::get_if<double>(&data_)) return *d;
  if (auto* u = std::get_if<uint64_t>(&data_)) return double(*u);
  if (auto* i = std::get_if<int64_t>(&data_)) return double(*i);
  wrong_type(what, "a number", type_);
}

bool GgufValue::as_bool(const std::string& what) const {
  if (auto* b = std::get_if<bool>(&data_)) return *b;
  wrong_type(what, "a bool", type_);
}

const std::string& GgufValue::as_string(const std::string& what) const {
  if (auto* s = std::get_if<std::string>(&data_)) return *s;
  wrong_type(what, "a string", type_);
}

const GgufArray& GgufValue::as_array(const std::string& what) const {
  if (auto* a = std::get_if<GgufArray>(&data_)) return *a;
  wrong_type(what, "an array", type_);
}

std::string GgufValue::to_display_string(size_t max_items) const {
  std::ostringstream os;
  if (auto* u = std::get_if<uint64_t>(&data_)) os << *u;
  else if (auto* i = std::get_if<int64_t>(&data_)) os << *i;
  else if (auto* d = std::get_if<double>(&data_)) os << *d;
  else if (auto* b = std::get_if<bool>(&data_)) os << (*b ? "true" : "false");
  else if (auto* s = std::get_if<std::string>(&data_)) {
    std::string shown = s->size() > 60 ? s->substr(0, 60) + "..." : *s;
    for (char& c : shown)
      if (c == '\n') c = ' ';
    os << '"' << shown << '"';
  } else if (auto* a = std::get_if<GgufArray>(&data_)) {
    os << gguf_type_name(a->elem_type) << "[" << a->items.size() << "] [";
    for (size_t k = 0; k < a->items.size() && k < max_items; ++k) os << (k ? ", " : "") << a->items[k].to_display_string(max_items);
    if (a->items.size() > max_items) os << ", ...";
    os << "]";
  }
  return os.str();
}

}  // namespace hearth
