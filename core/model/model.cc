#include "core/model/model.h"

#include <algorithm>

#include "core/model/decoder_graph.h"
#include "core/model/encoder_graph.h"
#include "core/util/error.h"

namespace hearth {

std::unique_ptr<Model> Model::load(std::span<const uint8_t> bytes, const ModelOptions& options) {
  std::unique_ptr<Model> m(new Model());
  m->file_ = GgufFile::parse(bytes);
  m->build(options);
  return m;
}

std::unique_ptr<Model> Model::load_header(std::span<const uint8_t> header, uint64_t file_size, const ModelOptions& options) {
  std::unique_ptr<Model> m(new Model());
  m->file_ = GgufFile::parse_header(header, file_size);
  m->has_tensor_data_ = false;
  m->build(options);
  return m;
}

void Model::build(const ModelOptions& options) {
  config_ = ModelConfig::from_gguf(file_);
  if (options.pooling) {
    if (config_.traits->encoder && *options.pooling == Pooling::kNone)
      fail(ErrorCode::kInvalidArgument, "an encoder (" + config_.arch_name + ") needs a pooling: mean, cls or last");
    config_.pooling = *options.pooling;
  }
  if (options.n_ctx < 0) fail(ErrorCode::kInvalidArgument, "context size must be positive");
  n_ctx_ = options.n_ctx > 0 ? options.n_ctx : std::min(config_.n_ctx_train, 4096);
  weights_ = ModelWeights::bind(file_, config_, n_ctx_);
  // learned positions: the context is at most their rows (a larger n_ctx asked is cut to them;
  // info's n_ctx says what the model takes)
  if (const GgufTensor* positions = weights_.position_embd) n_ctx_ = std::min<int64_t>(n_ctx_, std::min<uint64_t>(positions->dims[1], 1u << 30));
  graph_ = config_.traits->encoder ? build_encoder_graph(config_, weights_) : build_decoder_graph(config_, weights_);
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
