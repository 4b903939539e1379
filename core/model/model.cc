#include "core/model/model.h"

#include <algorithm>

#include "core/model/decoder_graph.h"
#include "core/util/error.h"

namespace hearth {

std::unique_ptr<Model> Model::load(std::span<const uint8_t> bytes, const ModelOptions& options) {
  std::unique_ptr<Model> m(new Model());
  m->file_ = GgufFile::parse(bytes);
  m->config_ = ModelConfig::from_gguf(m->file_);
  if (options.n_ctx < 0) fail(ErrorCode::kInvalidArgument, "context size must be positive");
  m->n_ctx_ = options.n_ctx > 0 ? options.n_ctx : std::min(m->config_.n_ctx_train, 4096);
  m->weights_ = ModelWeights::bind(m->file_, m->config_, m->n_ctx_);
  m->graph_ = build_decoder_graph(m->config_, m->weights_);
  return m;
}

uint64_t Model::weight_bytes() const {
  uint64_t total = 0;
  for (const GgufTensor& t : file_.tensors()) total += t.n_bytes;
  return total;
}

uint64_t Model::decode_bytes_per_token() const {
  uint64_t total = weight_bytes();
  if (weights_.output != weights_.token_embd) {
    const GgufTensor& e = *weights_.token_embd;
    total -= e.n_bytes - e.n_bytes / e.dims[1];
  }
  return total;
}

}  // namespace hearth
