// hearth info: what a model file holds.
#include <cstdio>
#include <map>

#include "core/tokenizer/tokenizer.h"
#include "core/util/error.h"
#include "tools/cli_args.h"
#include "tools/commands.h"

namespace hearth::cli {

int cmd_info(const Argv& argv) {
  Args args(argv, {"model"}, {"metadata"}, {{"m", "model"}});
  LoadedModel lm = load_model(args.str("model"));
  const Model& m = *lm.model;
  const ModelConfig& c = m.config();
  const GgufFile& f = m.file();
  std::printf("file: GGUF v%u, %zu tensors, %zu metadata keys, %.2f MiB of weights\n", f.version(), f.tensors().size(),
              f.metadata().size(), double(m.weight_bytes()) / (1 << 20));
  std::printf("name: %s\n", f.get_string_or("general.name", "(none)").c_str());
  std::printf("architecture: %s\n", c.arch_name.c_str());
  std::printf("layers: %d, embedding: %d, feed-forward: %d, heads: %d, kv heads: %d, head size: %d\n", c.n_layer, c.n_embd,
              c.n_ff, c.n_head, c.n_head_kv, c.head_dim);
  std::printf("vocab: %d, trained context: %d, rope base: %g, rope dims: %d, %s eps: %g\n", c.n_vocab, c.n_ctx_train,
              double(c.layers.empty() ? 0.0f : c.layers[0].rope_base), c.n_rot, c.traits->encoder ? "layer norm" : "rms",
              double(c.traits->encoder ? c.layer_norm_eps : c.rms_eps));
  if (c.sliding_window) std::printf("sliding window: %d\n", c.sliding_window);
  if (c.attn_softcap > 0) std::printf("attention softcap: %g, final softcap: %g\n", double(c.attn_softcap), double(c.final_softcap));
  if (c.pooling != Pooling::kNone)
    std::printf("embedding model: pooling %s, attention %s\n", pooling_name(c.pooling), c.causal ? "causal" : "bidirectional");
  else
    std::printf("tied embeddings: %s\n", m.weights().output == m.weights().token_embd ? "yes" : "no");

  std::map<std::string, std::pair<int, uint64_t>> by_type;
  for (const GgufTensor& t : f.tensors()) {
    auto& e = by_type[ggml_type_name(t.type())];
    e.first++;
    e.second += t.n_bytes;
  }
  std::printf("tensor types:");
  for (const auto& [name, e] : by_type) std::printf(" %s x%d (%.2f MiB)", name.c_str(), e.first, double(e.second) / (1 << 20));
  std::printf("\n");

  Tokenizer tok = Tokenizer::from_gguf(f);
  std::printf("tokenizer: %s, pre: %s, tokens: %d, bos: %d, eos: %d, add bos: %s, add eos: %s\n", tok.model_name().c_str(),
              tok.pre_name().empty() ? "(default)" : tok.pre_name().c_str(), tok.vocab_size(), tok.bos_id(), tok.eos_id(),
              tok.add_bos() ? "yes" : "no", tok.add_eos() ? "yes" : "no");
  std::printf("chat template: %s\n", f.has("tokenizer.chat_template") ? "yes" : "no");
  if (args.flag("metadata"))
    for (const auto& [key, value] : f.metadata()) std::printf("  %s = %s\n", key.c_str(), value.to_display_string().c_str());
  return 0;
}

}  // namespace hearth::cli
