#include "core/synth/synth_tokenizer.h"

#include <gtest/gtest.h>

#include <unordered_set>

#include "core/gguf/gguf_file.h"
#include "core/gguf/gguf_writer.h"
#include "core/synth/presets.h"
#include "core/tokenizer/tokenizer.h"

namespace hearth::synth {
namespace {

// Every merge joins two tokens that exist into one that exists; texts are unique.
void expect_consistent(const SynthPreset& p, const SynthVocab& v) {
  SCOPED_TRACE(p.name);
  ASSERT_EQ(v.tokens.size(), p.vocab);
  ASSERT_EQ(v.types.size(), p.vocab);
  const std::unordered_set<std::string> texts(v.tokens.begin(), v.tokens.end());
  EXPECT_EQ(texts.size(), v.tokens.size());
  for (const std::string& m : v.merges) {
    const size_t sp = m.find(' ');
    ASSERT_NE(sp, std::string::npos);
    const std::string left = m.substr(0, sp), right = m.substr(sp + 1);
    ASSERT_TRUE(texts.count(left) && texts.count(right) && texts.count(left + right)) << m;
  }
  for (int32_t id : {v.bos, v.eos}) {
    if (id == -1 && v.model == "bert") continue;  // BERT has [CLS] and [SEP], no EOS
    EXPECT_TRUE(id >= 0 && id < static_cast<int32_t>(p.vocab));
  }
}

Tokenizer tokenizer_of(const SynthVocab& v, std::vector<uint8_t>& storage) {
  GgufWriter w;
  write_vocab(v, w);
  storage = w.to_bytes({});
  return Tokenizer::from_gguf(GgufFile::parse(storage));
}

TEST(SynthTokenizer, TinyVocabulariesWorkWithTheTokenizer) {
  for (const SynthPreset& p : all_presets()) {
    if (std::string(p.name).rfind("tiny-", 0) != 0) continue;
    SCOPED_TRACE(p.name);
    const SynthVocab v = build_vocab(p);
    expect_consistent(p, v);
    std::vector<uint8_t> storage;
    const Tokenizer tok = tokenizer_of(v, storage);
    const std::string text = "Once upon a time, the little dog said: \"hello\" 42 times! café";
    const std::vector<int32_t> ids = tok.encode(text, false, false);
    // Learned merges make common words single tokens: far fewer tokens than bytes.
    EXPECT_LT(ids.size(), text.size() * 2 / 3);
    std::string back = tok.decode(ids);
    if (!back.empty() && back[0] == ' ') back.erase(0, 1);  // SentencePiece's prefix space
    if (v.model == "bert") {  // uncased WordPiece: lowercased, accents stripped, punctuation split
      EXPECT_EQ(back, "once upon a time , the little dog said : \" hello \" 42 times ! cafe");
      EXPECT_EQ(tok.encode(text, true, false).front(), 101);  // [CLS] ... [SEP]
      EXPECT_EQ(tok.encode(text, true, false).back(), 102);
      continue;
    }
    EXPECT_EQ(back, text);
    EXPECT_TRUE(tok.is_eog(v.eos));
  }
}

TEST(SynthTokenizer, SpecialTokensAtTheirRealIds) {
  const SynthVocab llama = build_vocab(find_preset("llama-3.2-1b"));
  expect_consistent(find_preset("llama-3.2-1b"), llama);
  EXPECT_EQ(llama.tokens[128000], "<|begin_of_text|>");
  EXPECT_EQ(llama.tokens[128001], "<|end_of_text|>");
  EXPECT_EQ(llama.tokens[128009], "<|eot_id|>");
  EXPECT_EQ(llama.tokens[128255], "<|reserved_special_token_247|>");
  EXPECT_EQ(llama.merges.size(), 128000u - 256u);
  EXPECT_EQ(llama.bos, 128000);

  const SynthVocab qwen = build_vocab(find_preset("qwen3-0.6b"));
  expect_consistent(find_preset("qwen3-0.6b"), qwen);
  EXPECT_EQ(qwen.tokens[151643], "<|endoftext|>");
  EXPECT_EQ(qwen.tokens[151645], "<|im_end|>");
  EXPECT_EQ(qwen.tokens[151668], "</think>");
  EXPECT_EQ(qwen.tokens[151935], "[PAD151935]");

  const SynthVocab phi = build_vocab(find_preset("phi-3.5-mini"));
  expect_consistent(find_preset("phi-3.5-mini"), phi);
  EXPECT_EQ(phi.tokens[1], "<s>");
  EXPECT_EQ(phi.tokens[3], "<0x00>");
  EXPECT_EQ(phi.tokens[32000], "<|endoftext|>");
  EXPECT_EQ(phi.tokens[32007], "<|end|>");
  EXPECT_EQ(phi.tokens[32010], "<|user|>");

  for (const char* name : {"gemma-2-2b", "gemma-3-1b"}) {
    const SynthPreset& p = find_preset(name);
    const SynthVocab g = build_vocab(p);
    expect_consistent(p, g);
    EXPECT_EQ(g.tokens[2], "<bos>");
    EXPECT_EQ(g.tokens[p.n_regular], "<start_of_turn>");
    EXPECT_EQ(g.tokens[p.n_regular + 1], "<end_of_turn>");
  }
  EXPECT_EQ(find_preset("gemma-2-2b").n_regular, 106u);
}

TEST(SynthTokenizer, FullSizeVocabularyLoads) {
  const SynthVocab v = build_vocab(find_preset("qwen2.5-0.5b"));
  std::vector<uint8_t> storage;
  const Tokenizer tok = tokenizer_of(v, storage);
  EXPECT_EQ(tok.vocab_size(), 151936);
  const std::string text = "The children liked to help him.";
  EXPECT_EQ(tok.decode(tok.encode(text, false, false)), text);
  EXPECT_EQ(tok.encode("<|im_start|>", false, true), (std::vector<int32_t>{151644}));
}

}  // namespace
}  // namespace hearth::synth
