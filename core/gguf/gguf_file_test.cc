#include "core/gguf/gguf_file.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "core/gguf/gguf_writer.h"
#include "core/util/error.h"

namespace hearth {
namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

GgufArray int_array(std::initializer_list<int64_t> v) {
  GgufArray a{GgufType::INT16, {}};
  for (int64_t x : v) a.items.push_back(GgufValue::of_int(GgufType::INT16, x));
  return a;
}

// A small file using every value type, a nested array and two tensors.
std::vector<uint8_t> sample_file(uint64_t alignment = 32) {
  GgufWriter w(alignment);
  w.set("u8", GgufValue::of_uint(GgufType::UINT8, 200));
  w.set("i8", GgufValue::of_int(GgufType::INT8, -100));
  w.set("u16", GgufValue::of_uint(GgufType::UINT16, 60000));
  w.set("i16", GgufValue::of_int(GgufType::INT16, -30000));
  w.set_u32("u32", 4000000000u);
  w.set_i32("i32", -2000000000);
  w.set("u64", GgufValue::of_uint(GgufType::UINT64, 1ull << 40));
  w.set("i64", GgufValue::of_int(GgufType::INT64, -(1ll << 40)));
  w.set_f32("f32", 0.5f);
  w.set("f64", GgufValue::of_float(GgufType::FLOAT64, 0.1));
  w.set_bool("bool", true);
  w.set_string("general.architecture", "llama");
  w.set_string_array("strings", {"a", "", "héllo"});
  GgufArray nested{GgufType::ARRAY, {}};
  nested.items.push_back(GgufValue::of_array(int_array({1, 2})));
  nested.items.push_back(GgufValue::of_array(int_array({-3})));
  w.set("nested", GgufValue::of_array(nested));
  w.add_tensor("a", GgmlType::F32, {4, 2});
  w.add_tensor("b", GgmlType::Q8_0, {32});
  std::vector<uint8_t> a(32), b(34);
  for (size_t k = 0; k < a.size(); ++k) a[k] = uint8_t(k);
  for (size_t k = 0; k < b.size(); ++k) b[k] = uint8_t(100 + k);
  return w.to_bytes({a, b});
}

TEST(GgufFile, RoundTripsEveryValueType) {
  auto bytes = sample_file();
  GgufFile f = GgufFile::parse(bytes);
  EXPECT_EQ(f.version(), 3u);
  EXPECT_EQ(f.get_uint("u8"), 200u);
  EXPECT_EQ(f.get("i8").as_int("i8"), -100);
  EXPECT_EQ(f.get_uint("u16"), 60000u);
  EXPECT_EQ(f.get("i16").as_int("i16"), -30000);
  EXPECT_EQ(f.get_uint("u32"), 4000000000u);
  EXPECT_EQ(f.get("i32").as_int("i32"), -2000000000);
  EXPECT_EQ(f.get_uint("u64"), 1ull << 40);
  EXPECT_EQ(f.get("i64").as_int("i64"), -(1ll << 40));
  EXPECT_FLOAT_EQ(float(f.get_float("f32")), 0.5f);
  EXPECT_DOUBLE_EQ(f.get_float("f64"), 0.1);
  EXPECT_TRUE(f.get_bool_or("bool", false));
  EXPECT_EQ(f.get_string("general.architecture"), "llama");
  EXPECT_EQ(f.get_string_array("strings"), (std::vector<std::string>{"a", "", "héllo"}));
  const GgufArray& nested = f.get("nested").as_array("nested");
  ASSERT_EQ(nested.items.size(), 2u);
  EXPECT_EQ(nested.items[0].as_array("x").items[1].as_int("x"), 2);
  EXPECT_EQ(nested.items[1].as_array("x").items[0].as_int("x"), -3);
  ASSERT_EQ(f.tensors().size(), 2u);
  const GgufTensor& a = f.tensor("a");
  EXPECT_EQ(a.dims, (std::vector<uint64_t>{4, 2}));
  EXPECT_EQ(a.n_bytes, 32u);
  EXPECT_EQ(a.data[5], 5);
  const GgufTensor& b = f.tensor("b");
  EXPECT_EQ(b.type(), GgmlType::Q8_0);
  EXPECT_EQ(b.n_bytes, 34u);
  EXPECT_EQ(b.data[0], 100);
  EXPECT_EQ(uint64_t(b.data - bytes.data()) % 32, 0u);
  EXPECT_EQ(f.file_size_needed(), bytes.size() - 30);  // last tensor's padding is not needed
}

TEST(GgufFile, HonoursGeneralAlignment) {
  auto bytes = sample_file(64);
  GgufFile f = GgufFile::parse(bytes);
  EXPECT_EQ(f.alignment(), 64u);
  EXPECT_EQ(f.data_offset() % 64, 0u);
  EXPECT_EQ(f.tensor("b").offset, 64u);
  EXPECT_EQ(f.tensor("b").data[1], 101);
}

TEST(GgufFile, ReadsVersion2) {
  auto bytes = sample_file();
  bytes[4] = 2;
  GgufFile f = GgufFile::parse(bytes);
  EXPECT_EQ(f.version(), 2u);
  EXPECT_EQ(f.get_string("general.architecture"), "llama");
}

TEST(GgufFile, HeaderOnlyParseOfAPrefix) {
  auto bytes = sample_file();
  GgufFile full = GgufFile::parse(bytes);
  std::span<const uint8_t> prefix(bytes.data(), full.data_offset());
  GgufFile f = GgufFile::parse(prefix, /*require_tensor_data=*/false);
  EXPECT_EQ(f.tensor("b").offset, full.tensor("b").offset);
  EXPECT_EQ(f.tensor("b").data, nullptr);
  EXPECT_THROW(GgufFile::parse(prefix), Error);
}

TEST(GgufFile, ParseHeaderSaysHowManyBytesItNeeds) {
  auto bytes = sample_file();
  GgufFile full = GgufFile::parse(bytes);
  // grow the prefix as a streaming loader does: each GgufNeedBytes names a longer prefix
  size_t n = 8;
  int rounds = 0;
  for (;; ++rounds) {
    ASSERT_LT(rounds, 100);
    try {
      GgufFile f = GgufFile::parse_header(std::span<const uint8_t>(bytes.data(), n), bytes.size());
      EXPECT_EQ(f.data_offset(), full.data_offset());
      EXPECT_EQ(f.tensor("b").offset, full.tensor("b").offset);
      EXPECT_EQ(f.get_string("general.architecture"), "llama");
      break;
    } catch (const GgufNeedBytes& e) {
      ASSERT_GT(e.needed(), n);
      ASSERT_LE(e.needed(), full.data_offset());
      n = size_t(e.needed());
    }
  }
  EXPECT_GT(rounds, 3);
  // a header that does not fit in the file, or tensors past its end, are malformed, not "read more"
  try {
    GgufFile::parse_header(std::span<const uint8_t>(bytes.data(), 20), 20);
    FAIL();
  } catch (const GgufNeedBytes&) {
    FAIL() << "asked for bytes past the end of the file";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kMalformedFile);
  }
  try {
    GgufFile::parse_header(std::span<const uint8_t>(bytes.data(), full.data_offset()), full.file_size_needed() - 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tensors need"), std::string::npos) << e.what();
  }
}

TEST(GgufFile, EveryTruncationIsATypedError) {
  auto bytes = sample_file();
  GgufFile full = GgufFile::parse(bytes);
  for (size_t n = 0; n < full.file_size_needed(); ++n) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + n);
    try {
      GgufFile::parse(cut);
      FAIL() << "prefix of " << n << " bytes parsed";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kMalformedFile) << e.what();
    }
  }
}

void expect_malformed(const std::vector<uint8_t>& bytes, const std::string& fragment) {
  try {
    GgufFile::parse(bytes);
    FAIL() << "expected an error mentioning '" << fragment << "'";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(GgufFile, RejectsHostileHeaders) {
  auto good = sample_file();
  auto bad = good;
  bad[0] = 'X';
  expect_malformed(bad, "bad magic");
  bad = good;
  bad[4] = 7;
  expect_malformed(bad, "version 7");
  bad = good;
  uint64_t huge = 1ull << 60;
  std::memcpy(&bad[16], &huge, 8);  // metadata count
  expect_malformed(bad, "metadata count");
  bad = good;
  std::memcpy(&bad[8], &huge, 8);  // tensor count
  expect_malformed(bad, "tensor count");
  bad = good;
  std::memcpy(&bad[24], &huge, 8);  // length of the first key
  expect_malformed(bad, "truncated");
}

TEST(GgufFile, RejectsUnknownTensorTypeAndBadShapes) {
  GgufWriter w;
  w.add_tensor("t", GgmlType::F32, {4});
  auto bytes = w.to_bytes({std::vector<uint8_t>(16)});
  // The tensor info ends with: type (u32) then offset (u64) right before the padding.
  GgufFile f = GgufFile::parse(bytes);
  size_t type_pos = 24 + 8 + 1 + 4 + 8;  // header, name length+"t", n_dims, dim
  uint32_t bogus = 99;
  auto bad = bytes;
  std::memcpy(&bad[type_pos], &bogus, 4);
  try {
    GgufFile::parse(bad);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
    EXPECT_NE(std::string(e.what()).find("type id 99"), std::string::npos) << e.what();
  }
  bad = bytes;
  uint32_t q4 = 2;  // q4_0 needs rows that are multiples of 32
  std::memcpy(&bad[type_pos], &q4, 4);
  expect_malformed(bad, "block size");
  bad = bytes;
  uint64_t misaligned = 3;
  std::memcpy(&bad[type_pos + 4], &misaligned, 8);
  expect_malformed(bad, "not aligned");
  EXPECT_EQ(f.tensor("t").n_bytes, 16u);
}

TEST(GgufFile, MissingAndMistypedKeysNameTheKey) {
  auto bytes = sample_file();
  GgufFile f = GgufFile::parse(bytes);
  try {
    f.get_string("llama.block_count");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("llama.block_count"), std::string::npos);
  }
  try {
    f.get_string("u32");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'u32' should be a string"), std::string::npos) << e.what();
  }
  EXPECT_THROW(f.tensor("nope"), Error);
}

TEST(GgufFile, ReadsStories260K) {
  auto bytes = read_file(std::string(HEARTH_SHARED_DIR) + "/models/stories260K.gguf");
  ASSERT_FALSE(bytes.empty());
  GgufFile f = GgufFile::parse(bytes);
  EXPECT_EQ(f.get_string("general.architecture"), "llama");
  EXPECT_EQ(f.get_uint("llama.embedding_length"), 64u);
  EXPECT_EQ(f.get_uint("llama.block_count"), 5u);
  EXPECT_EQ(f.get_string_array("tokenizer.ggml.tokens").size(), 512u);
  const GgufTensor& emb = f.tensor("token_embd.weight");
  EXPECT_EQ(emb.dims, (std::vector<uint64_t>{64, 512}));
}

}  // namespace
}  // namespace hearth
