#include "core/tensor/ggml_type.h"

#include <algorithm>
#include <cctype>

#include "core/util/error.h"

namespace hearth {
namespace {

struct TypeRow {
  uint32_t id;
  GgmlTypeInfo info;
};

// block sizes and byte counts as ggml defines them (QK_K = 256)
constexpr TypeRow kTypes[] = {
    {0, {"f32", 1, 4, true}},
    {1, {"f16", 1, 2, true}},
    {2, {"q4_0", 32, 18, true}},
    {3, {"q4_1", 32, 20, true}},
    {6, {"q5_0", 32, 22, true}},
    {7, {"q5_1", 32, 24, true}},
    {8, {"q8_0", 32, 34, true}},
    {9, {"q8_1", 32, 36, false}},
    {10, {"q2_K", 256, 84, true}},
    {11, {"q3_K", 256, 110, true}},
    {12, {"q4_K", 256, 144, true}},
    {13, {"q5_K", 256, 176, true}},
    {14, {"q6_K", 256, 210, true}},
    {15, {"q8_K", 256, 292, false}},
    {16, {"iq2_xxs", 256, 66, false}},
    {17, {"iq2_xs", 256, 74, false}},
    {18, {"iq3_xxs", 256, 98, false}},
    {19, {"iq1_s", 256, 50, false}},
    {20, {"iq4_nl", 32, 18, false}},
    {21, {"iq3_s", 256, 110, false}},
    {22, {"iq2_s", 256, 82, false}},
    {23, {"iq4_xs", 256, 136, false}},
    {24, {"i8", 1, 1, false}},
    {25, {"i16", 1, 2, false}},
    {26, {"i32", 1, 4, false}},
    {27, {"i64", 1, 8, false}},
    {28, {"f64", 1, 8, false}},
    {29, {"iq1_m", 256, 56, false}},
    {30, {"bf16", 1, 2, true}},
    {34, {"tq1_0", 256, 54, false}},
    {35, {"tq2_0", 256, 66, false}},
    {39, {"mxfp4", 32, 17, false}},
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

GgmlTypeInfo ggml_type_info(uint32_t id) {
  for (const auto& row : kTypes)
    if (row.id == id) return row.info;
  static thread_local std::string unknown;
  unknown = "type" + std::to_string(id);
  return {unknown.c_str(), 0, 0, false};
}

GgmlType ggml_type_from_name(const std::string& name) {
  const std::string want = lower(name);
  for (const auto& row : kTypes)
    if (lower(row.info.name) == want) return static_cast<GgmlType>(row.id);
  fail(ErrorCode::kInvalidArgument, "unknown tensor type '" + name + "'; known weight types: " + supported_weight_types());
}

std::string supported_weight_types() {
  std::string out;
  for (const auto& row : kTypes) {
    if (!row.info.weight_supported) continue;
    if (!out.empty()) out += ", ";
    out += row.info.name;
  }
  return out;
}

void require_weight_type(uint32_t id, const std::string& what) {
  GgmlTypeInfo info = ggml_type_info(id);
  if (!info.weight_supported)
    fail(ErrorCode::kUnsupported, std::string("tensor type ") + info.name + " (id " + std::to_string(id) + ") of " + what +
                                      " is not supported; supported types: " + supported_weight_types());
}

uint64_t ggml_row_bytes(GgmlType t, uint64_t n) {
  GgmlTypeInfo info = ggml_type_info(t);
  if (info.block_size == 0 || n % info.block_size != 0)
    fail(ErrorCode::kMalformedFile, std::string("row of ") + std::to_string(n) + " elements is not a whole number of " +
                                        info.name + " blocks");
  return n / info.block_size * info.block_bytes;
}

}  // namespace hearth
