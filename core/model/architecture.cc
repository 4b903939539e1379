#include "core/model/architecture.h"

#include "core/util/error.h"

namespace hearth {
namespace {

constexpr ArchTraits kArchitectures[] = {
    //  arch          name      rope              activation             qk_norm post   scale  fused
    {Arch::kLlama, "llama", RopeMode::kNorm, Activation::kSilu, false, false, false, false},
    {Arch::kQwen2, "qwen2", RopeMode::kNeox, Activation::kSilu, false, false, false, false},
    {Arch::kQwen3, "qwen3", RopeMode::kNeox, Activation::kSilu, true, false, false, false},
    {Arch::kPhi3, "phi3", RopeMode::kNeox, Activation::kSilu, false, false, false, true},
    {Arch::kGemma2, "gemma2", RopeMode::kNeox, Activation::kGeluTanh, false, true, true, false},
    {Arch::kGemma3, "gemma3", RopeMode::kNeox, Activation::kGeluTanh, true, true, true, false},
};

}  // namespace

const ArchTraits& arch_traits(const std::string& name) {
  for (const ArchTraits& t : kArchitectures)
    if (name == t.name) return t;
  fail(ErrorCode::kUnsupported, "architecture '" + name + "' is not supported; supported: " + supported_architectures());
}

std::string supported_architectures() {
  std::string out;
  for (const ArchTraits& t : kArchitectures) out += std::string(out.empty() ? "" : ", ") + t.name;
  return out;
}

}  // namespace hearth
