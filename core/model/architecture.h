// The architectures hearth runs, keyed by `general.architecture`, and the facts that differ between
// them. One table (architecture.cc); the forward pass asks it instead of comparing names.
#pragma once

#include <string>

namespace hearth {

enum class Arch { kLlama, kQwen2, kQwen3, kPhi3, kGemma2, kGemma3, kBert, kNomicBert };

enum class RopeMode { kNorm, kNeox };  // NORM rotates pairs (2i, 2i+1); NEOX pairs (i, i + n_rot/2)
enum class Activation { kSilu, kGeluTanh };
// How an embedding model turns its last hidden states into one vector ({A}.pooling_type: 0 none,
// 1 mean, 2 cls, 3 last); kNone is a language model.
enum class Pooling { kNone, kMean, kCls, kLast };
const char* pooling_name(Pooling p);  // "none", "mean", "cls", "last"
Pooling pooling_from_name(const std::string& name);  // Error(kInvalidArgument) for another name

struct ArchTraits {
  Arch arch;
  const char* name;          // as in general.architecture
  RopeMode rope_mode;
  Activation activation;
  bool qk_norm;              // per-head RMSNorm of q and k before rope (qwen3, gemma3)
  bool post_norms;           // attn_post_norm / ffn_post_norm after each block (gemma)
  bool scale_embeddings;     // x = embed * sqrt(d) (gemma)
  bool fused_qkv_gate_up;    // attn_qkv and a fused ffn_up (phi3)
  // BERT-style encoder (encoder_graph.cc): LayerNorm after each residual, token-type embeddings,
  // bidirectional attention, no output projection.
  bool encoder;
  bool learned_positions;    // position_embd.weight rows added to the embeddings (bert), not rope
  bool gated_ffn;            // down·(act(gate·h) ⊙ up·h); else down·act(up·h + b) (bert)
};

// Throws Error(kUnsupported) listing the supported names.
const ArchTraits& arch_traits(const std::string& name);
std::string supported_architectures();

}  // namespace hearth
