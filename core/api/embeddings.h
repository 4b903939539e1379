// Embeddings as OpenAI's /v1/embeddings computes them, on an embedding model (one whose graph
// pools): the request's inputs tokenized, run packed through the CPU executor, truncated to the
// requested dimensions and L2-normalized. One place for every host: the C ABI (wasm: page,
// workers, Node), hence `hearth serve`, and the native CLI's `hearth embed`.
//
// request JSON:
//   "input": "text" | ["text", ...] | [id, ...] | [[id, ...], ...]   (token ids are used as given:
//            no [CLS] / [SEP] added; text gets the model's special tokens, as llama.cpp adds them)
//   "dimensions": N        keep the first N components, then normalize (Matryoshka); 1..n_embd
//   "normalize": bool      L2-normalize (default true; false: the pooled vectors as computed)
//   "truncate": bool       an input longer than the context is cut to it, keeping its final
//                          special token (default false: such an input is an invalid_argument)
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/api/json.h"
#include "core/model/cpu_executor.h"
#include "core/tokenizer/tokenizer.h"

namespace hearth::api {

struct Embeddings {
  std::vector<float> data;  // row-major [n_inputs, dim]
  int32_t n_inputs = 0;
  int32_t dim = 0;
  int64_t prompt_tokens = 0;  // all inputs' tokens, after truncation
};

// A request read and tokenized, ready for an executor: what it must pool, and how to finish.
struct EmbeddingJob {
  std::vector<std::vector<int32_t>> inputs;  // each 1..n_ctx tokens
  int32_t n_embd = 0;  // the pooled vectors' size
  int32_t dim = 0;     // the reply's
  bool normalize = true;
  int64_t prompt_tokens = 0;
};

// Throws Error(kInvalidArgument) for a malformed request, an empty input, a too-long one without
// truncate, or a model that does not pool.
EmbeddingJob prepare_embeddings(const Model& model, int32_t n_ctx, const Tokenizer& tokenizer, const Json& request);
// pooled: [inputs, n_embd] as the executor computed them (CpuExecutor::embed, or the GPU's).
Embeddings finish_embeddings(const EmbeddingJob& job, std::span<const float> pooled);
// Both, on the CPU executor.
Embeddings compute_embeddings(CpuExecutor& exec, const Tokenizer& tokenizer, const Json& request);

}  // namespace hearth::api
