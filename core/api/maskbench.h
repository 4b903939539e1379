// The MaskBench protocol (guidance-ai/jsonschemabench) for one schema: compile it, then walk each
// test instance's tokens through a matcher, timing every mask. One function so the native CLI and
// the wasm build measure the same thing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/grammar/token_slices.h"
#include "core/grammar/token_vocabulary.h"
#include "core/tokenizer/tokenizer.h"

namespace hearth::api {

enum class MaskbenchStatus { kPassing, kCompileError, kValidationError, kInvalidationError, kCrash, kTimeout };
const char* maskbench_status_name(MaskbenchStatus s);

struct MaskbenchResult {
  std::string name;
  MaskbenchStatus status = MaskbenchStatus::kPassing;
  std::string message;              // the compile error, or which test was misclassified
  double ttfm_us = 0;               // compile + the first mask
  std::vector<double> mask_us;      // one per mask computed (TBM)
  int tests = 0;
};

struct MaskbenchContext {
  const Tokenizer* tokenizer = nullptr;
  std::shared_ptr<const grammar::TokenVocabulary> vocab;
  std::shared_ptr<grammar::TokenSlices> slices;
  double timeout_s = 60;
};

// line: {"name", "schema", "tests": [{"valid", "data", ...}]}. A valid instance must be accepted
// token by token to an accepting end; an invalid one must be refused at some token or not end
// accepting. Instances are compact JSON with keys in the instance's order.
MaskbenchResult maskbench_schema(std::string_view line, const MaskbenchContext& ctx);

}  // namespace hearth::api
