// One generation session, driven step by step: it owns a loaded model, its tokenizer, a CPU
// executor (its own KV cache) and a sampler. No I/O and no waiting: the caller (the wasm C ABI,
// the JS side) gives it bytes and asks for one token at a time.
//
//   load(bytes, config) → model info      start(request) → prefill done, prompt token count
//   step() → one token, its text piece (whole UTF-8 characters only), done + finish reason
//
// Errors are hearth::Error. A failed load leaves the session empty (no model); a failed start
// leaves it loaded with no generation in progress; either way it stays usable.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <unordered_set>

#include "core/api/embeddings.h"
#include "core/api/grammar_gate.h"
#include "core/api/json.h"
#include "core/api/request_grammar.h"
#include "core/model/cpu_executor.h"
#include "core/model/model.h"
#include "core/sampling/sampler.h"
#include "core/tokenizer/tokenizer.h"
#include "core/tokenizer/utf8_stream.h"

namespace hearth::api {

// Model bytes the session keeps alive as long as the model: a vector, or memory the JS side
// malloc'd and handed over (freed with free()).
using SharedBytes = std::shared_ptr<const uint8_t>;

struct StepResult {
  int32_t token = -1;     // the sampled token; for finish "eog", the end-of-generation token
  std::string text;       // UTF-8 text this step completes (may be empty; the last step flushes)
  bool done = false;
  std::string finish_reason;  // "" while running; "eog" (end-of-generation token), "length"
                              // (max_tokens reached or the context is full), "grammar" (the
                              // request's grammar is complete and allows nothing more)
  // With "logprobs" (or "top_logprobs" > 0) in the request: the sampled token's log-probability
  // and the top_logprobs best alternatives, each with its raw bytes (special tokens rendered), so
  // the caller can report OpenAI's logprobs without asking the tokenizer again.
  struct Alternative {
    int32_t token = -1;
    float logprob = 0.0f;
    std::string bytes;
  };
  bool has_logprobs = false;
  float logprob = 0.0f;
  std::string bytes;  // of `token`
  std::vector<Alternative> top_logprobs;
};

class Session {
 public:
  explicit Session(int n_threads = 1) : n_threads_(n_threads) {}

  // config JSON: {"n_ctx": int (0 = min(trained, 4096)), "n_threads": int (the CPU executor's
  // threads; absent = the constructor's, 0 = all hardware threads)}. Returns the model info
  // (info()), whose "n_threads" is the threads the executor got (fewer where no more could start).
  Json load(SharedBytes data, size_t size, const Json& config);
  Json load(std::vector<uint8_t> bytes, const Json& config);
  // From the file's first bytes only (Model::load_header; GgufNeedBytes when they do not hold the
  // whole header), config as load() plus "file_size" (the whole file's bytes). The header is copied:
  // the caller keeps its buffer. No CPU executor: generations must use external_eval.
  Json load_header(std::span<const uint8_t> header, const Json& config);
  void unload();
  bool loaded() const { return model_ != nullptr; }
  Json info() const;
  // What the file holds, for `hearth info` under Node (the native CLI prints the same): header
  // counts, hyper-parameters, bytes by tensor type, tokenizer settings, metadata as display strings.
  Json describe() const;
  // The forward pass for an external executor: config, values, nodes with their weights' offsets.
  Json plan() const;

  // request JSON: {"prompt": "text"} or {"tokens": [ids]}; "add_special" (true), "parse_special"
  // (true), "max_tokens" (-1 = until eog or the context is full), "ignore_eos" (false); sampling:
  // "temperature" (1), "top_k" (0), "top_p" (1), "min_p" (0), "repetition_penalty" (1),
  // "presence_penalty" (0), "frequency_penalty" (0), "penalty_last_n" (64), "seed" (0);
  // "logprobs" (false) and "top_logprobs" (0, in [0, 20]; > 0 implies logprobs): each step
  // reports log-probabilities (StepResult::has_logprobs). "grammar" (request_grammar.h): every
  // sampled token keeps the output inside it, end tokens come only where it is complete, and the
  // generation ends ("grammar") once nothing more may follow; a lazy grammar (grammar_gate.h)
  // binds only from its opening text. A constrained generation needs all logits each step:
  // candidates_suffice() and needs_tail() are false. "preserve_tokens": [texts] special tokens
  // whose text the output keeps (others' is dropped), for tool-call markers.
  // Encodes and evaluates the prompt; returns the prompt token count. Prefix reuse: the KV cache
  // keeps the longest common prefix of the prompt and the tokens it already holds (the previous
  // prompt and the generated tokens that were evaluated), and only the rest is prefilled; the
  // last prompt token is always re-evaluated, so its logits exist. "cache_prompt": false (default
  // true) starts from an empty cache. External evaluation never reuses (its cache is not ours).
  int32_t start(const Json& request);
  // Of the last start()'s prompt: tokens kept from the cache, and tokens evaluated (prefilled).
  int32_t cached_tokens() const { return cached_tokens_; }
  int32_t prefill_tokens() const { return prefill_tokens_; }
  StepResult step();
  bool generating() const { return generating_; }

  // External evaluation (a GPU executor outside the core): start() with "external_eval": true
  // encodes the prompt and sets up sampling but evaluates nothing; the caller evaluates the prompt
  // tokens (prompt_tokens()) and then each sampled token itself, handing the logits of the last
  // evaluated position to step_with_logits(). Same results as step() given the same logits.
  bool external_eval() const { return external_; }
  const std::vector<int32_t>& prompt_tokens() const { return prompt_tokens_; }
  StepResult step_with_logits(std::span<const float> logits);
  // GPU sampling: the executor ranked all tokens by (approximately) adjusted logit and hands over
  // its best n, with their raw logits. Every other token counts as -inf; the sampler then applies
  // penalties and bias exactly and samples as sample() does. Exact when the answer lies in the top
  // n whatever the last bits of the GPU's adjustment: the request must be greedy (temperature 0)
  // or have 1 <= top_k <= n / 2 (kInvalidArgument otherwise: hand over all logits instead).
  // With a bound grammar the candidates must be the best n of the masked logits (grammar_mask());
  // both forms then return nullopt when they do not decide the draw (the random stream untouched).
  std::optional<StepResult> step_with_candidates(std::span<const int32_t> ids, std::span<const float> logits);
  // The grammar's mask for the next token, one bit per token id, into words (at least n_vocab bits):
  // false (and all zero) when no grammar binds the next token.
  bool grammar_mask(std::span<uint64_t> words);
  // top_k 0 (or >= n_vocab) with temperature > 0: as above plus the GPU's estimate of the other
  // tokens' total weight (Sampler::sample_bounded, relative error tail_error). nullopt when the
  // bounds do not decide: nothing is consumed, hand over all logits (step_with_logits) instead.
  std::optional<StepResult> step_with_candidates_bounded(std::span<const int32_t> ids, std::span<const float> logits,
                                                         double tail_weight, double tail_error);
  // Whether this generation draws from the whole vocabulary (needs the bounded form).
  bool needs_tail() const;
  // Whether step_with_candidates() can serve this generation with n candidates.
  bool candidates_suffice(size_t n) const;
  // The CPU reference: logits of every position of `tokens` evaluated from an empty cache [T, n_vocab].
  // Resets the CPU executor's cache (a CPU generation in progress ends); an external one is untouched.
  std::vector<float> cpu_logits(std::span<const int32_t> tokens);
  // An embedding model's vectors for the request (embeddings.h). Needs the CPU executor (a
  // whole-file load); kInvalidArgument for a language model.
  Embeddings embed(const Json& request);
  // An external executor's embeddings (the GPU, which may have no CPU weights): embed_begin reads
  // the request into a job whose inputs the caller runs and pools; embed_end finishes the job from
  // their pooled vectors [inputs, n_embd] (kInvalidArgument without a job begun).
  const EmbeddingJob& embed_begin(const Json& request);
  Embeddings embed_end(std::span<const float> pooled);

  std::vector<int32_t> tokenize(std::string_view text, bool add_special, bool parse_special) const;
  std::string detokenize(std::span<const int32_t> ids, bool render_special = false) const;

  const Model& model() const;
  const Tokenizer& tokenizer() const;
  int32_t n_past() const { return exec_ ? exec_->n_past() : 0; }
  int64_t generated() const { return generated_; }

 private:
  int n_threads_;
  SharedBytes bytes_;
  std::unique_ptr<Model> model_;
  std::optional<Tokenizer> tokenizer_;
  std::unique_ptr<CpuExecutor> exec_;
  std::optional<EmbeddingJob> embed_job_;  // embed_begin's, until embed_end
  StepResult step_impl();
  StepResult finish_step(int32_t token);  // after sampling: eog, text, limits, (CPU) the next eval
  std::unique_ptr<Sampler> sampler_;
  GrammarCache grammars_;
  std::unique_ptr<GrammarGate> gate_;  // the generation's grammar, if it has one
  std::unordered_set<int32_t> preserved_;  // special tokens whose text the output keeps
  std::vector<uint64_t> mask_;
  void fill_grammar_mask();  // mask_: the bound grammar's allowed tokens now
  void apply_grammar_mask();
  int64_t tokens_left() const;  // this step's included: max_tokens and the context
  int32_t sample_within_budget();
  bool can_finish(int64_t left);                 // the grammar can still complete in `left` tokens
  bool fits_budget(int32_t token, int64_t left);  // after token, the rest and an end token fit
  struct Tail {
    double weight, error;
  };
  std::optional<StepResult> constrained_candidates_step(std::span<const int32_t> ids, std::span<const float> logits,
                                                        std::optional<Tail> tail);
  std::unique_ptr<Utf8Stream> stream_;
  std::vector<float> logits_;
  std::vector<int32_t> prompt_tokens_;
  std::vector<int32_t> cache_tokens_;  // the tokens in exec_'s KV cache, in order (n_past() of them)
  int32_t cached_tokens_ = 0;
  int32_t prefill_tokens_ = 0;
  bool external_ = false;
  int64_t external_n_past_ = 0;  // tokens the external executor has evaluated (or is told to)
  bool generating_ = false;
  bool ignore_eos_ = false;
  bool logprobs_ = false;
  int64_t max_tokens_ = -1;
  int64_t generated_ = 0;
};

SamplingParams sampling_params_from_json(const Json& request);

}  // namespace hearth::api
