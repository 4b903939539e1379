#include "core/api/session.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "core/tensor/ggml_type.h"
#include "core/util/error.h"

namespace hearth::api {

SamplingParams sampling_params_from_json(const Json& r) {
  if (!r.is_object()) fail(ErrorCode::kInvalidArgument, "the request must be a JSON object");
  SamplingParams sp;
  sp.temperature = float(get_number(r, "temperature", sp.temperature, 0.0, 100.0));
  sp.top_k = int32_t(get_integer(r, "top_k", sp.top_k, 0, INT32_MAX));
  sp.top_p = float(get_number(r, "top_p", sp.top_p, 0.0, 1.0));
  sp.min_p = float(get_number(r, "min_p", sp.min_p, 0.0, 1.0));
  sp.repetition_penalty = float(get_number(r, "repetition_penalty", sp.repetition_penalty, 0.0, 100.0));
  sp.presence_penalty = float(get_number(r, "presence_penalty", sp.presence_penalty, -2.0, 2.0));
  sp.frequency_penalty = float(get_number(r, "frequency_penalty", sp.frequency_penalty, -2.0, 2.0));
  sp.penalty_last_n = int32_t(get_integer(r, "penalty_last_n", sp.penalty_last_n, -1, INT32_MAX));
  // seeds above 2^53 do not survive a JSON number (a JS double); the range says so
  sp.seed = uint64_t(get_integer(r, "seed", 0, 0, (int64_t(1) << 53)));
  sp.top_logprobs = int32_t(get_integer(r, "top_logprobs", 0, 0, 20));
  // logit_bias: OpenAI's {"token id": bias}; validate() checks the ids and the [-100, 100] range
  if (const Json* lb = r.find("logit_bias"); lb && !lb->is_null()) {
    if (!lb->is_object()) fail(ErrorCode::kInvalidArgument, "'logit_bias' must be an object {\"token id\": bias}");
    for (const auto& [key, bias] : lb->as_object()) {
      char* end = nullptr;
      const long id = std::strtol(key.c_str(), &end, 10);
      if (key.empty() || *end != '\0' || id < 0 || id > INT32_MAX || !bias.is_number())
        fail(ErrorCode::kInvalidArgument, "'logit_bias' entries must be \"token id\": number, not \"" + key + "\"");
      sp.logit_bias.emplace_back(int32_t(id), float(bias.as_number()));
    }
  }
  return sp;
}

Json Session::load(std::vector<uint8_t> bytes, const Json& config) {
  auto owned = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
  size_t size = owned->size();
  SharedBytes data(owned, owned->data());  // aliasing: keeps the vector alive
  return load(std::move(data), size, config);
}

// The load config's model options: "n_ctx", "pooling" (replaces the file's pooling type).
static ModelOptions model_options(const Json& config) {
  ModelOptions options;
  options.n_ctx = int32_t(get_integer(config, "n_ctx", 0, 0, 1 << 24));
  if (const Json* p = config.find("pooling"); p && !p->is_null()) {
    if (!p->is_string()) fail(ErrorCode::kInvalidArgument, "'pooling' must be one of \"none\", \"mean\", \"cls\", \"last\"");
    options.pooling = pooling_from_name(p->as_string());
  }
  return options;
}

Json Session::load(SharedBytes data, size_t size, const Json& config) {
  unload();
  if (!config.is_null() && !config.is_object()) fail(ErrorCode::kInvalidArgument, "the config must be a JSON object");
  const ModelOptions options = model_options(config);
  const int n_threads = int(get_integer(config, "n_threads", n_threads_, 0, 1024));
  auto model = Model::load(std::span<const uint8_t>(data.get(), size), options);
  Tokenizer tok = Tokenizer::from_gguf(model->file());
  auto exec = std::make_unique<CpuExecutor>(*model, n_threads);
  // everything built: commit
  bytes_ = std::move(data);
  model_ = std::move(model);
  tokenizer_.emplace(std::move(tok));
  exec_ = std::move(exec);
  return info();
}

Json Session::load_header(std::span<const uint8_t> header, const Json& config) {
  unload();
  if (!config.is_object()) fail(ErrorCode::kInvalidArgument, "the config must be a JSON object with 'file_size'");
  const ModelOptions options = model_options(config);
  // a JSON number (a JS double) carries sizes up to 2^53 exactly: files over 4 GB included
  const int64_t file_size = get_integer(config, "file_size", -1, 0, int64_t(1) << 53);
  if (file_size < 0) fail(ErrorCode::kInvalidArgument, "'file_size' (the whole file's size in bytes) is required");
  auto model = Model::load_header(header, uint64_t(file_size), options);
  Tokenizer tok = Tokenizer::from_gguf(model->file());
  model_ = std::move(model);
  tokenizer_.emplace(std::move(tok));
  return info();
}

void Session::unload() {
  generating_ = false;
  gate_.reset();
  grammars_.clear();
  stream_.reset();
  sampler_.reset();
  exec_.reset();
  cache_tokens_.clear();
  cached_tokens_ = prefill_tokens_ = 0;
  tokenizer_.reset();
  model_.reset();
  bytes_.reset();
  logits_.clear();
}

const Model& Session::model() const {
  if (!model_) fail(ErrorCode::kInvalidArgument, "no model is loaded");
  return *model_;
}

const Tokenizer& Session::tokenizer() const {
  if (!tokenizer_) fail(ErrorCode::kInvalidArgument, "no model is loaded");
  return *tokenizer_;
}

Json Session::info() const {
  const Model& m = model();
  const ModelConfig& c = m.config();
  const Tokenizer& t = *tokenizer_;
  Json j{Json::Object{}};
  j.set("architecture", c.arch_name);
  j.set("n_vocab", c.n_vocab);
  j.set("n_ctx", m.n_ctx());
  j.set("n_ctx_train", c.n_ctx_train);
  j.set("n_layer", c.n_layer);
  j.set("n_embd", c.n_embd);
  j.set("pooling", pooling_name(c.pooling));  // "none": a language model
  j.set("n_head", c.n_head);
  j.set("n_head_kv", c.n_head_kv);
  j.set("weight_bytes", m.weight_bytes());
  j.set("tokenizer", t.model_name());
  j.set("bos_id", t.bos_id());
  j.set("eos_id", t.eos_id());
  j.set("chat_template", m.file().has("tokenizer.chat_template"));
  j.set("details", describe());
  j.set("n_threads", exec_ ? exec_->threads() : 0);  // 0: loaded from its header, no CPU executor
  return j;
}

Json Session::describe() const {
  const Model& m = model();
  const ModelConfig& c = m.config();
  const GgufFile& f = m.file();
  const Tokenizer& t = *tokenizer_;
  Json j{Json::Object{}};
  j.set("gguf_version", double(f.version()));
  j.set("n_tensors", double(f.tensors().size()));
  j.set("n_metadata", double(f.metadata().size()));
  j.set("weight_bytes", double(m.weight_bytes()));
  j.set("name", f.get_string_or("general.name", "(none)"));
  j.set("architecture", c.arch_name);
  j.set("n_layer", c.n_layer);
  j.set("n_embd", c.n_embd);
  j.set("pooling", pooling_name(c.pooling));  // "none": a language model
  j.set("n_ff", c.n_ff);
  j.set("n_head", c.n_head);
  j.set("n_head_kv", c.n_head_kv);
  j.set("head_dim", c.head_dim);
  j.set("n_vocab", c.n_vocab);
  j.set("n_ctx_train", c.n_ctx_train);
  j.set("rope_base", double(c.layers.empty() ? 0.0f : c.layers[0].rope_base));
  j.set("n_rot", c.n_rot);
  j.set("rms_eps", double(c.rms_eps));
  j.set("layer_norm_eps", c.traits->encoder ? Json(double(c.layer_norm_eps)) : Json(nullptr));  // encoders
  j.set("causal", c.causal);
  j.set("sliding_window", c.sliding_window);
  j.set("attn_softcap", double(c.attn_softcap));
  j.set("final_softcap", double(c.final_softcap));
  j.set("tied_embeddings", m.weights().output == m.weights().token_embd);
  Json::Array types;  // in first-seen order; the caller sorts by name as the native CLI does
  for (const GgufTensor& gt : f.tensors()) {
    const std::string name = ggml_type_name(gt.type());
    Json* found = nullptr;
    for (Json& e : types)
      if (e.find("type")->as_string() == name) found = &e;
    if (!found) {
      Json e{Json::Object{}};
      e.set("type", name);
      e.set("count", 0);
      e.set("bytes", 0.0);
      types.push_back(std::move(e));
      found = &types.back();
    }
    found->set("count", found->find("count")->as_number() + 1);
    found->set("bytes", found->find("bytes")->as_number() + double(gt.n_bytes));
  }
  j.set("tensor_types", std::move(types));
  j.set("tokenizer", t.model_name());
  j.set("tokenizer_pre", t.pre_name());
  j.set("vocab_size", t.vocab_size());
  j.set("bos_id", t.bos_id());
  j.set("eos_id", t.eos_id());
  j.set("add_bos", t.add_bos());
  j.set("add_eos", t.add_eos());
  j.set("chat_template", f.has("tokenizer.chat_template"));
  Json::Array metadata;
  for (const auto& [key, value] : f.metadata()) {
    Json::Array kv;
    kv.emplace_back(key);
    kv.emplace_back(value.to_display_string());
    metadata.emplace_back(std::move(kv));
  }
  j.set("metadata", std::move(metadata));
  return j;
}

namespace {

// "preserve_tokens": special tokens whose text the output keeps (tool-call markers such as
// [TOOL_CALLS] and <|python_tag|>, which a parser must see). A text that is no single token of
// this vocabulary is skipped: there it is ordinary text and comes out anyway.
std::unordered_set<int32_t> preserved_tokens(const Json& request, const Tokenizer& tokenizer) {
  std::unordered_set<int32_t> ids;
  const Json* p = request.find("preserve_tokens");
  if (!p || p->is_null()) return ids;
  if (!p->is_array()) fail(ErrorCode::kInvalidArgument, "'preserve_tokens' must be an array of token texts");
  for (const Json& t : p->as_array()) {
    if (!t.is_string()) fail(ErrorCode::kInvalidArgument, "'preserve_tokens' must be an array of token texts");
    if (int32_t id = tokenizer.token_id(t.as_string()); id >= 0) ids.insert(id);
  }
  return ids;
}

}  // namespace

int32_t Session::start(const Json& request) {
  const Model& m = model();
  generating_ = false;
  if (!request.is_object()) fail(ErrorCode::kInvalidArgument, "the request must be a JSON object");
  SamplingParams sp = sampling_params_from_json(request);
  const int64_t max_tokens = get_integer(request, "max_tokens", -1, -1, INT32_MAX);
  const bool ignore_eos = get_bool(request, "ignore_eos", false);
  const bool add_special = get_bool(request, "add_special", true);
  const bool parse_special = get_bool(request, "parse_special", true);
  const bool cache_prompt = get_bool(request, "cache_prompt", true);
  const bool logprobs = get_bool(request, "logprobs", false) || sp.top_logprobs > 0;
  std::unique_ptr<GrammarGate> gate;
  if (const Json* g = request.find("grammar"); g && !g->is_null())
    gate = std::make_unique<GrammarGate>(grammars_.get(*g, *tokenizer_), *g);
  std::unordered_set<int32_t> preserved = preserved_tokens(request, *tokenizer_);

  std::vector<int32_t> tokens;
  const Json* prompt = request.find("prompt");
  const Json* ids = request.find("tokens");
  if ((prompt && !prompt->is_null()) == (ids && !ids->is_null()))
    fail(ErrorCode::kInvalidArgument, "the request needs exactly one of 'prompt' (a string) or 'tokens' (an array of ids)");
  if (prompt && !prompt->is_null()) {
    if (!prompt->is_string()) fail(ErrorCode::kInvalidArgument, "'prompt' must be a string");
    tokens = tokenizer_->encode(prompt->as_string(), add_special, parse_special);
  } else {
    if (!ids->is_array()) fail(ErrorCode::kInvalidArgument, "'tokens' must be an array of token ids");
    const int32_t n_vocab = m.config().n_vocab;
    for (const Json& v : ids->as_array()) {
      if (!v.is_number() || v.as_number() != std::floor(v.as_number()) || v.as_number() < 0 || v.as_number() >= n_vocab)
        fail(ErrorCode::kInvalidArgument, "'tokens' holds a value that is not a token id in [0, " + std::to_string(n_vocab) + ")");
      tokens.push_back(int32_t(v.as_number()));
    }
  }
  if (tokens.empty()) fail(ErrorCode::kInvalidArgument, "the prompt encodes to no tokens");
  if (int64_t(tokens.size()) > m.n_ctx())
    fail(ErrorCode::kInvalidArgument, "the prompt has " + std::to_string(tokens.size()) +
                                          " tokens, more than the context size " + std::to_string(m.n_ctx()));

  auto sampler = std::make_unique<Sampler>(sp, m.config().n_vocab);  // validates
  for (int32_t t : tokens) sampler->accept(t);  // penalties see the prompt too, as in hearth run
  const bool external = get_bool(request, "external_eval", false);
  if (!external && !exec_)
    fail(ErrorCode::kInvalidArgument, "the model was loaded from its header only (its weights are on the GPU): start with external_eval");
  // prefix reuse: keep the longest common prefix of the cache and the prompt, less the last
  // prompt token (re-evaluated for its logits); an external executor keeps its own cache
  size_t common = 0;
  if (!external && cache_prompt) {
    const size_t n = std::min(cache_tokens_.size(), tokens.size() - 1);
    while (common < n && cache_tokens_[common] == tokens[common]) ++common;
  }
  cached_tokens_ = prefill_tokens_ = 0;
  if (exec_) exec_->truncate(int32_t(common));
  cache_tokens_.resize(common);  // eval leaves the cache unchanged when it throws
  if (external) {
    logits_.clear();
  } else {
    logits_ = exec_->eval(std::span<const int32_t>(tokens).subspan(common));
    cache_tokens_ = tokens;
  }
  cached_tokens_ = int32_t(common);
  prefill_tokens_ = int32_t(tokens.size() - common);
  external_ = external;
  external_n_past_ = int64_t(tokens.size());
  prompt_tokens_ = tokens;
  sampler_ = std::move(sampler);
  gate_ = std::move(gate);
  preserved_ = std::move(preserved);
  stream_ = std::make_unique<Utf8Stream>(*tokenizer_);
  max_tokens_ = max_tokens;
  ignore_eos_ = ignore_eos;
  logprobs_ = logprobs;
  generated_ = 0;
  generating_ = true;
  if (max_tokens_ == 0) generating_ = false;  // nothing to generate: generating() is false
  return int32_t(tokens.size());
}

StepResult Session::step() {
  if (!stream_) fail(ErrorCode::kInvalidArgument, "no generation in progress: call start() first");
  if (!generating_) fail(ErrorCode::kInvalidArgument, "the generation has finished: call start() again");
  if (external_) fail(ErrorCode::kInvalidArgument, "this generation is evaluated externally: call step_with_logits()");
  return step_impl();
}

StepResult Session::step_with_logits(std::span<const float> logits) {
  if (!stream_) fail(ErrorCode::kInvalidArgument, "no generation in progress: call start() first");
  if (!generating_) fail(ErrorCode::kInvalidArgument, "the generation has finished: call start() again");
  if (!external_) fail(ErrorCode::kInvalidArgument, "this generation is evaluated by the core: call step()");
  const size_t V = size_t(model().config().n_vocab);
  if (logits.size() != V)
    fail(ErrorCode::kInvalidArgument, "expected " + std::to_string(V) + " logits, got " + std::to_string(logits.size()));
  logits_.assign(logits.begin(), logits.end());
  return step_impl();
}

bool Session::candidates_suffice(size_t n) const {
  // log-probabilities are normalised over the whole vocabulary: candidates would overstate them
  if (!sampler_ || logprobs_) return false;
  const SamplingParams& p = sampler_->params();
  return p.temperature <= 0.0f || (p.top_k >= 1 && size_t(p.top_k) <= n / 2);
}

bool Session::needs_tail() const {
  // log-probabilities need every logit (candidates and a tail weight would overstate them)
  if (!sampler_ || logprobs_) return false;
  const SamplingParams& p = sampler_->params();
  return p.temperature > 0.0f && (p.top_k == 0 || p.top_k >= model().config().n_vocab);
}

std::optional<StepResult> Session::step_with_candidates_bounded(std::span<const int32_t> ids, std::span<const float> logits,
                                                                double tail_weight, double tail_error) {
  if (!stream_) fail(ErrorCode::kInvalidArgument, "no generation in progress: call start() first");
  if (!generating_) fail(ErrorCode::kInvalidArgument, "the generation has finished: call start() again");
  if (!external_) fail(ErrorCode::kInvalidArgument, "this generation is evaluated by the core: call step()");
  if (ids.size() != logits.size() || ids.empty()) fail(ErrorCode::kInvalidArgument, "candidates: ids and logits differ in count, or are empty");
  if (!(tail_weight >= 0.0) || !(tail_error >= 0.0 && tail_error < 1.0))
    fail(ErrorCode::kInvalidArgument, "candidates: the tail weight must be >= 0 and its error in [0, 1)");
  if (gate_ && gate_->bound()) return constrained_candidates_step(ids, logits, Tail{tail_weight, tail_error});
  // the candidates only: a vocabulary-sized pass per token cost ~0.4 ms in wasm at 128k tokens
  const std::optional<int32_t> token = sampler_->sample_bounded_sparse(ids, logits, tail_weight, tail_error);
  if (!token) return std::nullopt;
  return finish_step(*token);
}

std::optional<StepResult> Session::step_with_candidates(std::span<const int32_t> ids, std::span<const float> logits) {
  if (!stream_) fail(ErrorCode::kInvalidArgument, "no generation in progress: call start() first");
  if (!generating_) fail(ErrorCode::kInvalidArgument, "the generation has finished: call start() again");
  if (!external_) fail(ErrorCode::kInvalidArgument, "this generation is evaluated by the core: call step()");
  if (ids.size() != logits.size() || ids.empty()) fail(ErrorCode::kInvalidArgument, "candidates: ids and logits differ in count, or are empty");
  if (!candidates_suffice(ids.size()))
    fail(ErrorCode::kInvalidArgument, std::to_string(ids.size()) +
                                          " candidates do not decide this sampling (it needs temperature 0 or top_k <= " +
                                          std::to_string(ids.size() / 2) + "): hand over all logits");
  if (gate_ && gate_->bound()) return constrained_candidates_step(ids, logits, std::nullopt);
  return finish_step(sampler_->sample_sparse(ids, logits));
}

StepResult Session::step_impl() {
  if (!gate_ || !gate_->bound()) return finish_step(sampler_->sample(logits_));
  apply_grammar_mask();
  return finish_step(sample_within_budget());
}


StepResult Session::finish_step(int32_t next) {
  StepResult r;
  r.token = next;
  if (logprobs_) {
    r.has_logprobs = true;
    r.logprob = sampler_->last_logprob();
    r.bytes = tokenizer_->token_to_piece(next, /*render_special=*/true);
    for (const TokenLogprob& t : sampler_->last_top_logprobs())
      r.top_logprobs.push_back({t.token, t.logprob, tokenizer_->token_to_piece(t.token, /*render_special=*/true)});
  }
  if (tokenizer_->is_eog(next) && !ignore_eos_) {
    r.text = stream_->flush();
    r.done = true;
    r.finish_reason = "eog";
    generating_ = false;
    return r;
  }
  sampler_->accept(next);
  ++generated_;
  const bool preserved = preserved_.contains(next);
  r.text = preserved ? stream_->push_bytes(tokenizer_->token_to_piece(next, /*render_special=*/true)) : stream_->push(next);
  if (gate_ && !gate_->bound()) gate_->observe(tokenizer_->token_to_piece(next, /*render_special=*/preserved));
  else if (gate_) {
    if (!gate_->matcher().accept_token(next)) fail(ErrorCode::kInternal, "the sampler chose a token the grammar refuses");
  }
  if (gate_ && gate_->bound()) {
    if (gate_->matcher().must_end()) {
      r.text += stream_->flush();
      r.done = true;
      r.finish_reason = "grammar";
      generating_ = false;
      return r;
    }
  }
  const int64_t n_past = external_ ? external_n_past_ : int64_t(exec_->n_past());
  if ((max_tokens_ >= 0 && generated_ >= max_tokens_) || n_past >= model_->n_ctx()) {
    r.text += stream_->flush();
    r.done = true;
    r.finish_reason = "length";
    generating_ = false;
    return r;
  }
  if (external_) ++external_n_past_;  // the caller evaluates `next` and hands back its logits
  else {
    logits_ = exec_->eval(std::span<const int32_t>(&next, 1));
    cache_tokens_.push_back(next);
  }
  return r;
}

std::vector<float> Session::cpu_logits(std::span<const int32_t> tokens) {
  model();
  if (!exec_) fail(ErrorCode::kInvalidArgument, "the model was loaded from its header only: no CPU weights for cpu_logits (load the whole file)");
  if (!external_) generating_ = false;
  exec_->reset();
  cache_tokens_.clear();
  return exec_->eval(tokens, true);
}

Embeddings Session::embed(const Json& request) {
  model();
  if (!exec_) fail(ErrorCode::kInvalidArgument, "the model was loaded from its header only (the GPU path): embeddings run on the CPU executor");
  return compute_embeddings(*exec_, *tokenizer_, request);
}

const EmbeddingJob& Session::embed_begin(const Json& request) {
  const Model& m = model();
  embed_job_.reset();
  embed_job_ = prepare_embeddings(m, m.n_ctx(), *tokenizer_, request);
  return *embed_job_;
}

Embeddings Session::embed_end(std::span<const float> pooled) {
  if (!embed_job_) fail(ErrorCode::kInvalidArgument, "embed_end without embed_begin");
  const EmbeddingJob job = std::move(*embed_job_);
  embed_job_.reset();
  return finish_embeddings(job, pooled);
}

Json Session::plan() const {
  const Model& m = model();
  const Graph& g = m.graph();
  const uint64_t data_offset = m.file().data_offset();
  Json config{Json::Object{}};
  config.set("n_layer", g.n_layer);
  config.set("kv_width", g.kv_width);
  config.set("n_ctx", m.n_ctx());
  config.set("n_vocab", m.config().n_vocab);
  config.set("data_offset", double(data_offset));
  config.set("pooling", pooling_name(g.pooling));
  Json::Array widths;
  for (int32_t w : g.widths) widths.emplace_back(w);
  Json::Array nodes;
  for (const Node& n : g.nodes) {
    Json j{Json::Object{}};
    j.set("op", op_name(n.op));
    j.set("name", n.name);
    j.set("out", n.out);
    Json::Array in;
    for (int32_t v : n.in)
      if (v >= 0) in.emplace_back(v);
    j.set("in", std::move(in));
    j.set("width", n.width);
    j.set("group", n.group);
    j.set("offset", n.offset);
    j.set("n_head", n.n_head);
    j.set("n_head_kv", n.n_head_kv);
    j.set("n_rot", n.n_rot);
    j.set("layer", n.layer);
    j.set("window", n.window);
    j.set("eps", double(n.eps));
    j.set("scale", double(n.scale));
    j.set("cap", double(n.cap));
    j.set("rope_base", double(n.rope_base));
    j.set("rope_mscale", double(n.rope_mscale));
    j.set("rope_neox", n.rope_mode == RopeMode::kNeox);
    j.set("activation", n.activation == Activation::kSilu ? "silu" : "gelu_tanh");
    j.set("causal", n.causal);
    j.set("positional", n.positional);
    j.set("pooling", pooling_name(n.pooling));
    auto weight = [&](const GgufTensor* t) {
      if (!t) return Json(nullptr);
      Json w{Json::Object{}};
      w.set("name", t->name);
      w.set("type", ggml_type_name(t->type()));
      Json::Array dims;
      for (uint64_t d : t->dims) dims.emplace_back(double(d));
      w.set("dims", std::move(dims));
      w.set("offset", double(t->offset));
      w.set("file_offset", double(data_offset + t->offset));
      w.set("n_bytes", double(t->n_bytes));
      return w;
    };
    j.set("weight", weight(n.weight));
    j.set("bias", weight(n.bias));
    nodes.push_back(std::move(j));
  }
  Json j{Json::Object{}};
  j.set("config", std::move(config));
  j.set("widths", std::move(widths));
  j.set("logits", g.logits);
  j.set("nodes", std::move(nodes));
  return j;
}

std::vector<int32_t> Session::tokenize(std::string_view text, bool add_special, bool parse_special) const {
  return tokenizer().encode(text, add_special, parse_special);
}

std::string Session::detokenize(std::span<const int32_t> ids, bool render_special) const {
  return tokenizer().decode(ids, render_special);
}

}  // namespace hearth::api
