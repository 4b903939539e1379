#include "core/synth/synth_tokenizer.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <span>
#include <unordered_set>

#include "core/gguf/gguf_writer.h"
#include "core/synth/bpe_trainer.h"
#include "core/synth/corpus.h"
#include "core/tokenizer/byte_unicode.h"
#include "core/util/error.h"

namespace hearth::synth {
namespace {

constexpr int32_t kNormal = 1, kUnknown = 2, kControl = 3, kUser = 4, kUnused = 5, kByte = 6;
constexpr uint64_t kVocabSeed = 0x5eed70c3;  // vocabularies do not depend on the weight seed
constexpr size_t kMaxPieceChars = 12;
const std::string kGpt2Space = "Ġ";  // GPT-2's alphabet maps ' ' to U+0120
const std::string kSpmSpace = "▁";   // U+2581

struct Special {
  const char* text;
  int32_t type;
};

// Placed right after the regular tokens, at their real ids (128000.. / 151643..).
constexpr Special kLlama3Specials[] = {
    {"<|begin_of_text|>", kControl}, {"<|end_of_text|>", kControl},
    {"<|reserved_special_token_0|>", kControl}, {"<|reserved_special_token_1|>", kControl},
    {"<|finetune_right_pad_id|>", kControl}, {"<|reserved_special_token_2|>", kControl},
    {"<|start_header_id|>", kControl}, {"<|end_header_id|>", kControl},
    {"<|eom_id|>", kControl}, {"<|eot_id|>", kControl}, {"<|python_tag|>", kControl},
};
constexpr Special kQwenSpecials[] = {
    {"<|endoftext|>", kControl}, {"<|im_start|>", kControl}, {"<|im_end|>", kControl},
    {"<|object_ref_start|>", kControl}, {"<|object_ref_end|>", kControl}, {"<|box_start|>", kControl},
    {"<|box_end|>", kControl}, {"<|quad_start|>", kControl}, {"<|quad_end|>", kControl},
    {"<|vision_start|>", kControl}, {"<|vision_end|>", kControl}, {"<|vision_pad|>", kControl},
    {"<|image_pad|>", kControl}, {"<|video_pad|>", kControl}, {"<tool_call>", kUser},
    {"</tool_call>", kUser}, {"<|fim_prefix|>", kControl}, {"<|fim_middle|>", kControl},
    {"<|fim_suffix|>", kControl}, {"<|fim_pad|>", kControl}, {"<|repo_name|>", kControl},
    {"<|file_sep|>", kControl},
    // Qwen3 only (kQwenSpecials[0..22) for Qwen2).
    {"<tool_response>", kUser}, {"</tool_response>", kUser}, {"<think>", kUser}, {"</think>", kUser},
};
constexpr size_t kQwen2SpecialCount = 22;
constexpr Special kPhi3Specials[] = {
    {"<|endoftext|>", kControl}, {"<|assistant|>", kUser}, {"<|placeholder1|>", kUser},
    {"<|placeholder2|>", kUser}, {"<|placeholder3|>", kUser}, {"<|placeholder4|>", kUser},
    {"<|system|>", kUser}, {"<|end|>", kUser}, {"<|placeholder5|>", kUser},
    {"<|placeholder6|>", kUser}, {"<|user|>", kUser},
};
constexpr Special kGemmaSpecials[] = {
    {"<pad>", kControl}, {"<eos>", kControl}, {"<bos>", kControl}, {"<unk>", kUnknown}, {"<mask>", kUser},
};

class VocabBuilder {
 public:
  explicit VocabBuilder(SynthVocab& v) : v_(v) {}
  int32_t add(const std::string& text, int32_t type, float score = 0.0f) {
    if (!seen_.insert(text).second) fail(ErrorCode::kInternal, "synthetic vocab has '" + text + "' twice");
    v_.tokens.push_back(text);
    v_.types.push_back(type);
    v_.scores.push_back(score);
    return static_cast<int32_t>(v_.tokens.size() - 1);
  }
  bool has(const std::string& text) const { return seen_.count(text) != 0; }
  int32_t size() const { return static_cast<int32_t>(v_.tokens.size()); }
  int32_t id_of(const std::string& text) const {
    const auto it = std::find(v_.tokens.begin(), v_.tokens.end(), text);
    return it == v_.tokens.end() ? -1 : static_cast<int32_t>(it - v_.tokens.begin());
  }
  void add_specials(std::span<const Special> specials, uint32_t up_to) {
    for (const Special& s : specials) {
      if (static_cast<uint32_t>(size()) < up_to) add(s.text, s.type);
    }
  }

 private:
  SynthVocab& v_;
  std::unordered_set<std::string> seen_;
};

// Splits like GPT-2's pre-tokenizer, roughly: " ?letters", digits (≤3), " ?punctuation", whitespace.
std::map<std::string, int> corpus_words() {
  std::map<std::string, int> counts;
  const std::string_view t = training_corpus();
  auto cls = [](unsigned char c) { return std::isalpha(c) ? 0 : std::isdigit(c) ? 1 : std::isspace(c) ? 2 : 3; };
  for (size_t i = 0; i < t.size();) {
    const size_t start = i;
    if (t[i] == ' ' && i + 1 < t.size() && cls(t[i + 1]) != 2 && cls(t[i + 1]) != 1) ++i;
    const int c = cls(t[i]);
    size_t n = 0;
    while (i < t.size() && cls(t[i]) == c && (c != 1 || n < 3)) ++i, ++n;
    ++counts[std::string(t.substr(start, i - start))];
  }
  return counts;
}

// Letters-only tokens (optionally after the space marker), shortest first: what random joins use.
std::vector<std::string> join_pool(const std::vector<std::string>& tokens, const std::string& space) {
  std::vector<std::string> pool;
  for (const std::string& t : tokens) {
    const size_t skip = t.compare(0, space.size(), space) == 0 ? space.size() : 0;
    const bool letters = std::all_of(t.begin() + skip, t.end(), [](unsigned char c) { return std::islower(c); });
    if (letters && !t.empty()) pool.push_back(t);
  }
  std::stable_sort(pool.begin(), pool.end(),
                   [](const std::string& a, const std::string& b) { return utf8_length(a) < utf8_length(b); });
  return pool;
}

// Adds regular tokens until the vocabulary has `end` entries: merges BPE learns from the corpus
// first, then random joins. Returns the merges in rank order. SentencePiece pieces are scored by
// rank (earlier merges win), which is how its BPE chooses what to merge.
std::vector<Merge> grow(VocabBuilder& b, const SynthVocab& v, std::vector<WordCount> words, uint32_t end,
                        const std::string& space, bool scored) {
  std::vector<Merge> merges;
  if (static_cast<uint32_t>(b.size()) >= end) return merges;
  auto score = [&] { return scored ? -static_cast<float>(b.size()) : 0.0f; };
  std::unordered_set<std::string> known(v.tokens.begin(), v.tokens.end());
  for (Merge& m : train_bpe(std::move(words), end - b.size(), known)) {
    if (!b.has(m.joined())) b.add(m.joined(), kNormal, score());
    merges.push_back(std::move(m));
  }
  if (static_cast<uint32_t>(b.size()) < end) {
    std::vector<std::string> pool = join_pool(v.tokens, space);
    SplitMix64 rng(kVocabSeed);
    for (Merge& m : random_merges(pool, known, end - b.size(), space, kMaxPieceChars, rng)) {
      b.add(m.joined(), kNormal, score());
      merges.push_back(std::move(m));
    }
  }
  return merges;
}

void fill_to(VocabBuilder& b, uint32_t end, int32_t type, const std::string& prefix, int first_number,
             const std::string& suffix, bool number_is_id = false) {
  for (int k = first_number; static_cast<uint32_t>(b.size()) < end; ++k) {
    b.add(prefix + std::to_string(number_is_id ? b.size() : k) + suffix, type);
  }
}

// gpt2 families: bytes, merges up to n_regular, the specials, padding to the vocabulary size.
SynthVocab build_gpt2(const SynthPreset& p) {
  SynthVocab v;
  VocabBuilder b(v);
  v.model = "gpt2";
  std::vector<std::string> bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(tok::byte_to_unicode(static_cast<uint8_t>(i)));
  std::sort(bytes.begin(), bytes.end());  // UTF-8 order is code point order, as GPT-2 numbers them
  for (const std::string& t : bytes) b.add(t, kNormal);

  std::vector<WordCount> words;
  for (const auto& [word, count] : corpus_words()) {
    WordCount w{{}, count};
    for (unsigned char c : word) w.symbols.push_back(tok::byte_to_unicode(c));
    words.push_back(std::move(w));
  }
  for (const Merge& m : grow(b, v, std::move(words), p.n_regular, kGpt2Space, false)) {
    v.merges.push_back(m.left + " " + m.right);
  }

  if (p.tokenizer == TokenizerFamily::kLlama3) {
    v.pre = "llama-bpe";
    b.add_specials(kLlama3Specials, p.vocab);
    fill_to(b, p.vocab, kControl, "<|reserved_special_token_", 3, "|>");
    v.bos = b.id_of("<|begin_of_text|>");
    v.eos = b.id_of("<|eot_id|>");
    v.add_bos = true;
  } else {
    v.pre = "qwen2";
    const size_t n = p.tokenizer == TokenizerFamily::kQwen3 ? std::size(kQwenSpecials) : kQwen2SpecialCount;
    b.add_specials(std::span(kQwenSpecials, n), p.vocab);
    fill_to(b, p.vocab, kUnused, "[PAD", 0, "]", true);
    v.bos = v.pad = b.id_of("<|endoftext|>");
    v.eos = b.id_of("<|im_end|>");
  }
  return v;
}

// SentencePiece: the printable ASCII characters and ▁, then pieces up to `end`.
void add_pieces(VocabBuilder& b, const SynthVocab& v, uint32_t end) {
  b.add(kSpmSpace, kNormal, -static_cast<float>(end));
  for (int c = 0x21; c < 0x7F; ++c) b.add(std::string(1, static_cast<char>(c)), kNormal, -static_cast<float>(end));
  std::vector<WordCount> words;
  std::map<std::string, int> counts;
  const std::string_view t = training_corpus();
  for (size_t i = 0; i < t.size();) {
    while (i < t.size() && std::isspace(static_cast<unsigned char>(t[i]))) ++i;
    const size_t start = i;
    while (i < t.size() && !std::isspace(static_cast<unsigned char>(t[i]))) ++i;
    if (i > start) ++counts[std::string(t.substr(start, i - start))];
  }
  for (const auto& [word, count] : counts) {
    WordCount w{{kSpmSpace}, count};
    for (char c : word) w.symbols.emplace_back(1, c);
    words.push_back(std::move(w));
  }
  grow(b, v, std::move(words), end, kSpmSpace, true);
}

void add_byte_tokens(VocabBuilder& b) {
  static const char* hex = "0123456789ABCDEF";
  for (int i = 0; i < 256; ++i) b.add(std::string("<0x") + hex[i >> 4] + hex[i & 15] + ">", kByte);
}

// Phi-3: <unk> <s> </s>, bytes, pieces up to n_regular (32000), then <|endoftext|> <|assistant|> ...
SynthVocab build_phi3(const SynthPreset& p) {
  SynthVocab v;
  VocabBuilder b(v);
  v.model = "llama";
  v.unk = b.add("<unk>", kUnknown);
  v.bos = b.add("<s>", kControl);
  b.add("</s>", kControl);
  add_byte_tokens(b);
  add_pieces(b, v, p.n_regular);
  b.add_specials(kPhi3Specials, p.vocab);
  fill_to(b, p.vocab, kUser, "<|placeholder", 7, "|>");
  v.eos = v.pad = b.id_of("<|endoftext|>");
  v.add_bos = false;  // as Phi-3.5's tokenizer_config
  return v;
}

// Gemma: <pad> <eos> <bos> <unk> <mask>, <unusedN> up to <start_of_turn> (id n_regular),
// <end_of_turn>, bytes, pieces.
SynthVocab build_gemma(const SynthPreset& p) {
  SynthVocab v;
  VocabBuilder b(v);
  v.model = "llama";
  b.add_specials(kGemmaSpecials, p.vocab);
  fill_to(b, p.n_regular, kUser, "<unused", 0, ">");
  b.add("<start_of_turn>", kControl);
  b.add("<end_of_turn>", kControl);
  add_byte_tokens(b);
  add_pieces(b, v, p.vocab);
  v.pad = 0, v.eos = 1, v.bos = 2, v.unk = 3;
  v.add_bos = true;
  v.add_space_prefix = 0;
  return v;
}

// WordPiece as llama.cpp's converter stores BERT's vocab.txt: word-initial pieces carry ▁ (vocab.txt
// has them bare), continuations lose their ## . Specials at bert-base-uncased's ids, then every
// printable lowercase ASCII character in both forms, then pieces learned from the corpus.
SynthVocab build_bert(const SynthPreset& p) {
  SynthVocab v;
  VocabBuilder b(v);
  v.model = "bert";
  v.pad = b.add("[PAD]", kControl);
  fill_to(b, 100, kUnused, "[unused", 0, "]");
  v.unk = b.add("[UNK]", kUnknown);
  v.bos = b.add("[CLS]", kControl);  // llama.cpp reads [CLS] as BOS, [SEP] as the separator
  b.add("[SEP]", kControl);
  b.add("[MASK]", kControl);
  for (int c = 0x21; c < 0x7F; ++c) {
    if (std::isupper(c)) continue;
    b.add(kSpmSpace + std::string(1, static_cast<char>(c)), kNormal);
    b.add(std::string(1, static_cast<char>(c)), kNormal);
  }
  std::map<std::string, int> counts;
  const std::string_view t = training_corpus();
  for (size_t i = 0; i < t.size();) {  // words: runs of letters, lowercased (BERT's normaliser)
    while (i < t.size() && !std::isalpha(static_cast<unsigned char>(t[i]))) ++i;
    std::string word;
    while (i < t.size() && std::isalpha(static_cast<unsigned char>(t[i]))) word += char(std::tolower(static_cast<unsigned char>(t[i++])));
    if (!word.empty()) ++counts[word];
  }
  std::vector<WordCount> words;
  for (const auto& [word, count] : counts) {
    WordCount w{{kSpmSpace + word.substr(0, 1)}, count};
    for (size_t k = 1; k < word.size(); ++k) w.symbols.emplace_back(1, word[k]);
    words.push_back(std::move(w));
  }
  grow(b, v, std::move(words), p.vocab, kSpmSpace, false);
  v.add_bos = true;
  return v;
}

}  // namespace

SynthVocab build_vocab(const SynthPreset& preset) {
  switch (preset.tokenizer) {
    case TokenizerFamily::kLlama3:
    case TokenizerFamily::kQwen2:
    case TokenizerFamily::kQwen3: return build_gpt2(preset);
    case TokenizerFamily::kPhi3: return build_phi3(preset);
    case TokenizerFamily::kGemma: return build_gemma(preset);
    case TokenizerFamily::kBert: return build_bert(preset);
  }
  fail(ErrorCode::kInternal, "unknown tokenizer family");
}

std::shared_ptr<const SynthVocab> shared_vocab(const SynthPreset& preset) {
  static std::mutex mutex;
  static std::string name;
  static std::shared_ptr<const SynthVocab> last;
  std::lock_guard<std::mutex> lock(mutex);
  if (!last || name != preset.name) {
    last = std::make_shared<const SynthVocab>(build_vocab(preset));
    name = preset.name;
  }
  return last;
}

void write_vocab(const SynthVocab& v, GgufWriter& w) {
  w.set_string("tokenizer.ggml.model", v.model);
  if (!v.pre.empty()) w.set_string("tokenizer.ggml.pre", v.pre);
  w.set_string_array("tokenizer.ggml.tokens", v.tokens);
  if (v.model == "llama") w.set_f32_array("tokenizer.ggml.scores", v.scores);
  w.set_i32_array("tokenizer.ggml.token_type", v.types);
  if (!v.merges.empty()) w.set_string_array("tokenizer.ggml.merges", v.merges);
  const std::pair<const char*, int32_t> ids[] = {{"tokenizer.ggml.bos_token_id", v.bos},
                                                 {"tokenizer.ggml.eos_token_id", v.eos},
                                                 {"tokenizer.ggml.unknown_token_id", v.unk},
                                                 {"tokenizer.ggml.padding_token_id", v.pad}};
  for (const auto& [key, id] : ids) {
    if (id >= 0) w.set_u32(key, static_cast<uint32_t>(id));
  }
  w.set_bool("tokenizer.ggml.add_bos_token", v.add_bos);
  w.set_bool("tokenizer.ggml.add_eos_token", v.add_eos);
  if (v.model == "bert") {  // BERT's [SEP] and [MASK], at their ids (build_bert)
    w.set_u32("tokenizer.ggml.seperator_token_id", static_cast<uint32_t>(v.bos + 1));
    w.set_u32("tokenizer.ggml.mask_token_id", static_cast<uint32_t>(v.bos + 2));
  }
  if (v.add_space_prefix >= 0) w.set_bool("tokenizer.ggml.add_space_prefix", v.add_space_prefix != 0);
}

}  // namespace hearth::synth
