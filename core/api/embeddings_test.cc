// Embeddings through the Session (the C ABI's and the CLI's path) on tiny synthetic embedding
// models of each kind: bert (CLS pooling), nomic-bert (mean, rope, SwiGLU) and a qwen3 decoder
// pooling its last token. What packing, pooling, truncation and the request fields must keep;
// agreement with llama.cpp itself is tests/llama_cpp.
#include "core/api/session.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/synth/synthetic_model.h"
#include "core/util/error.h"

namespace hearth::api {
namespace {

std::vector<uint8_t> generate(const std::string& preset, const std::string& type = "f32") {
  SynthOptions opts;
  opts.preset = preset;
  opts.type = type;
  opts.n_threads = 1;
  std::vector<uint8_t> bytes;
  write_synthetic_model(opts, [&](const uint8_t* d, size_t n) { bytes.insert(bytes.end(), d, d + n); });
  return bytes;
}

Json request(Json input) {
  Json r{Json::Object{}};
  r.set("input", std::move(input));
  return r;
}

Json texts(std::initializer_list<const char*> items) {
  Json::Array a;
  for (const char* s : items) a.emplace_back(s);
  return Json(std::move(a));
}

double cosine(const float* a, const float* b, int n) {
  double ab = 0, aa = 0, bb = 0;
  for (int k = 0; k < n; ++k) ab += double(a[k]) * b[k], aa += double(a[k]) * a[k], bb += double(b[k]) * b[k];
  return ab / std::sqrt(aa * bb);
}

double norm(const float* a, int n) {
  double s = 0;
  for (int k = 0; k < n; ++k) s += double(a[k]) * a[k];
  return std::sqrt(s);
}

class EmbeddingModels : public ::testing::TestWithParam<const char*> {};

TEST_P(EmbeddingModels, PackedInputsEqualEachAlone) {
  Session s;
  Json info = s.load(generate(GetParam()), Json{Json::Object{}});
  EXPECT_NE(info.find("pooling")->as_string(), "none");
  const int d = int(info.find("n_embd")->as_number());
  const char* a = "The cat sat on the mat.";
  const char* b = "Once upon a time, in a quiet village by the sea, there lived an old fisherman.";
  Embeddings both = s.embed(request(texts({a, b, a})));
  ASSERT_EQ(both.n_inputs, 3);
  ASSERT_EQ(both.dim, d);
  Embeddings only_a = s.embed(request(Json(a)));
  Embeddings only_b = s.embed(request(Json(b)));
  for (int k = 0; k < d; ++k) {
    EXPECT_NEAR(both.data[size_t(k)], only_a.data[size_t(k)], 1e-5);
    EXPECT_NEAR(both.data[size_t(d + k)], only_b.data[size_t(k)], 1e-5);
    EXPECT_NEAR(both.data[size_t(2 * d + k)], both.data[size_t(k)], 1e-6);  // same input, same vector (up to the GEMM tile it fell in)
  }
  EXPECT_NEAR(norm(both.data.data(), d), 1.0, 1e-5);
  EXPECT_LT(cosine(only_a.data.data(), only_b.data.data(), d), 0.999);  // different texts differ
  EXPECT_EQ(both.prompt_tokens, 2 * only_a.prompt_tokens + only_b.prompt_tokens);
}

TEST_P(EmbeddingModels, DimensionsTruncateThenRenormalize) {
  Session s;
  s.load(generate(GetParam()), Json{Json::Object{}});
  Json full_req = request(Json("hello there"));
  full_req.set("normalize", false);
  Embeddings raw = s.embed(full_req);
  Json short_req = request(Json("hello there"));
  short_req.set("dimensions", 64);
  Embeddings cut = s.embed(short_req);
  ASSERT_EQ(cut.dim, 64);
  ASSERT_EQ(cut.data.size(), 64u);
  const double n64 = norm(raw.data.data(), 64);
  for (int k = 0; k < 64; ++k) EXPECT_NEAR(cut.data[size_t(k)], raw.data[size_t(k)] / n64, 1e-6);
  EXPECT_GT(std::fabs(norm(raw.data.data(), raw.dim) - 1.0), 1e-3);  // normalize: false keeps the raw vector
}

TEST_P(EmbeddingModels, TokenIdsTruncationAndErrors) {
  Session s;
  Json info = s.load(generate(GetParam()), Json{Json::Object{}});
  const int n_ctx = int(info.find("n_ctx")->as_number());
  std::vector<int32_t> ids = s.tokenize("a small test", true, false);
  Json::Array id_json;
  for (int32_t t : ids) id_json.emplace_back(int64_t(t));
  Embeddings by_ids = s.embed(request(Json(id_json)));
  Embeddings by_text = s.embed(request(Json("a small test")));
  EXPECT_EQ(by_ids.data, by_text.data);  // token ids are used as given; text gets the same specials

  std::string long_text;
  for (int k = 0; k < n_ctx; ++k) long_text += "word ";
  try {
    s.embed(request(Json(long_text)));
    ADD_FAILURE() << "an input over the context must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("truncate"), std::string::npos) << e.what();
  }
  Json cut = request(Json(long_text));
  cut.set("truncate", true);
  Embeddings e = s.embed(cut);
  EXPECT_EQ(e.prompt_tokens, n_ctx);

  for (const char* bad : {R"({"input": []})", R"({"input": [""]})", R"({"input": 3})", R"({"input": [[1, -2]]})",
                          R"({})", R"({"input": "x", "dimensions": 0})", R"({"input": "x", "dimensions": 100000})",
                          R"({"input": [[999999]]})"}) {
    try {
      s.embed(Json::parse(bad));
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& err) {
      EXPECT_EQ(err.code(), ErrorCode::kInvalidArgument) << bad;
    }
  }
  EXPECT_EQ(s.embed(request(Json("still works"))).n_inputs, 1);  // usable after every error
}

TEST_P(EmbeddingModels, AnExternalExecutorsJobFinishesAsTheCpuDoes) {
  Session s;
  s.load(generate(GetParam()), Json{Json::Object{}});
  Json r = request(texts({"one input", "and another, longer input"}));
  r.set("dimensions", 40);
  const Embeddings cpu = s.embed(r);
  const EmbeddingJob job = s.embed_begin(r);  // what the GPU path gets: the inputs to run and pool
  ASSERT_EQ(job.inputs.size(), 2u);
  EXPECT_EQ(job.dim, 40);
  Json raw = request(texts({"one input", "and another, longer input"}));
  raw.set("normalize", false);
  const Embeddings pooled = s.embed(raw);  // the raw pooled vectors, as an executor hands them over
  const Embeddings external = s.embed_end(pooled.data);
  EXPECT_EQ(external.data, cpu.data);
  EXPECT_EQ(external.prompt_tokens, cpu.prompt_tokens);
  EXPECT_THROW(s.embed_end(pooled.data), Error);  // one finish per job
}

INSTANTIATE_TEST_SUITE_P(Kinds, EmbeddingModels, ::testing::Values("tiny-bert", "tiny-nomic-bert", "tiny-qwen3-embedding"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n) c = (c == '-') ? '_' : c;
                           return n;
                         });

TEST(Embeddings, PoolingOverrideAndLanguageModels) {
  const std::vector<uint8_t> bert = generate("tiny-bert");
  Session cls, mean;
  cls.load(bert, Json{Json::Object{}});
  Json cfg{Json::Object{}};
  cfg.set("pooling", "mean");
  EXPECT_EQ(mean.load(bert, cfg).find("pooling")->as_string(), "mean");
  Json raw = request(Json("pooling differs"));
  raw.set("normalize", false);
  Embeddings a = cls.embed(raw), b = mean.embed(raw);
  EXPECT_LT(cosine(a.data.data(), b.data.data(), a.dim), 0.999);

  Session lm;
  EXPECT_EQ(lm.load(generate("tiny-llama"), Json{Json::Object{}}).find("pooling")->as_string(), "none");
  try {
    lm.embed(request(Json("x")));
    ADD_FAILURE() << "a language model must refuse embeddings";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(e.what()).find("pooling"), std::string::npos) << e.what();
  }
  // ... unless the caller gives it a pooling: then it is an embedder, and generation is refused
  Session pooled;
  pooled.load(generate("tiny-llama"), cfg);
  EXPECT_EQ(pooled.embed(request(Json("x"))).n_inputs, 1);
  Json gen{Json::Object{}};
  gen.set("prompt", "x");
  EXPECT_THROW(pooled.start(gen), Error);
  Json none{Json::Object{}};
  none.set("pooling", "none");
  EXPECT_THROW(Session().load(bert, none), Error);
}

}  // namespace
}  // namespace hearth::api
