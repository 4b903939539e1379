#include "core/tokenizer/vocab.h"

#include <algorithm>
#include <cctype>
#include <climits>

#include "core/gguf/gguf_file.h"
#include "core/tokenizer/pre_tokenizer.h"
#include "core/util/error.h"

namespace hearth::tok {
namespace {

// tokenizer.ggml.model → algorithm and llama.cpp's default special ids for it.
struct ModelInfo {
  const char* name;
  VocabType type;
  int32_t bos, eos, unk, sep, pad, mask;
  bool add_bos, add_eos, add_sep, add_space_prefix;
};
constexpr ModelInfo kModels[] = {
    {"llama", VocabType::kSpm, 1, 2, 0, -1, -1, -1, true, false, false, true},
    {"gpt2", VocabType::kBpe, 11, 11, -1, -1, -1, -1, false, false, false, false},
    {"bert", VocabType::kWpm, 101, -1, 100, 102, 0, 103, true, false, true, false},
};

// Token texts llama.cpp treats as end-of-turn / end-of-generation (it detects them by text).
constexpr const char* kEotTexts[] = {"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
                                     "<|end_of_text|>", "<EOT>", "_<EOT>", "<｜end▁of▁sentence｜>",
                                     "<end_of_utterance>"};
constexpr const char* kEogTexts[] = {"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
                                     "<|eom_id|>", "<EOT>", "_<EOT>", "<|end_of_text|>", "<end_of_utterance>"};
constexpr const char* kFimPadTexts[] = {"<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>"};
constexpr const char* kFimRepTexts[] = {"<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>"};
constexpr const char* kFimSepTexts[] = {"<|file_sep|>"};

template <size_t N>
bool text_in(const std::string& s, const char* const (&list)[N]) {
  return std::any_of(std::begin(list), std::end(list), [&](const char* t) { return s == t; });
}

uint16_t attr_from_type(int64_t type) {
  switch (type) {
    case 1: return kAttrNormal;
    case 2: return kAttrUnknown;
    case 3: return kAttrControl;
    case 4: return kAttrUserDefined;
    case 5: return kAttrUnused;
    case 6: return kAttrByte;
    default: return kAttrUndefined;
  }
}

// Reads an optional special-token id. UINT32_MAX (and negatives) mean "none" as converters write it;
// any other value outside the vocab is an error.
void read_special(const GgufFile& f, const std::string& key, int32_t n_tokens, int32_t& id) {
  const GgufValue* v = f.find(key);
  if (!v) return;
  const int64_t raw = v->as_int(key);
  if (raw < 0 || raw == UINT32_MAX) return;
  if (raw >= n_tokens) {
    fail(ErrorCode::kMalformedFile,
         key + " = " + std::to_string(raw) + " is outside the vocabulary of " + std::to_string(n_tokens));
  }
  id = static_cast<int32_t>(raw);
}

void load_merges(const GgufFile& f, Vocab& v) {
  const std::string key = "tokenizer.ggml.merges";
  if (!f.has(key)) fail(ErrorCode::kMalformedFile, "BPE tokenizer without " + key);
  const std::vector<std::string> merges = f.get_string_array(key);
  v.merge_rank.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    const std::string& m = merges[i];
    const size_t sp = m.find(' ', 1);
    if (sp == std::string::npos) fail(ErrorCode::kMalformedFile, key + "[" + std::to_string(i) + "] has no space");
    const std::string left = m.substr(0, sp), right = m.substr(sp + 1);
    if (v.find(left) < 0 || v.find(right) < 0) {
      fail(ErrorCode::kMalformedFile, key + "[" + std::to_string(i) + "] '" + m + "' names an unknown token");
    }
    v.merge_rank.emplace(m, static_cast<int32_t>(i));
  }
}

void detect_end_tokens(Vocab& v) {
  auto mark_control = [&](int32_t id) { v.attr[id] |= kAttrControl; };
  for (int32_t id = 0; id < v.size(); ++id) {
    const std::string& t = v.text[id];
    if (v.eot < 0 && text_in(t, kEotTexts)) v.eot = id, mark_control(id);
    if (v.eom < 0 && t == "<|eom_id|>") v.eom = id, mark_control(id);
    if (v.fim_pad < 0 && text_in(t, kFimPadTexts)) v.fim_pad = id, mark_control(id);
    if (v.fim_rep < 0 && text_in(t, kFimRepTexts)) v.fim_rep = id, mark_control(id);
    if (v.fim_sep < 0 && text_in(t, kFimSepTexts)) v.fim_sep = id, mark_control(id);
    if (text_in(t, kEogTexts)) v.eog.insert(id), mark_control(id);
  }
  for (int32_t id : {v.eos, v.eot, v.eom, v.fim_pad, v.fim_rep, v.fim_sep}) {
    if (id >= 0) v.eog.insert(id);
  }
}

// Per-model attribute fixes llama.cpp keys on general.name (they are missing from GGUF files):
// Phi-3's special tokens swallow the whitespace after them, except <unk>, <s> and <|endoftext|>.
void apply_name_fixes(const GgufFile& f, Vocab& v) {
  std::string name = f.get_string_or("general.name", "");
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name.find("phi-3") == std::string::npos && name.find("phi3") == std::string::npos) return;
  for (int32_t id : v.special_by_len) v.attr[id] |= kAttrRstrip;
  if (int32_t id = v.find("</s>"); id >= 0) v.attr[id] |= kAttrRstrip;
  for (const char* t : {"<unk>", "<s>", "<|endoftext|>"}) {
    if (int32_t id = v.find(t); id >= 0) v.attr[id] &= static_cast<uint16_t>(~kAttrRstrip);
  }
}

}  // namespace

Vocab load_vocab(const GgufFile& f) {
  Vocab v;
  v.model = f.get_string("tokenizer.ggml.model");
  const ModelInfo* model = nullptr;
  for (const auto& m : kModels) {
    if (v.model == m.name) model = &m;
  }
  if (!model) {
    fail(ErrorCode::kUnsupported, "tokenizer.ggml.model '" + v.model + "' is not supported (supported: llama, gpt2, bert)");
  }
  v.type = model->type;
  v.pre = f.get_string_or("tokenizer.ggml.pre", "");
  v.add_bos = model->add_bos;
  v.add_eos = model->add_eos;
  v.add_sep = model->add_sep;
  v.add_space_prefix = model->add_space_prefix;
  if (v.type == VocabType::kBpe) {
    const PreTokenizerInfo* pre = find_pre_tokenizer(v.pre.empty() ? "default" : v.pre);
    if (!pre) {
      fail(ErrorCode::kUnsupported, "tokenizer.ggml.pre '" + v.pre +
                                        "' is not supported (supported: " + supported_pre_tokenizer_names() + ")");
    }
    v.pre_kind = pre->kind;
    v.ignore_merges = pre->ignore_merges;
    v.add_bos = pre->add_bos;
  }

  v.text = f.get_string_array("tokenizer.ggml.tokens");
  const int32_t n = static_cast<int32_t>(v.text.size());
  if (v.text.empty() || v.text.size() > INT32_MAX) fail(ErrorCode::kMalformedFile, "tokenizer.ggml.tokens is empty");
  v.score.assign(n, 0.0f);
  v.attr.assign(n, kAttrNormal);
  if (f.has("tokenizer.ggml.scores")) {
    v.score = f.get_float_array("tokenizer.ggml.scores");
    if (static_cast<int32_t>(v.score.size()) != n) {
      fail(ErrorCode::kMalformedFile, "tokenizer.ggml.scores has " + std::to_string(v.score.size()) +
                                          " entries for " + std::to_string(n) + " tokens");
    }
  }
  if (f.has("tokenizer.ggml.token_type")) {
    const std::vector<int64_t> types = f.get_int_array("tokenizer.ggml.token_type");
    if (static_cast<int32_t>(types.size()) != n) {
      fail(ErrorCode::kMalformedFile, "tokenizer.ggml.token_type has " + std::to_string(types.size()) +
                                          " entries for " + std::to_string(n) + " tokens");
    }
    for (int32_t i = 0; i < n; ++i) v.attr[i] = attr_from_type(types[i]);
  }
  v.to_id.reserve(n);
  for (int32_t i = 0; i < n; ++i) {
    if (v.text[i].empty()) v.text[i] = "[EMPTY_" + std::to_string(i) + "]";  // as llama.cpp
    if (!v.to_id.emplace(v.text[i], i).second) {
      fail(ErrorCode::kMalformedFile, "tokenizer.ggml.tokens has '" + v.text[i] + "' twice (ids " +
                                          std::to_string(v.to_id[v.text[i]]) + " and " + std::to_string(i) + ")");
    }
    v.max_token_len = std::max(v.max_token_len, v.text[i].size());
  }
  if (v.type == VocabType::kBpe) load_merges(f, v);

  // Model defaults that fall outside this vocab are dropped, as llama.cpp does.
  auto dflt = [n](int32_t id) { return id < n ? id : -1; };
  v.bos = dflt(model->bos), v.eos = dflt(model->eos), v.unk = dflt(model->unk);
  v.sep = dflt(model->sep), v.pad = dflt(model->pad), v.mask = dflt(model->mask);
  const std::pair<const char*, int32_t*> specials[] = {
      {"tokenizer.ggml.bos_token_id", &v.bos},         {"tokenizer.ggml.eos_token_id", &v.eos},
      {"tokenizer.ggml.eot_token_id", &v.eot},         {"tokenizer.ggml.eom_token_id", &v.eom},
      {"tokenizer.ggml.unknown_token_id", &v.unk},     {"tokenizer.ggml.seperator_token_id", &v.sep},
      {"tokenizer.ggml.padding_token_id", &v.pad},     {"tokenizer.ggml.mask_token_id", &v.mask},
      {"tokenizer.ggml.fim_pad_token_id", &v.fim_pad}, {"tokenizer.ggml.fim_rep_token_id", &v.fim_rep},
      {"tokenizer.ggml.fim_sep_token_id", &v.fim_sep},
  };
  for (const auto& [key, id] : specials) read_special(f, key, n, *id);

  v.add_bos = f.get_bool_or("tokenizer.ggml.add_bos_token", v.add_bos);
  v.add_eos = f.get_bool_or("tokenizer.ggml.add_eos_token", v.add_eos);
  v.add_sep = f.get_bool_or("tokenizer.ggml.add_sep_token", v.add_sep);
  v.add_space_prefix = f.get_bool_or("tokenizer.ggml.add_space_prefix", v.add_space_prefix);
  if (v.add_bos && v.bos < 0) fail(ErrorCode::kMalformedFile, "tokenizer.ggml.add_bos_token is true but there is no BOS token");
  if (v.add_eos && v.eos < 0) fail(ErrorCode::kMalformedFile, "tokenizer.ggml.add_eos_token is true but there is no EOS token");
  if (v.add_sep && v.sep < 0) fail(ErrorCode::kMalformedFile, "tokenizer.ggml.add_sep_token is true but there is no SEP token");

  detect_end_tokens(v);

  for (int32_t id = 0; id < n; ++id) {
    if (v.has_attr(id, kAttrControl | kAttrUserDefined | kAttrUnknown)) v.special_by_len.push_back(id);
  }
  std::stable_sort(v.special_by_len.begin(), v.special_by_len.end(),
                   [&](int32_t a, int32_t b) { return v.text[a].size() > v.text[b].size(); });
  apply_name_fixes(f, v);
  return v;
}

}  // namespace hearth::tok
