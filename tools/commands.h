// The subcommands of build/bin/hearth; each lives in tools/cmd_<name>.cc.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/model/model.h"
#include "tools/mapped_file.h"

namespace hearth::cli {

using Argv = std::vector<std::string>;

int cmd_run(const Argv& argv);
int cmd_tokenize(const Argv& argv);
int cmd_detokenize(const Argv& argv);
int cmd_info(const Argv& argv);
int cmd_logits(const Argv& argv);
int cmd_bench(const Argv& argv);
int cmd_gen(const Argv& argv);
int cmd_template(const Argv& argv);
int cmd_maskbench(const Argv& argv);
int cmd_embed(const Argv& argv);

// A model file mapped into memory and loaded; the map lives as long as the model.
struct LoadedModel {
  std::unique_ptr<MappedFile> file;
  std::unique_ptr<Model> model;
};
LoadedModel load_model(const std::string& path, int32_t n_ctx = 0);
LoadedModel load_model(const std::string& path, const ModelOptions& options);

}  // namespace hearth::cli
