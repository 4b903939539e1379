#include "core/api/maskbench.h"

#include <chrono>

#include "core/chat/json.h"
#include "core/grammar/json_schema.h"
#include "core/grammar/matcher.h"
#include "core/util/error.h"

namespace hearth::api {
namespace {

using Clock = std::chrono::steady_clock;
double micros(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::micro>(b - a).count(); }

const chat::Value* field(const chat::Value& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  for (const auto& [k, v] : obj.as_object().items())
    if (k == key) return &v;
  return nullptr;
}

}  // namespace

const char* maskbench_status_name(MaskbenchStatus s) {
  switch (s) {
    case MaskbenchStatus::kPassing: return "passing";
    case MaskbenchStatus::kCompileError: return "compile_error";
    case MaskbenchStatus::kValidationError: return "validation_error";
    case MaskbenchStatus::kInvalidationError: return "invalidation_error";
    case MaskbenchStatus::kCrash: return "crash";
    case MaskbenchStatus::kTimeout: return "timeout";
  }
  return "?";
}

MaskbenchResult maskbench_schema(std::string_view line, const MaskbenchContext& ctx) {
  MaskbenchResult r;
  chat::Value entry = chat::parse_json(line);
  if (const chat::Value* n = field(entry, "name"); n && n->is_string()) r.name = n->as_string();
  const chat::Value* schema = field(entry, "schema");
  const chat::Value* tests = field(entry, "tests");
  if (!schema) fail(ErrorCode::kInvalidArgument, "maskbench: a line without \"schema\"");

  const auto start = Clock::now();
  std::shared_ptr<grammar::CompiledGrammar> compiled;
  std::vector<uint64_t> bits(ctx.vocab->words());
  try {
    auto g = std::make_shared<const grammar::Grammar>(grammar::compile_json_schema(*schema));
    compiled = std::make_shared<grammar::CompiledGrammar>(g, ctx.vocab, ctx.slices);
    grammar::GrammarMatcher first(compiled);
    first.fill_mask(bits.data());
  } catch (const Error& e) {
    r.status = e.code() == ErrorCode::kInternal ? MaskbenchStatus::kCrash : MaskbenchStatus::kCompileError;
    r.message = e.what();
    return r;
  }
  r.ttfm_us = micros(start, Clock::now());

  chat::JsonStyle compact;
  compact.item_separator = ",";
  compact.has_item_separator = true;
  compact.key_separator = ":";
  grammar::GrammarMatcher m(compiled);
  int index = 0;
  static const chat::Array kNone;
  for (const chat::Value& t : tests && tests->is_array() ? tests->as_array() : kNone) {
    const chat::Value* valid = field(t, "valid");
    const chat::Value* data = field(t, "data");
    if (!valid || !data) continue;
    ++r.tests;
    std::string text = chat::to_json(*data, compact);
    std::vector<int32_t> ids = ctx.tokenizer->encode(text, false, false);
    m.reset();
    bool refused = false;
    try {
      for (int32_t id : ids) {
        const auto t0 = Clock::now();
        m.fill_mask(bits.data());
        const auto t1 = Clock::now();
        r.mask_us.push_back(micros(t0, t1));
        bool in_mask = (bits[id >> 6] >> (id & 63)) & 1;
        bool accepted = m.accept_token(id);
        if (in_mask != accepted) {
          r.status = MaskbenchStatus::kCrash;
          r.message = "test " + std::to_string(index) + ": the mask and accept_token disagree on token " + std::to_string(id);
          return r;
        }
        if (!accepted) { refused = true; break; }
        if (std::chrono::duration<double>(t1 - start).count() > ctx.timeout_s) {
          r.status = MaskbenchStatus::kTimeout;
          r.message = "past " + std::to_string(int(ctx.timeout_s)) + " s";
          return r;
        }
      }
    } catch (const Error& e) {
      r.status = MaskbenchStatus::kCrash;
      r.message = "test " + std::to_string(index) + ": " + e.what();
      return r;
    }
    bool accepted = !refused && m.accepting();
    if (valid->truthy() && !accepted && r.status == MaskbenchStatus::kPassing) {
      r.status = MaskbenchStatus::kValidationError;
      r.message = "test " + std::to_string(index) + " (valid) refused: " + text.substr(0, 200);
    }
    if (!valid->truthy() && accepted) {
      r.status = MaskbenchStatus::kInvalidationError;  // the worst outcome: reported over any other
      r.message = "test " + std::to_string(index) + " (invalid) accepted: " + text.substr(0, 200);
    }
    ++index;
  }
  return r;
}

}  // namespace hearth::api
