// The synthetic model presets: real architectures' shapes and metadata (llama-3.2-1b, qwen2.5-0.5b,
// gemma-2-2b, ...) and tiny variants for tests. Data only: synthetic_model.cc turns a preset into a
// GGUF file, synth_tokenizer.cc builds its vocabulary.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hearth::synth {

// Which real tokenizer a preset imitates: its algorithm, special tokens and their ids.
enum class TokenizerFamily {
  kLlama3,  // gpt2 byte-level BPE, pre "llama-bpe", <|begin_of_text|> ... after the regular tokens
  kQwen2,   // gpt2 byte-level BPE, pre "qwen2", <|endoftext|> <|im_start|> ... after the regular tokens
  kQwen3,   // as qwen2 plus <tool_response> and <think> tokens
  kPhi3,    // SentencePiece "llama": <unk> <s> </s>, <0xXX> bytes, pieces, then <|endoftext|> <|end|> ...
  kGemma,   // SentencePiece "llama": <pad> <eos> <bos> <unk> <mask> ..., turn tokens, bytes, pieces
  kBert,    // WordPiece "bert" (uncased): [PAD] [unusedN] [UNK] [CLS] [SEP] [MASK] at BERT's ids, pieces
};

struct SynthPreset {
  const char* name;
  const char* arch;  // general.architecture
  uint32_t n_layer, d, f, n_head, n_head_kv, head_dim;
  uint32_t context_length;
  float rope_base;
  float rms_eps;
  bool tied;  // no output.weight: the output projection is token_embd

  TokenizerFamily tokenizer;
  uint32_t vocab;      // token_embd rows = tokenizer.ggml.tokens length
  uint32_t n_regular;  // gpt2: ids below it are bytes + merges; phi3: pieces end; gemma: <start_of_turn> id

  // llama: rope_freqs.weight from HF's "llama3" scaling (factor 0 = no tensor).
  float llama3_factor = 0;
  uint32_t llama3_original_context = 8192;
  // phi3: long/short rope factors and attn_factor derive from these (0 = none).
  uint32_t original_context = 0;
  uint32_t sliding_window = 0;  // gemma2 / gemma3
  float attn_softcap = 0;       // gemma2
  float final_softcap = 0;      // gemma2
  float rope_linear_factor = 0;  // gemma3 global layers: {A}.rope.scaling.type = linear
  // Embedding models: {A}.pooling_type (0 none = a language model, 1 mean, 2 cls, 3 last) and
  // whether attention is causal ({A}.attention.causal; encoders are bidirectional).
  uint32_t pooling = 0;
  bool causal = true;
};

// Throws Error(kInvalidArgument) listing the valid names.
const SynthPreset& find_preset(const std::string& name);
const std::vector<SynthPreset>& all_presets();

}  // namespace hearth::synth
