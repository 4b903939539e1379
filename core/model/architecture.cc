#include "core/model/architecture.h"

#include "core/util/error.h"

namespace hearth {
namespace {

constexpr ArchTraits kArchitectures[] = {
    //  arch          name      rope              activation         qk_norm post  scale  fused  encoder learned gated
    {Arch::kLlama, "llama", RopeMode::kNorm, Activation::kSilu, false, false, false, false, false, false, true},
    {Arch::kQwen2, "qwen2", RopeMode::kNeox, Activation::kSilu, false, false, false, false, false, false, true},
    {Arch::kQwen3, "qwen3", RopeMode::kNeox, Activation::kSilu, true, false, false, false, false, false, true},
    {Arch::kPhi3, "phi3", RopeMode::kNeox, Activation::kSilu, false, false, false, true, false, false, true},
    {Arch::kGemma2, "gemma2", RopeMode::kNeox, Activation::kGeluTanh, false, true, true, false, false, false, true},
    {Arch::kGemma3, "gemma3", RopeMode::kNeox, Activation::kGeluTanh, true, true, true, false, false, false, true},
    // llama.cpp's GELU is the tanh approximation (ggml_gelu), so BERT files compute it too
    {Arch::kBert, "bert", RopeMode::kNeox, Activation::kGeluTanh, false, false, false, false, true, true, false},
    {Arch::kNomicBert, "nomic-bert", RopeMode::kNeox, Activation::kSilu, false, false, false, false, true, false, true},
};

}  // namespace

const ArchTraits& arch_traits(const std::string& name) {
  for (const ArchTraits& t : kArchitectures)
    if (name == t.name) return t;
  fail(ErrorCode::kUnsupported, "architecture '" + name + "' is not supported; supported: " + supported_architectures());
}

const char* pooling_name(Pooling p) {
  switch (p) {
    case Pooling::kNone: return "none";
    case Pooling::kMean: return "mean";
    case Pooling::kCls: return "cls";
    case Pooling::kLast: return "last";
  }
  return "?";
}

Pooling pooling_from_name(const std::string& name) {
  for (Pooling p : {Pooling::kNone, Pooling::kMean, Pooling::kCls, Pooling::kLast})
    if (name == pooling_name(p)) return p;
  fail(ErrorCode::kInvalidArgument, "pooling '" + name + "' is not one of none, mean, cls, last");
}

std::string supported_architectures() {
  std::string out;
  for (const ArchTraits& t : kArchitectures) out += std::string(out.empty() ? "" : ", ") + t.name;
  return out;
}

}  // namespace hearth
