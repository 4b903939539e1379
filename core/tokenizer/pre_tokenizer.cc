#include "core/tokenizer/pre_tokenizer.h"

#include <algorithm>
#include <iterator>

#include "core/tokenizer/pre_split.h"
#include "core/tokenizer/unicode.h"

namespace hearth::tok {
namespace {

// tokenizer.ggml.pre name → rule set, mirroring llama.cpp's grouping of names.
constexpr PreTokenizerInfo kPreTokenizers[] = {
    {"default", PreKind::kDefault, false, false},
    {"gpt-2", PreKind::kGpt2, false, false},
    {"phi-2", PreKind::kGpt2, false, false},
    {"mpt", PreKind::kGpt2, false, false},
    {"olmo", PreKind::kGpt2, false, false},
    {"jais", PreKind::kGpt2, false, false},
    {"jina-es", PreKind::kGpt2, false, false},
    {"jina-de", PreKind::kGpt2, false, false},
    {"jina-v1-en", PreKind::kGpt2, false, false},
    {"jina-v2-es", PreKind::kGpt2, false, false},
    {"jina-v2-de", PreKind::kGpt2, false, false},
    {"jina-v2-code", PreKind::kGpt2, false, false},
    {"roberta-bpe", PreKind::kGpt2, false, false},
    {"gigachat", PreKind::kGpt2, false, false},
    {"trillion", PreKind::kGpt2, false, false},
    {"exaone4", PreKind::kGpt2, false, false},
    {"llama3", PreKind::kLlama3, true, true},
    {"llama-v3", PreKind::kLlama3, true, true},
    {"llama-bpe", PreKind::kLlama3, true, true},
    {"falcon3", PreKind::kLlama3, true, true},
    {"pixtral", PreKind::kLlama3, true, true},
    {"dbrx", PreKind::kLlama3, false, false},
    {"smaug-bpe", PreKind::kLlama3, false, false},
    {"qwen2", PreKind::kQwen2, false, false},
    {"deepseek-r1-qwen", PreKind::kQwen2, false, false},
    {"stablelm2", PreKind::kQwen2, false, false},
    {"megrez", PreKind::kQwen2, false, false},
    {"hunyuan", PreKind::kQwen2, false, false},
    {"deepseek-llm", PreKind::kDeepseekLlm, false, false},
    {"deepseek-coder", PreKind::kDeepseekCoder, false, false},
    {"falcon", PreKind::kFalcon, false, false},
    {"starcoder", PreKind::kStarcoder, false, false},
    {"refact", PreKind::kStarcoder, false, false},
    {"command-r", PreKind::kStarcoder, false, false},
    {"smollm", PreKind::kStarcoder, false, false},
    {"codeshell", PreKind::kStarcoder, false, false},
    {"exaone", PreKind::kStarcoder, false, false},
    {"minerva-7b", PreKind::kStarcoder, false, false},
    {"bloom", PreKind::kBloom, false, false},
    {"poro-chat", PreKind::kBloom, false, false},
    {"gpt3-finnish", PreKind::kBloom, false, false},
};

struct Range {
  uint32_t lo, hi;
};

template <size_t N>
bool in_ranges(const Range (&r)[N], uint32_t c) {
  return std::any_of(std::begin(r), std::end(r), [c](const Range& x) { return x.lo <= c && c <= x.hi; });
}

// Classes spelled with explicit characters go through std::wregex in llama.cpp, which sees every
// non-ASCII whitespace as U+000B; so such code points never match these ranges.
bool wide_excluded(uint32_t c) { return c > 0x7F && cp_is_whitespace(c); }

// deepseek-llm's letter class (the cased letters of its tokenizer.json regex).
constexpr Range kDeepseekLetters[] = {
    {0x41, 0x5A}, {0x61, 0x7A}, {0xB5, 0xB5}, {0xC0, 0xD6}, {0xD8, 0xF6}, {0xF8, 0x1BA},
    {0x1BC, 0x1BF}, {0x1C4, 0x293}, {0x295, 0x2AF}, {0x370, 0x373}, {0x376, 0x377},
    {0x37B, 0x37D}, {0x37F, 0x37F}, {0x386, 0x386}, {0x388, 0x38A}, {0x38C, 0x38C},
    {0x38E, 0x3A1}, {0x3A3, 0x3F5}, {0x3F7, 0x481}, {0x48A, 0x52F}, {0x531, 0x556},
    {0x10A0, 0x10C5}, {0x13A0, 0x13F5}, {0x13F8, 0x13FD}, {0x1C90, 0x1CBA}, {0x1CBD, 0x1CBF},
    {0x1D00, 0x1D2B}, {0x1D6B, 0x1D77}, {0x1D79, 0x1D9A}, {0x1E00, 0x1F15}, {0x1F18, 0x1F1D},
    {0x1F20, 0x1F45}, {0x1F48, 0x1F4D}, {0x1F50, 0x1F57}, {0x1F59, 0x1F59}, {0x1F5B, 0x1F5B},
    {0x1F5D, 0x1F5D}, {0x1F5F, 0x1F7D}, {0x1F80, 0x1FB4}, {0x1FB6, 0x1FBC}, {0x1FBE, 0x1FBE},
    {0x1FC2, 0x1FC4}, {0x1FC6, 0x1FCC}, {0x1FD0, 0x1FD3}, {0x1FD6, 0x1FDB}, {0x1FE0, 0x1FEC},
    {0x1FF2, 0x1FF4}, {0x1FF6, 0x1FFC}, {0x2102, 0x2102}, {0x2107, 0x2107}, {0x210A, 0x2113},
    {0x2115, 0x2115}, {0x2119, 0x211D}, {0x2124, 0x2124}, {0x2126, 0x2126}, {0x2128, 0x2128},
    {0x212A, 0x212D}, {0x212F, 0x2134}, {0x2139, 0x2139}, {0x213C, 0x213F}, {0x2145, 0x2149},
    {0x214E, 0x214E}, {0x2183, 0x2184}, {0x2C00, 0x2C7B}, {0x2C7E, 0x2CE4}, {0x2CEB, 0x2CEE},
    {0x2CF2, 0x2CF3}, {0xA640, 0xA66D}, {0xA680, 0xA69B}, {0xA722, 0xA76F}, {0xA771, 0xA787},
    {0xA78B, 0xA78E}, {0xAB70, 0xABBF}, {0xFB00, 0xFB06}, {0xFB13, 0xFB17}, {0xFF21, 0xFF3A},
    {0xFF41, 0xFF5A}, {0x10400, 0x1044F}, {0x104B0, 0x104D3}, {0x104D8, 0x104FB},
    {0x10C80, 0x10CB2}, {0x10CC0, 0x10CF2}, {0x118A0, 0x118DF}, {0x1E900, 0x1E943},
};
// [!-/:-~！-／：-～‘-‟　-。]
constexpr Range kDeepseekPunct[] = {{0x21, 0x2F},     {0x3A, 0x7E},     {0xFF01, 0xFF0F},
                                    {0xFF1A, 0xFF5E}, {0x2018, 0x201F}, {0x3000, 0x3002}};
// [一-龥ࠀ-一가-퟿]
constexpr Range kDeepseekCjk[] = {{0x4E00, 0x9FA5}, {0x800, 0x4E00}, {0xAC00, 0xD7FF}};
// the characters bloom's class [^(\s|.,!?…。，、।۔،)] excludes besides \s
constexpr Range kBloomStops[] = {{'(', ')'}, {'|', '|'}, {'.', '.'}, {',', ','}, {'!', '!'},
                                 {'?', '?'}, {0x2026, 0x2026}, {0x3002, 0x3002}, {0xFF0C, 0xFF0C},
                                 {0x3001, 0x3001}, {0x964, 0x964}, {0x6D4, 0x6D4}, {0x60C, 0x60C}};

bool is_ws(uint32_t c) { return cp_is_whitespace(c); }
bool is_space(uint32_t c) { return c == ' '; }
bool is_letter(uint32_t c) { return !is_ws(c) && (cp_flags(c) & kLetter); }
bool is_number(uint32_t c) { return !is_ws(c) && (cp_flags(c) & kNumber); }
bool is_punct(uint32_t c) { return !is_ws(c) && (cp_flags(c) & kPunct); }
bool is_digit(uint32_t c) { return c >= '0' && c <= '9'; }
bool is_newline(uint32_t c) { return c == '\r' || c == '\n'; }
bool is_default_punct(uint32_t c) {  // [\p{P}\$\+<=>\^~\|]
  return is_punct(c) || c == '$' || c == '+' || c == '<' || c == '=' || c == '>' || c == '^' || c == '~' ||
         c == '|';
}
bool is_falcon_punct(uint32_t c) { return is_default_punct(c) || c == '`'; }  // [\p{P}\$\+<=>\^~\|`]
bool is_ds_letter(uint32_t c) { return !wide_excluded(c) && in_ranges(kDeepseekLetters, c); }
bool is_ds_punct(uint32_t c) { return !wide_excluded(c) && in_ranges(kDeepseekPunct, c); }
bool is_ds_cjk(uint32_t c) { return !wide_excluded(c) && in_ranges(kDeepseekCjk, c); }
bool is_bloom_word(uint32_t c) { return !is_ws(c) && !in_ranges(kBloomStops, c); }

SplitStep run(CpPredicate prefix, CpPredicate cls, size_t min = 1, size_t max = SIZE_MAX) {
  SplitStep s;
  s.kind = SplitStep::kRun;
  s.prefix = prefix;
  s.cls = cls;
  s.min_count = min;
  s.max_count = max;
  return s;
}
SplitStep kind_step(SplitStep::Kind k, int max_digits = 3) {
  SplitStep s;
  s.kind = k;
  s.max_digits = max_digits;
  return s;
}

std::vector<SplitStep> steps_for(PreKind kind) {
  const SplitStep gpt2 = kind_step(SplitStep::kGpt2);
  switch (kind) {
    case PreKind::kDefault:
      return {run(nullptr, is_default_punct), gpt2, run(nullptr, is_number), run(nullptr, is_digit, 3, 3)};
    case PreKind::kGpt2: return {gpt2};
    case PreKind::kLlama3: return {kind_step(SplitStep::kLlama3, 3)};
    case PreKind::kQwen2: return {kind_step(SplitStep::kLlama3, 1)};
    case PreKind::kDeepseekLlm:
      return {run(nullptr, is_newline, 1, 1), run(is_ws, is_ds_letter), run(is_ws, is_ds_punct),
              kind_step(SplitStep::kTrailingSpace), run(nullptr, is_ds_cjk), run(nullptr, is_number)};
    case PreKind::kDeepseekCoder:
      return {run(nullptr, is_newline, 1, 1), run(is_ws, is_letter), run(is_ws, is_punct),
              run(nullptr, is_ds_cjk), run(nullptr, is_number, 1, 1)};
    case PreKind::kFalcon: return {run(nullptr, is_falcon_punct), gpt2, run(nullptr, is_digit, 3, 3)};
    case PreKind::kStarcoder: return {run(nullptr, is_number, 1, 1), gpt2};
    case PreKind::kBloom: return {run(is_space, is_bloom_word)};
  }
  return {gpt2};
}

}  // namespace

const PreTokenizerInfo* find_pre_tokenizer(std::string_view name) {
  for (const auto& p : kPreTokenizers) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string supported_pre_tokenizer_names() {
  std::string out;
  for (const auto& p : kPreTokenizers) {
    if (!out.empty()) out += ", ";
    out += p.name;
  }
  return out;
}

std::vector<std::string> pre_tokenize(PreKind kind, std::string_view text) {
  const std::vector<uint32_t> cpts = utf8_to_cpts(text);
  std::vector<size_t> lengths;
  if (!cpts.empty()) lengths.push_back(cpts.size());
  for (const SplitStep& step : steps_for(kind)) lengths = apply_split(step, cpts, lengths);
  std::vector<std::string> words;
  words.reserve(lengths.size());
  size_t begin = 0;
  for (size_t len : lengths) {
    words.push_back(cpts_to_utf8(cpts, begin, begin + len));
    begin += len;
  }
  return words;
}

}  // namespace hearth::tok
