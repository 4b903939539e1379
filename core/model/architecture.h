// The architectures hearth runs, keyed by `general.architecture`, and the facts that differ between
// them. One table (architecture.cc); the forward pass asks it instead of comparing names.
#pragma once

#include <string>

namespace hearth {

enum class Arch { kLlama, kQwen2, kQwen3, kPhi3, kGemma2, kGemma3 };

enum class RopeMode { kNorm, kNeox };  // NORM rotates pairs (2i, 2i+1); NEOX pairs (i, i + n_rot/2)
enum class Activation { kSilu, kGeluTanh };

struct ArchTraits {
  Arch arch;
  const char* name;          // as in general.architecture
  RopeMode rope_mode;
  Activation activation;
  bool qk_norm;              // per-head RMSNorm of q and k before rope (qwen3, gemma3)
  bool post_norms;           // attn_post_norm / ffn_post_norm after each block (gemma)
  bool scale_embeddings;     // x = embed * sqrt(d) (gemma)
  bool fused_qkv_gate_up;    // attn_qkv and a fused ffn_up (phi3)
};

// Throws Error(kUnsupported) listing the supported names.
const ArchTraits& arch_traits(const std::string& name);
std::string supported_architectures();

}  // namespace hearth
