// Writes the seed corpus for gguf_fuzz (tests/fuzz/gguf_corpus): small valid GGUF files that reach
// the metadata, tensor-info, tokenizer and model-config paths. Run once; its output is committed.
#include <cstdio>
#include <fstream>
#include <string>

#include "core/gguf/gguf_writer.h"

using namespace hearth;

static void save(const std::string& dir, const std::string& name, const std::vector<uint8_t>& bytes) {
  std::ofstream(dir + "/" + name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : ".";
  {  // metadata of every type, nested arrays
    GgufWriter w;
    w.set_u32("a", 7);
    w.set_f32("b", 1.5f);
    w.set_bool("c", true);
    w.set_string("d", "text");
    w.set_i32_array("e", {1, -2, 3});
    GgufArray nested{GgufType::ARRAY, {}};
    GgufArray inner{GgufType::UINT8, {GgufValue::of_uint(GgufType::UINT8, 1)}};
    nested.items.push_back(GgufValue::of_array(inner));
    w.set("f", GgufValue::of_array(nested));
    save(dir, "metadata.gguf", w.to_bytes({}));
  }
  {  // a tiny SPM vocab
    GgufWriter w;
    w.set_string("tokenizer.ggml.model", "llama");
    std::vector<std::string> toks = {"<unk>", "<s>", "</s>", "\xe2\x96\x81", "a", "b", "\xe2\x96\x81" "ab", "<0x41>"};
    w.set_string_array("tokenizer.ggml.tokens", toks);
    w.set_f32_array("tokenizer.ggml.scores", {0, 0, 0, -1, -2, -3, -0.5f, 0});
    w.set_i32_array("tokenizer.ggml.token_type", {2, 3, 3, 1, 1, 1, 1, 6});
    w.set_u32("tokenizer.ggml.bos_token_id", 1);
    w.set_u32("tokenizer.ggml.eos_token_id", 2);
    save(dir, "spm_vocab.gguf", w.to_bytes({}));
  }
  {  // a tiny BPE vocab
    GgufWriter w;
    w.set_string("tokenizer.ggml.model", "gpt2");
    w.set_string("tokenizer.ggml.pre", "llama-bpe");
    w.set_string_array("tokenizer.ggml.tokens", {"a", "b", "ab", "\xc4\xa0", "\xc4\xa0" "ab", "<|end|>"});
    w.set_i32_array("tokenizer.ggml.token_type", {1, 1, 1, 1, 1, 3});
    w.set_string_array("tokenizer.ggml.merges", {"a b", "\xc4\xa0 ab"});
    w.set_u32("tokenizer.ggml.eos_token_id", 5);
    save(dir, "bpe_vocab.gguf", w.to_bytes({}));
  }
  {  // a one-layer llama with 32-wide F32 tensors
    GgufWriter w;
    w.set_string("general.architecture", "llama");
    w.set_u32("llama.block_count", 1);
    w.set_u32("llama.embedding_length", 32);
    w.set_u32("llama.feed_forward_length", 32);
    w.set_u32("llama.attention.head_count", 2);
    w.set_u32("llama.attention.head_count_kv", 1);
    w.set_u32("llama.context_length", 64);
    w.set_f32("llama.attention.layer_norm_rms_epsilon", 1e-5f);
    std::vector<std::vector<uint8_t>> data;
    auto add = [&](const std::string& n, std::vector<uint64_t> dims) {
      size_t i = w.add_tensor(n, GgmlType::F32, dims);
      data.emplace_back(w.tensor_bytes(i), 0);
    };
    add("token_embd.weight", {32, 4});
    add("output_norm.weight", {32});
    add("blk.0.attn_norm.weight", {32});
    add("blk.0.attn_q.weight", {32, 32});
    add("blk.0.attn_k.weight", {32, 16});
    add("blk.0.attn_v.weight", {32, 16});
    add("blk.0.attn_output.weight", {32, 32});
    add("blk.0.ffn_norm.weight", {32});
    add("blk.0.ffn_gate.weight", {32, 32});
    add("blk.0.ffn_up.weight", {32, 32});
    add("blk.0.ffn_down.weight", {32, 32});
    save(dir, "tiny_llama.gguf", w.to_bytes(data));
  }
  return 0;
}
