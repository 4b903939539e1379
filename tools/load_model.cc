#include <unistd.h>

#include "core/util/error.h"
#include "tools/commands.h"

namespace hearth::cli {

LoadedModel load_model(const std::string& path, int32_t n_ctx) {
  ModelOptions options;
  options.n_ctx = n_ctx;
  return load_model(path, options);
}

LoadedModel load_model(const std::string& path, const ModelOptions& options) {
  LoadedModel m;
  m.file = std::make_unique<MappedFile>(path);
  m.model = Model::load(m.file->bytes(), options);
  // The f32 KV cache is allocated up front; refuse sizes this machine cannot hold instead of letting
  // the kernel's overcommit kill the process later.
  const Graph& g = m.model->graph();
  const double kv_bytes = g.pooling != Pooling::kNone ? 0.0 : 2.0 * g.n_layer * double(m.model->n_ctx()) * g.kv_width * sizeof(float);
  const double ram = double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGE_SIZE));
  if (ram > 0 && kv_bytes > 0.8 * ram)
    fail(ErrorCode::kOutOfMemory, "a KV cache for " + std::to_string(m.model->n_ctx()) + " positions needs " +
                                      std::to_string(int64_t(kv_bytes / (1 << 20))) + " MiB, more than this machine's memory allows; "
                                      "lower --ctx-size");
  return m;
}

}  // namespace hearth::cli
