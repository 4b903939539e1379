#include "core/synth/presets.h"

#include "core/synth/synthetic_model.h"
#include "core/util/error.h"

namespace hearth::synth {
namespace {

using TF = TokenizerFamily;

// Shapes and hyperparameters from each model's config.json (as llama.cpp's converter writes them).
// Tiny variants keep every matrix row a multiple of 256 so the K-quants apply, and shrink windows and
// original contexts so short test sequences reach them.
std::vector<SynthPreset> make_presets() {
  std::vector<SynthPreset> p;
  //           name            arch      L   d     f      H   Hkv hd   ctx     rope base  eps   tied
  p.push_back({"llama-3.2-1b", "llama", 16, 2048, 8192, 32, 8, 64, 131072, 500000.f, 1e-5f, true,
               TF::kLlama3, 128256, 128000, 32.f});
  p.push_back({"llama-3.2-3b", "llama", 28, 3072, 8192, 24, 8, 128, 131072, 500000.f, 1e-5f, true,
               TF::kLlama3, 128256, 128000, 32.f});
  p.push_back({"llama-3.1-8b", "llama", 32, 4096, 14336, 32, 8, 128, 131072, 500000.f, 1e-5f, false,
               TF::kLlama3, 128256, 128000, 8.f});
  p.push_back({"qwen2.5-0.5b", "qwen2", 24, 896, 4864, 14, 2, 64, 32768, 1000000.f, 1e-6f, true,
               TF::kQwen2, 151936, 151643});
  p.push_back({"qwen3-0.6b", "qwen3", 28, 1024, 3072, 16, 8, 128, 40960, 1000000.f, 1e-6f, true,
               TF::kQwen3, 151936, 151643});
  SynthPreset phi{"phi-3.5-mini", "phi3", 32, 3072, 8192, 32, 32, 96, 131072, 10000.f, 1e-5f, false,
                  TF::kPhi3, 32064, 32000};
  phi.original_context = 4096;
  p.push_back(phi);
  SynthPreset g2{"gemma-2-2b", "gemma2", 26, 2304, 9216, 8, 4, 256, 8192, 10000.f, 1e-6f, true,
                 TF::kGemma, 256000, 106};
  g2.sliding_window = 4096, g2.attn_softcap = 50.f, g2.final_softcap = 30.f;
  p.push_back(g2);
  SynthPreset g3{"gemma-3-1b", "gemma3", 26, 1152, 6912, 4, 1, 256, 32768, 1000000.f, 1e-6f, true,
                 TF::kGemma, 262144, 105};
  g3.sliding_window = 512;
  p.push_back(g3);

  p.push_back({"tiny-llama", "llama", 2, 256, 512, 4, 2, 64, 2048, 500000.f, 1e-5f, false,
               TF::kLlama3, 512, 500, 32.f});
  p.push_back({"tiny-qwen2", "qwen2", 2, 256, 512, 4, 2, 64, 2048, 1000000.f, 1e-6f, true,
               TF::kQwen2, 512, 480});
  p.push_back({"tiny-qwen3", "qwen3", 2, 256, 512, 4, 2, 128, 2048, 1000000.f, 1e-6f, true,
               TF::kQwen3, 512, 480});
  SynthPreset tphi{"tiny-phi3", "phi3", 2, 256, 512, 4, 4, 64, 256, 10000.f, 1e-5f, false,
                   TF::kPhi3, 512, 500};
  tphi.original_context = 16;
  p.push_back(tphi);
  SynthPreset tg2{"tiny-gemma2", "gemma2", 2, 256, 512, 4, 2, 64, 2048, 10000.f, 1e-6f, true,
                  TF::kGemma, 512, 5};
  // Caps low enough to bend typical scores (sd ≈ 1) and logits (sd ≈ 3): 50 and 30 would not.
  tg2.sliding_window = 4, tg2.attn_softcap = 5.f, tg2.final_softcap = 10.f;
  p.push_back(tg2);
  // Six layers so layer 5 is global; linear scaling (as gemma-3-4b has) to exercise it.
  SynthPreset tg3{"tiny-gemma3", "gemma3", 6, 256, 512, 4, 1, 64, 2048, 1000000.f, 1e-6f, true,
                  TF::kGemma, 512, 5};
  tg3.sliding_window = 4, tg3.rope_linear_factor = 8.f;
  p.push_back(tg3);

  // Embedding models. rms_eps holds the encoders' LayerNorm epsilon; bge pools [CLS], nomic the
  // mean, Qwen3-Embedding the last token (causal).
  auto embedder = [&](SynthPreset e, uint32_t pooling, bool causal) {
    e.pooling = pooling, e.causal = causal;
    p.push_back(e);
  };
  //                name                   arch          L   d    f     H   Hkv hd  ctx   rope base eps    tied
  embedder({"bge-small", "bert", 12, 384, 1536, 12, 12, 32, 512, 10000.f, 1e-12f, true, TF::kBert, 30522, 0}, 2, false);
  embedder({"nomic-embed-text", "nomic-bert", 12, 768, 3072, 12, 12, 64, 2048, 1000.f, 1e-12f, true, TF::kBert, 30522, 0}, 1, false);
  embedder({"qwen3-embedding-0.6b", "qwen3", 28, 1024, 3072, 16, 8, 128, 32768, 1000000.f, 1e-6f, true, TF::kQwen3, 151669, 151643}, 3, true);
  embedder({"tiny-bert", "bert", 2, 256, 512, 4, 4, 64, 512, 10000.f, 1e-12f, true, TF::kBert, 1024, 0}, 2, false);
  embedder({"tiny-nomic-bert", "nomic-bert", 2, 256, 512, 4, 4, 64, 2048, 1000.f, 1e-12f, true, TF::kBert, 1024, 0}, 1, false);
  embedder({"tiny-qwen3-embedding", "qwen3", 2, 256, 512, 4, 2, 128, 2048, 1000000.f, 1e-6f, true, TF::kQwen3, 512, 480}, 3, true);
  return p;
}

}  // namespace

const std::vector<SynthPreset>& all_presets() {
  static const std::vector<SynthPreset> presets = make_presets();
  return presets;
}

const SynthPreset& find_preset(const std::string& name) {
  for (const SynthPreset& p : all_presets()) {
    if (name == p.name) return p;
  }
  std::string valid;
  for (const SynthPreset& p : all_presets()) valid += (valid.empty() ? "" : ", ") + std::string(p.name);
  fail(ErrorCode::kInvalidArgument, "unknown synthetic model preset '" + name + "' (valid: " + valid + ")");
}

}  // namespace hearth::synth

namespace hearth {

std::vector<std::string> synth_preset_names() {
  std::vector<std::string> names;
  for (const synth::SynthPreset& p : synth::all_presets()) names.emplace_back(p.name);
  return names;
}

}  // namespace hearth
