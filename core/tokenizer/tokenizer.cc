#include "core/tokenizer/tokenizer.h"

#include "core/gguf/gguf_file.h"
#include "core/tokenizer/bpe_encoder.h"
#include "core/tokenizer/byte_unicode.h"
#include "core/tokenizer/pre_tokenizer.h"
#include "core/tokenizer/special_split.h"
#include "core/tokenizer/spm_encoder.h"
#include "core/tokenizer/unicode.h"
#include "core/tokenizer/vocab.h"
#include "core/tokenizer/wpm_encoder.h"
#include "core/util/error.h"

namespace hearth {
namespace {

constexpr std::string_view kSpmSpace = "\xE2\x96\x81";  // U+2581 LOWER ONE EIGHTH BLOCK

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  for (size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
    out.append(s, pos, hit - pos).append(to);
  }
  out.append(s, pos, std::string::npos);
  s.swap(out);
}

// Maps GPT-2 alphabet text back to bytes; code points outside the alphabet pass through as UTF-8.
std::string unicode_text_to_bytes(std::string_view text) {
  std::string out;
  for (uint32_t cp : tok::utf8_to_cpts(text)) {
    const int b = tok::byte_from_unicode(cp);
    if (b >= 0) {
      out.push_back(static_cast<char>(b));
    } else {
      tok::append_utf8(out, cp);
    }
  }
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// "<0xAB>" → 0xAB, or -1.
int byte_token_value(const std::string& t) {
  if (t.size() != 6 || t.compare(0, 3, "<0x") != 0 || t[5] != '>') return -1;
  const int hi = hex_digit(t[3]), lo = hex_digit(t[4]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

}  // namespace

Tokenizer::Tokenizer(std::shared_ptr<const tok::Vocab> vocab) : vocab_(std::move(vocab)) {}

Tokenizer Tokenizer::from_gguf(const GgufFile& file) {
  return Tokenizer(std::make_shared<const tok::Vocab>(tok::load_vocab(file)));
}

std::vector<int32_t> Tokenizer::encode(std::string_view text, bool add_special, bool parse_special) const {
  const tok::Vocab& v = *vocab_;
  std::vector<int32_t> out;
  const bool add_first = add_special && v.add_bos;
  const bool add_last = add_special && (v.type == tok::VocabType::kWpm ? v.add_sep : v.add_eos);
  if (add_first) out.push_back(v.bos);
  bool prev_special = true;  // SentencePiece prefixes a space at the start and after specials
  for (const tok::Fragment& f : tok::split_specials(v, text, parse_special)) {
    if (f.token >= 0) {
      out.push_back(f.token);
      prev_special = true;
      continue;
    }
    const std::string_view raw = text.substr(f.offset, f.length);
    switch (v.type) {
      case tok::VocabType::kSpm: {
        std::string s = (v.add_space_prefix && prev_special) ? " " : "";
        s.append(raw);
        replace_all(s, " ", kSpmSpace);
        tok::spm_encode(v, s, out);
        break;
      }
      case tok::VocabType::kBpe:
        for (const std::string& word : tok::pre_tokenize(v.pre_kind, raw)) tok::bpe_encode_word(v, word, out);
        break;
      case tok::VocabType::kWpm: tok::wpm_encode(v, raw, out); break;
    }
    prev_special = false;
  }
  if (add_last) out.push_back(v.type == tok::VocabType::kWpm ? v.sep : v.eos);
  return out;
}

std::string Tokenizer::token_to_piece(int32_t id, bool render_special) const {
  check_id(id);
  const tok::Vocab& v = *vocab_;
  const std::string& t = v.text[id];
  if (v.has_attr(id, tok::kAttrControl | tok::kAttrUnknown)) return render_special ? t : std::string();
  if (v.has_attr(id, tok::kAttrUserDefined)) return t;
  if (v.has_attr(id, tok::kAttrByte)) {
    const int b = byte_token_value(t);
    return b < 0 ? t : std::string(1, static_cast<char>(b));
  }
  if (!v.has_attr(id, tok::kAttrNormal)) return std::string();  // unused / undefined: as llama.cpp
  if (v.type == tok::VocabType::kBpe) return unicode_text_to_bytes(t);
  std::string s = t;
  replace_all(s, kSpmSpace, " ");
  return s;
}

std::string Tokenizer::decode(std::span<const int32_t> ids, bool render_special) const {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    std::string piece = token_to_piece(ids[i], render_special);
    if (i == 0 && vocab_->add_space_prefix && !piece.empty() && piece[0] == ' ') piece.erase(0, 1);
    out += piece;
  }
  return out;
}

void Tokenizer::check_id(int32_t id) const {
  if (id < 0 || id >= vocab_->size()) {
    fail(ErrorCode::kInvalidArgument,
         "token id " + std::to_string(id) + " is outside the vocabulary of " + std::to_string(vocab_->size()));
  }
}

int32_t Tokenizer::vocab_size() const { return vocab_->size(); }
int32_t Tokenizer::bos_id() const { return vocab_->bos; }
int32_t Tokenizer::eos_id() const { return vocab_->eos; }
int32_t Tokenizer::eot_id() const { return vocab_->eot; }
int32_t Tokenizer::unk_id() const { return vocab_->unk; }
int32_t Tokenizer::sep_id() const { return vocab_->sep; }
int32_t Tokenizer::pad_id() const { return vocab_->pad; }
bool Tokenizer::add_bos() const { return vocab_->add_bos; }
bool Tokenizer::add_eos() const { return vocab_->type == tok::VocabType::kWpm ? vocab_->add_sep : vocab_->add_eos; }
bool Tokenizer::is_eog(int32_t id) const { return vocab_->eog.count(id) > 0; }
bool Tokenizer::is_control(int32_t id) const {
  check_id(id);
  return vocab_->has_attr(id, tok::kAttrControl);
}
const std::string& Tokenizer::token_text(int32_t id) const {
  check_id(id);
  return vocab_->text[id];
}
std::string Tokenizer::bos_text() const { return bos_id() >= 0 ? token_text(bos_id()) : std::string(); }
std::string Tokenizer::eos_text() const { return eos_id() >= 0 ? token_text(eos_id()) : std::string(); }
int32_t Tokenizer::token_id(std::string_view text) const { return vocab_->find(std::string(text)); }
std::string Tokenizer::model_name() const { return vocab_->model; }
std::string Tokenizer::pre_name() const { return vocab_->pre; }

}  // namespace hearth
