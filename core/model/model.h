// A loaded model: the parsed GGUF file, its config, bound weights and forward graph. Immutable after
// load, so several sequences (and backends) can share it. The bytes passed to load() must outlive it
// (the CLI maps the file; the browser streams weights to the GPU and passes only the header).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "core/gguf/gguf_file.h"
#include "core/model/graph.h"
#include "core/model/model_config.h"
#include "core/model/model_weights.h"

namespace hearth {

struct ModelOptions {
  int32_t n_ctx = 0;  // context size of the run; 0 = min(trained context, 4096)
  // Replaces the file's {A}.pooling_type: a decoder then pools (an embedder), an embedding model
  // pools another way. kNone on an encoder is refused.
  std::optional<Pooling> pooling;
};

class Model {
 public:
  static std::unique_ptr<Model> load(std::span<const uint8_t> bytes, const ModelOptions& options = {});
  // From the first bytes of a file of `file_size` bytes (GgufFile::parse_header; GgufNeedBytes when
  // they do not hold the whole header): config, graph and tensor offsets, no tensor data. For an
  // executor that reads the weights itself (the GPU); the CPU executor cannot run it.
  static std::unique_ptr<Model> load_header(std::span<const uint8_t> header, uint64_t file_size, const ModelOptions& options = {});
  bool has_tensor_data() const { return has_tensor_data_; }

  const GgufFile& file() const { return file_; }
  const ModelConfig& config() const { return config_; }
  const ModelWeights& weights() const { return weights_; }
  const Graph& graph() const { return graph_; }
  int32_t n_ctx() const { return n_ctx_; }
  uint64_t weight_bytes() const;  // bytes of all tensors in the file
  // Weight bytes one decode step reads: every tensor, except that an untied embedding table is read
  // one row at a time.
  uint64_t decode_bytes_per_token() const;

 private:
  Model() = default;
  GgufFile file_;
  ModelConfig config_;
  ModelWeights weights_;
  Graph graph_;
  int32_t n_ctx_ = 0;
  bool has_tensor_data_ = true;
  void build(const ModelOptions& options);
};

}  // namespace hearth
