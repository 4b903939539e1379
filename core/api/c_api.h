// hearth's C ABI: the one narrow boundary the wasm module exports to JavaScript. Requests, config
// and replies are UTF-8 JSON strings; model bytes are a buffer the caller malloc'd.
//
// Every call that can fail returns a JSON string: the result, or {"error": {"type": "<code>",
// "message": "..."}} where <code> is error_code_name() of the hearth::Error ("invalid_argument",
// "malformed_file", "unsupported", "out_of_memory", "internal"). Nothing traps or throws across
// the boundary, and the session stays usable after an error. A returned string is owned by the
// session and valid until the next call on that session.
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hearth_session hearth_session;

hearth_session* hearth_session_create(void);  // one thread: the CPU executor runs inline
void hearth_session_destroy(hearth_session* s);

// Takes ownership of data (from malloc; freed with free() on unload, destroy or failure).
// config: {"n_ctx": N, "n_threads": T (CPU threads; absent = 1, 0 = all; the wasm module without
// pthreads runs 1)}. Returns the model info: {"architecture", "n_vocab", "n_ctx", ..., "n_threads"}.
const char* hearth_session_load(hearth_session* s, uint8_t* data, size_t size, const char* config_json);
// Header-only load, for the GPU path (weights stream from the file into GPU buffers, never into
// wasm memory): data = the first `size` bytes of the file (not taken: the caller frees it), config
// as load's plus "file_size": the whole file's bytes (a JSON number, so files over 4 GB work).
// Replies {"need_bytes": N} when the header runs past `size` (read at least N bytes, call again),
// else the model info. Generations must then use "external_eval"; cpu_logits fails.
const char* hearth_session_load_header(hearth_session* s, const uint8_t* data, size_t size, const char* config_json);
const char* hearth_session_unload(hearth_session* s);  // {}

// request: {"prompt": "..."} or {"tokens": [...]}, sampling fields (session.h). Evaluates the
// prompt. Returns {"prompt_tokens": N, "n_ctx": C}.
const char* hearth_session_start(hearth_session* s, const char* request_json);
// Returns {"token": id, "text": "...", "done": bool, "finish_reason": null|"eog"|"length"}; when the
// request asked for "logprobs" / "top_logprobs", also "logprob", "bytes" (the token's raw bytes as
// numbers) and "top_logprobs": [{"token", "logprob", "bytes"}] (best first).
const char* hearth_session_step(hearth_session* s);

// External evaluation (the WebGPU executor in JS): start with "external_eval": true evaluates
// nothing and its reply adds "tokens" (the prompt's ids, for the caller to evaluate); then each
// step_logits takes the n_vocab f32 logits of the last evaluated position and replies as step does.
// The caller evaluates each returned token (unless done) before the next step_logits.
const char* hearth_session_step_logits(hearth_session* s, const float* logits, size_t n);
// GPU sampling (Session::step_with_candidates): the n best token ids by adjusted logit and their raw
// logits; every other token is treated as -inf. Replies as step does. Only for greedy requests or
// 1 <= top_k <= n/2; "candidates_suffice" in start's reply (for external_eval, with "n_candidates"
// in the request) says whether it applies. With a grammar ("grammar": true in start's reply) the
// candidates are those of the logits masked by grammar_mask, and either step form may reply
// {"undecided": true} (nothing consumed: hand over all logits with step_logits).
const char* hearth_session_step_candidates(hearth_session* s, const int32_t* ids, const float* logits, size_t n);
// The grammar's mask for the next token: bit i of the n u32 words (n even, 8-byte aligned, at
// least n_vocab bits) set when token i is allowed. {"masked": false} (all zero) when no grammar
// binds the next token (none, or a lazy one not yet triggered): sample unmasked.
const char* hearth_session_grammar_mask(hearth_session* s, uint32_t* words, size_t n);
// Full-vocabulary draws (top_k 0, temperature > 0): the same plus the GPU's sum of the other tokens'
// weights exp((l - max) / temperature) within relative error tail_error. Replies as step does, or
// {"undecided": true} when those bounds do not decide the token (nothing consumed: hand over all
// logits with step_logits). "needs_tail" in start's reply says a generation is of this kind.
const char* hearth_session_step_candidates_bounded(hearth_session* s, const int32_t* ids, const float* logits, size_t n,
                                                   double tail_weight, double tail_error);
// The model's forward pass as JSON for an external executor: {"config": {"n_layer", "kv_width",
// "n_ctx", "n_vocab", "data_offset"}, "widths": [...], "logits": id, "nodes": [{"op", "name", "out",
// "in": [...], "width", params..., "weight": null | {"name", "type", "dims", "offset" (in the data
// section), "file_offset", "n_bytes"}}]}.
const char* hearth_session_plan(hearth_session* s);
// The CPU reference for checking an external executor: {"tokens": [...]} evaluated from an empty
// CPU cache; writes T·n_vocab f32 logits (every position) to out (capacity n floats). Ends a CPU
// generation in progress. Returns {"n_tokens": T, "n_vocab": V}.
const char* hearth_session_cpu_logits(hearth_session* s, const char* request_json, float* out, size_t n);

// Embeddings (core/api/embeddings.h's request: "input", "dimensions", "normalize", "truncate") of
// an embedding model ("pooling" in the model info is not "none"): writes n_inputs · dim f32 to out
// (capacity n floats; dim = "dimensions", else n_embd) and returns {"n_inputs", "dim",
// "prompt_tokens"}.
const char* hearth_session_embed(hearth_session* s, const char* request_json, float* out, size_t n);
// The same for an external executor (the GPU): embed_begin reads and tokenizes the request,
// replying {"inputs": [[ids], ...] (each 1..n_ctx tokens), "n_embd", "dim", "prompt_tokens"}; the
// caller runs and pools the inputs and hands embed_end their n_inputs · n_embd pooled f32, which it
// overwrites from the start with the n_inputs · dim results; replies as embed does.
const char* hearth_session_embed_begin(hearth_session* s, const char* request_json);
const char* hearth_session_embed_end(hearth_session* s, float* pooled, size_t n);

// Chat prompt (core/api/chat_request.h): {"messages": [...], "tools"?, "add_generation_prompt" (true),
// "chat_template"?: the request's template, else the model's tokenizer.chat_template, else ChatML}
// → {"prompt": "...", "add_special": bool (false when the text already starts with BOS),
// "template": "request"|"model"|"fallback"}. A template that raises is an invalid_argument error.
const char* hearth_session_chat_prompt(hearth_session* s, const char* request_json);

// Renders a chat template as `hearth template` does: {"template"?: text (absent: the loaded model's
// tokenizer.chat_template), "messages": [...], "tools"?: [...], "add_generation_prompt": bool (false),
// "bos_token"?, "eos_token"? (absent: the loaded model's token texts, else empty), "now"?: "YYYY-MM-DD"
// (fixes strftime_now)} → {"prompt": "..."}. Works without a model when "template" is given; a
// template that raises is an invalid_argument error with its message.
const char* hearth_session_render_template(hearth_session* s, const char* request_json);

// {"text": "...", "add_special": bool (false), "parse_special": bool (false)} → {"tokens": [...]}
const char* hearth_session_tokenize(hearth_session* s, const char* request_json);
// {"tokens": [...], "render_special": bool (false)} → {"text": "..."}
const char* hearth_session_detokenize(hearth_session* s, const char* request_json);

#ifdef __cplusplus
}
#endif
