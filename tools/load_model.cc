#include "core/util/error.h"
#include "tools/commands.h"

namespace hearth::cli {

LoadedModel load_model(const std::string& path, int32_t n_ctx) {
  LoadedModel m;
  m.file = std::make_unique<MappedFile>(path);
  ModelOptions options;
  options.n_ctx = n_ctx;
  m.model = Model::load(m.file->bytes(), options);
  return m;
}

}  // namespace hearth::cli
