#include "core/api/embeddings.h"

#include <cmath>

#include "core/util/error.h"

namespace hearth::api {
namespace {

constexpr size_t kMaxInputs = 2048;  // OpenAI's limit on inputs per request

[[noreturn]] void bad_input(const std::string& why) {
  fail(ErrorCode::kInvalidArgument, "embeddings: 'input' " + why);
}

std::vector<int32_t> token_ids(const Json& arr, size_t index) {
  std::vector<int32_t> ids;
  for (const Json& t : arr.as_array()) {
    if (!t.is_number() || t.as_number() != std::floor(t.as_number()) || t.as_number() < 0 || t.as_number() > 2147483647.0)
      bad_input("item " + std::to_string(index) + " holds something other than token ids");
    ids.push_back(int32_t(t.as_number()));
  }
  return ids;
}

std::vector<std::vector<int32_t>> read_inputs(const Json& request, const Tokenizer& tokenizer) {
  const Json* input = request.find("input");
  if (!input || input->is_null()) bad_input("is required");
  std::vector<std::vector<int32_t>> out;
  auto text = [&](const std::string& s) {
    if (s.empty()) bad_input("holds an empty string");
    out.push_back(tokenizer.encode(s, /*add_special=*/true, /*parse_special=*/false));
  };
  if (input->is_string()) {
    text(input->as_string());
  } else if (input->is_array()) {
    const Json::Array& items = input->as_array();
    if (items.empty()) bad_input("is an empty list");
    if (items.size() > kMaxInputs) bad_input("has " + std::to_string(items.size()) + " items; at most " + std::to_string(kMaxInputs) + " are taken");
    if (items[0].is_number()) {
      out.push_back(token_ids(*input, 0));
    } else {
      for (size_t i = 0; i < items.size(); ++i) {
        if (items[i].is_string()) text(items[i].as_string());
        else if (items[i].is_array()) out.push_back(token_ids(items[i], i));
        else bad_input("item " + std::to_string(i) + " is neither text nor a list of token ids");
      }
    }
  } else {
    bad_input("must be a string, a list of strings, or token ids");
  }
  for (size_t i = 0; i < out.size(); ++i)
    if (out[i].empty()) bad_input("item " + std::to_string(i) + " is empty");
  return out;
}

// Cut to n tokens, keeping the final special token ([SEP] / EOS) when the tokenizer adds one.
void truncate(std::vector<int32_t>& ids, size_t n, const Tokenizer& tokenizer) {
  if (ids.size() <= n) return;
  const int32_t last = ids.back();
  const bool keep_last = tokenizer.add_eos() && n > 1 && tokenizer.is_control(last);
  ids.resize(n);
  if (keep_last) ids.back() = last;
}

}  // namespace

EmbeddingJob prepare_embeddings(const Model& model, int32_t n_ctx, const Tokenizer& tokenizer, const Json& request) {
  if (!request.is_object()) fail(ErrorCode::kInvalidArgument, "embeddings: the request must be a JSON object");
  if (model.graph().pooling == Pooling::kNone)
    fail(ErrorCode::kInvalidArgument, "embeddings: this model (" + model.config().arch_name +
                                          ") is a language model with no pooling type; load an embedding model");
  EmbeddingJob job;
  job.n_embd = model.graph().widths[size_t(model.graph().logits)];
  job.dim = int32_t(get_integer(request, "dimensions", job.n_embd, 1, job.n_embd));
  job.normalize = get_bool(request, "normalize", true);
  const bool cut = get_bool(request, "truncate", false);
  job.inputs = read_inputs(request, tokenizer);
  for (size_t i = 0; i < job.inputs.size(); ++i) {
    if (int64_t(job.inputs[i].size()) > n_ctx) {
      if (!cut)
        fail(ErrorCode::kInvalidArgument, "embeddings: input " + std::to_string(i) + " has " + std::to_string(job.inputs[i].size()) +
                                              " tokens, more than the context of " + std::to_string(n_ctx) +
                                              " (send \"truncate\": true to cut it)");
      truncate(job.inputs[i], size_t(n_ctx), tokenizer);
    }
    job.prompt_tokens += int64_t(job.inputs[i].size());
  }
  return job;
}

Embeddings finish_embeddings(const EmbeddingJob& job, std::span<const float> pooled) {
  const size_t n = job.inputs.size();
  if (pooled.size() != n * size_t(job.n_embd))
    fail(ErrorCode::kInvalidArgument, "embeddings: expected " + std::to_string(n * size_t(job.n_embd)) + " pooled floats, got " +
                                          std::to_string(pooled.size()));
  Embeddings e;
  e.n_inputs = int32_t(n);
  e.dim = job.dim;
  e.prompt_tokens = job.prompt_tokens;
  e.data.resize(n * size_t(job.dim));
  for (size_t i = 0; i < n; ++i) {
    const float* src = pooled.data() + i * size_t(job.n_embd);
    float* dst = e.data.data() + i * size_t(job.dim);
    double sq = 0.0;
    for (int32_t k = 0; k < job.dim; ++k) sq += double(src[k]) * src[k];
    const double scale = job.normalize && sq > 0.0 ? 1.0 / std::sqrt(sq) : 1.0;
    for (int32_t k = 0; k < job.dim; ++k) dst[k] = float(src[k] * scale);
  }
  return e;
}

Embeddings compute_embeddings(CpuExecutor& exec, const Tokenizer& tokenizer, const Json& request) {
  const EmbeddingJob job = prepare_embeddings(exec.model(), exec.n_ctx(), tokenizer, request);
  return finish_embeddings(job, exec.embed(job.inputs));
}

}  // namespace hearth::api
