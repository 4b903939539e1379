// Hand-built blocks: bytes written out explicitly, expected values worked out by hand from ggml's
// formulas (the arithmetic is in the comments), so a layout or formula slip fails here.
#include "core/tensor/dequantize.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "core/tensor/quant_blocks.h"
#include "core/util/error.h"

namespace hearth {
namespace {

// f16 bit patterns used below
constexpr uint16_t kHalf1 = 0x3C00, kHalfMinus1 = 0xBC00, kHalf2 = 0x4000, kHalf0_5 = 0x3800, kHalf0_25 = 0x3400;

template <typename Block>
std::vector<float> dq(GgmlType t, const Block& b, int n) {
  std::vector<float> out(n, -999.f);
  dequantize_row(t, &b, out.data(), n);
  return out;
}

void expect_eq(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << "element " << i;
}

TEST(Dequantize, Q4_0) {
  block_q4_0 b{};
  b.d = kHalf0_5;
  std::memset(b.qs, 0x88, 16);  // every nibble 8: (8 - 8) * 0.5 = 0
  b.qs[0] = 0x1F;               // x[0] = (15 - 8) * 0.5 = 3.5, x[16] = (1 - 8) * 0.5 = -3.5
  b.qs[1] = 0x80;               // x[1] = (0 - 8) * 0.5 = -4,   x[17] = 0
  std::vector<float> want(32, 0.f);
  want[0] = 3.5f, want[16] = -3.5f, want[1] = -4.f;
  expect_eq(dq(GgmlType::Q4_0, b, 32), want);
}

TEST(Dequantize, Q4_1) {
  block_q4_1 b{};
  b.d = kHalf0_25;
  b.m = kHalfMinus1;
  b.qs[0] = 0x3A;  // x[0] = 10 * 0.25 - 1 = 1.5, x[16] = 3 * 0.25 - 1 = -0.25
  std::vector<float> want(32, -1.f);  // q = 0: 0 * 0.25 + (-1)
  want[0] = 1.5f, want[16] = -0.25f;
  expect_eq(dq(GgmlType::Q4_1, b, 32), want);
}

TEST(Dequantize, Q5_0) {
  block_q5_0 b{};
  b.d = kHalf1;
  // qh as little-endian u32: bits 0, 5 (byte 0 = 0x21), 16 (byte 2 = 0x01), 31 (byte 3 = 0x80)
  b.qh[0] = 0x21, b.qh[2] = 0x01, b.qh[3] = 0x80;
  b.qs[0] = 0x21;   // x[0] = (1 | 16) - 16 = 1, x[16] = (2 | 16) - 16 = 2
  b.qs[5] = 0x30;   // x[5] = (0 | 16) - 16 = 0, x[21] = 3 - 16 = -13 (bit 21 clear)
  b.qs[15] = 0x70;  // x[15] = 0 - 16 = -16, x[31] = (7 | 16) - 16 = 7
  std::vector<float> want(32, -16.f);  // q = 0, no high bit: 0 - 16
  want[0] = 1, want[16] = 2, want[5] = 0, want[21] = -13, want[15] = -16, want[31] = 7;
  expect_eq(dq(GgmlType::Q5_0, b, 32), want);
}

TEST(Dequantize, Q5_1) {
  block_q5_1 b{};
  b.d = kHalf0_5;
  b.m = kHalf2;
  b.qh[0] = 0x08, b.qh[2] = 0x08;  // bits 3 and 19
  b.qs[3] = 0xF7;  // x[3] = (7 | 16) * 0.5 + 2 = 13.5, x[19] = (15 | 16) * 0.5 + 2 = 17.5
  b.qs[4] = 0x01;  // x[4] = 1 * 0.5 + 2 = 2.5
  std::vector<float> want(32, 2.f);  // 0 * 0.5 + 2
  want[3] = 13.5f, want[19] = 17.5f, want[4] = 2.5f;
  expect_eq(dq(GgmlType::Q5_1, b, 32), want);
}

TEST(Dequantize, Q8_0) {
  block_q8_0 b{};
  b.d = kHalf0_25;
  b.qs[0] = -128, b.qs[1] = 127, b.qs[31] = -1, b.qs[7] = 3;
  std::vector<float> want(32, 0.f);
  want[0] = -32.f;    // -128 * 0.25
  want[1] = 31.75f;   // 127 * 0.25
  want[31] = -0.25f;  // -1 * 0.25
  want[7] = 0.75f;    // 3 * 0.25
  expect_eq(dq(GgmlType::Q8_0, b, 32), want);
}

TEST(Dequantize, Q2_K) {
  block_q2_K b{};
  b.d = kHalf0_5, b.dmin = kHalf1;
  b.scales[0] = 0x23;  // group 0 (x[0..16)):    dl = 0.5 * 3 = 1.5, ml = 1 * 2 = 2
  b.scales[2] = 0x01;  // group 2 (x[32..48)):   dl = 0.5,           ml = 0
  b.scales[4] = 0x02;  // group 4 (x[64..80)):   dl = 1.0,           ml = 0
  b.scales[6] = 0x3F;  // group 6 (x[96..112)):  dl = 7.5,           ml = 3
  b.scales[8] = 0x05;  // group 8 (x[128..144)): dl = 2.5,           ml = 0
  b.qs[0] = 0xE4;      // 2-bit fields 0,1,2,3 -> x[0], x[32], x[64], x[96]
  b.qs[32 + 5] = 0x02; // second half, field 0 -> x[128 + 5]
  std::vector<float> want(256, 0.f);
  for (int i = 0; i < 16; ++i) want[i] = -2.f;     // 1.5 * 0 - 2
  for (int i = 96; i < 112; ++i) want[i] = -3.f;   // 7.5 * 0 - 3
  want[0] = -2.f;     // 1.5 * 0 - 2
  want[32] = 0.5f;    // 0.5 * 1
  want[64] = 2.f;     // 1.0 * 2
  want[96] = 19.5f;   // 7.5 * 3 - 3
  want[133] = 5.f;    // 2.5 * 2
  expect_eq(dq(GgmlType::Q2_K, b, 256), want);
}

TEST(Dequantize, Q3_K) {
  block_q3_K b{};
  b.d = kHalf0_5;
  // 6-bit scales s, value (s - 32): all 32 (-> 0) except group 0 = 34 and group 9 = 28.
  // top 2 bits of every s live in bytes 8..11, pair (j / 4) of byte 8 + j % 4: 32 >> 4 = 2 -> 0xAA
  std::memset(b.scales + 8, 0xAA, 4);
  b.scales[0] = 0x02;  // group 0 low nibble 34 & 15 = 2 (top bits 2, as set)  -> dl = 0.5 * 2 = 1
  b.scales[1] = 0xC0;  // group 9 low nibble 28 & 15 = 12 in the high nibble of byte 9 - 8
  b.scales[9] = 0x9A;  // group 9 top bits 28 >> 4 = 1 at pair 2 of byte 8 + 9 % 4  -> dl = 0.5 * -4 = -2
  // group 0 = x[0..16): qs[l] bits 0-1, hmask[l] bit 0 (set -> no -4)
  for (int l = 0; l < 16; ++l) b.hmask[l] = 0x01;
  b.qs[0] = 0x03;    // x[0] = 1 * (3 - 0) = 3
  b.hmask[1] = 0;    // x[1] = 1 * (0 - 4) = -4
  // group 9 = x[144..160): second half, qs[32 + 16 + l] bits 0-1, hmask[16 + l] bit 4
  b.qs[48] = 0x02;   // with hmask bit: x[144] = -2 * 2 = -4
  b.hmask[16] = 0x10;
  b.qs[49] = 0x01;   // no hmask bit: x[145] = -2 * (1 - 4) = 6
  std::vector<float> want(256, 0.f);
  for (int i = 144; i < 160; ++i) want[i] = 8.f;  // -2 * (0 - 4)
  want[0] = 3.f, want[1] = -4.f, want[144] = -4.f, want[145] = 6.f;
  expect_eq(dq(GgmlType::Q3_K, b, 256), want);
}

TEST(Dequantize, Q4_K) {
  block_q4_K b{};
  b.d = kHalf1, b.dmin = kHalf0_5;
  b.scales[0] = 3, b.scales[4] = 4;  // group 0: sc 3, m 4 -> d1 = 3, m1 = 2
  // group 5: sc 37 = 0b100101, m 18 = 0b010010: low nibbles in byte 9, top bits in bytes 1 and 5
  b.scales[9] = 0x25;   // sc low 5 | m low 2 << 4
  b.scales[1] = 0x80;   // sc top 2 << 6
  b.scales[5] = 0x40;   // m top 1 << 6       -> d = 37, m = 0.5 * 18 = 9
  b.qs[0] = 0xA7;       // x[0] = 3 * 7 - 2 = 19; x[32] (group 1, sc = m = 0) = 0
  b.qs[64] = 0xB0;      // group 4 x[128] = 0; group 5 x[160] = 37 * 11 - 9 = 398
  std::vector<float> want(256, 0.f);
  for (int i = 0; i < 32; ++i) want[i] = -2.f;     // 3 * 0 - 2
  for (int i = 160; i < 192; ++i) want[i] = -9.f;  // 37 * 0 - 9
  want[0] = 19.f, want[160] = 398.f;
  expect_eq(dq(GgmlType::Q4_K, b, 256), want);
}

TEST(Dequantize, Q5_K) {
  block_q5_K b{};
  b.d = kHalf0_5, b.dmin = kHalf1;
  b.scales[0] = 2, b.scales[4] = 1;  // group 0: d1 = 0.5 * 2 = 1, m1 = 1
  // group 7: sc 49 = 0b110001, m 32 = 0b100000
  b.scales[11] = 0x01;  // sc low 1 | m low 0 << 4
  b.scales[3] = 0xC0;   // sc top 3 << 6
  b.scales[7] = 0x80;   // m top 2 << 6      -> d = 0.5 * 49 = 24.5, m = 32
  b.qs[0] = 0x0F;       // group 0 low nibble 15, fifth bit = qh[0] bit 0
  b.qs[1] = 0x03;       // x[1] = 1 * 3 - 1 = 2
  b.qs[96] = 0x50;      // group 7 = high nibbles of qs[96..128), fifth bit = qh[l] bit 7
  b.qh[0] = 0x81;
  std::vector<float> want(256, 0.f);
  for (int i = 0; i < 32; ++i) want[i] = -1.f;      // 1 * 0 - 1
  for (int i = 224; i < 256; ++i) want[i] = -32.f;  // 24.5 * 0 - 32
  want[0] = 30.f;     // 1 * (15 + 16) - 1
  want[1] = 2.f;
  want[224] = 482.5f; // 24.5 * (5 + 16) - 32
  expect_eq(dq(GgmlType::Q5_K, b, 256), want);
}

TEST(Dequantize, Q6_K) {
  block_q6_K b{};
  b.d = kHalf0_25;
  b.scales[0] = 4;   // group 0 = x[0..16): ql[l] low nibble, qh[l] bits 0-1; d * 4 = 1
  b.scales[5] = -2;  // group 5 = x[80..96): ql[16 + l] high nibble, qh[16 + l] bits 4-5; d * -2 = -0.5
  b.ql[0] = 0x0F, b.qh[0] = 0x03;   // x[0] = 1 * ((15 | 3 << 4) - 32) = 31
  b.ql[16] = 0x20, b.qh[16] = 0x10; // x[80] = -0.5 * ((2 | 1 << 4) - 32) = -0.5 * -14 = 7
  std::vector<float> want(256, 0.f);
  for (int i = 0; i < 16; ++i) want[i] = -32.f;  // 1 * (0 - 32)
  for (int i = 80; i < 96; ++i) want[i] = 16.f;  // -0.5 * (0 - 32)
  want[0] = 31.f, want[80] = 7.f;
  expect_eq(dq(GgmlType::Q6_K, b, 256), want);
}

TEST(Dequantize, F16AndBF16AndF32) {
  const uint16_t h[5] = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x3555};
  std::vector<float> out(5);
  dequantize_row(GgmlType::F16, h, out.data(), 5);
  // 1, -2, largest finite 65504, smallest subnormal 2^-24, 0x3555 = 2^(13-15) * (1 + 341/1024) = 0.333251953125
  expect_eq(out, {1.f, -2.f, 65504.f, 5.9604644775390625e-08f, 0.333251953125f});
  const uint16_t bf[3] = {0x3F80, 0xC049, 0x4780};
  out.resize(3);
  dequantize_row(GgmlType::BF16, bf, out.data(), 3);
  expect_eq(out, {1.f, -3.140625f, 65536.f});  // 0xC0490000 = -(1 + 0x49/128) * 2 = -3.140625
  const float f[2] = {1.25f, -7.f};
  out.resize(2);
  dequantize_row(GgmlType::F32, f, out.data(), 2);
  expect_eq(out, {1.25f, -7.f});
}

TEST(Dequantize, SeveralBlocksAdvance) {
  block_q8_0 b[2]{};
  b[0].d = kHalf1, b[1].d = kHalf2;
  b[0].qs[0] = 5, b[1].qs[0] = 5;
  std::vector<float> out(64);
  dequantize_row(GgmlType::Q8_0, b, out.data(), 64);
  EXPECT_EQ(out[0], 5.f);
  EXPECT_EQ(out[32], 10.f);  // 5 * 2
}

TEST(Dequantize, UnsupportedTypeNamesIt) {
  const uint8_t bytes[512] = {};
  float out[256];
  for (uint32_t id : {9u, 15u, 16u, 20u, 24u, 26u, 99u}) {
    const GgmlType t = static_cast<GgmlType>(id);
    try {
      dequantize_row(t, bytes, out, 256);
      FAIL() << "type " << id << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnsupported);
      EXPECT_NE(std::string(e.what()).find(ggml_type_info(id).name), std::string::npos) << e.what();
    }
  }
}

TEST(Dequantize, PartialBlockIsInvalidArgument) {
  const block_q4_0 b{};
  float out[32];
  try {
    dequantize_row(GgmlType::Q4_0, &b, out, 31);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace hearth
