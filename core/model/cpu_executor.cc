#include "core/model/cpu_executor.h"

#include <algorithm>
#include <cstring>

#include "core/cpu/attention.h"
#include "core/cpu/elementwise.h"
#include "core/cpu/matmul.h"
#include "core/cpu/rope.h"
#include "core/tensor/dequantize.h"
#include "core/util/error.h"

namespace hearth {
namespace {

const float* f32_data(const GgufTensor* t) { return t ? reinterpret_cast<const float*>(t->data) : nullptr; }

WeightMatrix matrix(const GgufTensor* t) {
  return {t->type(), t->data, int64_t(t->dims[0]), int64_t(t->dims[1])};
}

}  // namespace

CpuExecutor::CpuExecutor(const Model& model, int n_threads)
    : model_(model),
      pool_(n_threads > 0 ? n_threads : ThreadPool::default_threads()),
      cache_(model.graph().n_layer, model.n_ctx(), model.graph().kv_width) {
  // Liveness: a value's buffer returns to the free list after its last reader, so memory is a few
  // buffers per width rather than one per node.
  const Graph& g = model.graph();
  std::vector<size_t> last_use(g.widths.size(), 0);
  for (size_t n = 0; n < g.nodes.size(); ++n)
    for (int32_t in : g.nodes[n].in)
      if (in >= 0) last_use[size_t(in)] = n;
  last_use[size_t(g.logits)] = g.nodes.size();

  slot_of_.assign(g.widths.size(), -1);
  std::vector<int32_t> slot_width;
  std::vector<int32_t> free_slots;
  for (size_t n = 0; n < g.nodes.size(); ++n) {
    const Node& node = g.nodes[n];
    int32_t chosen = -1;
    for (size_t k = 0; k < free_slots.size(); ++k)
      if (slot_width[size_t(free_slots[k])] >= node.width) {
        chosen = free_slots[k];
        free_slots.erase(free_slots.begin() + std::ptrdiff_t(k));
        break;
      }
    if (chosen < 0) {
      chosen = int32_t(slot_width.size());
      slot_width.push_back(node.width);
    }
    slot_of_[size_t(node.out)] = chosen;
    // inputs whose last reader is this node are free for later nodes (not for this node's output)
    for (int32_t in : node.in)
      if (in >= 0 && last_use[size_t(in)] == n &&
          std::find(free_slots.begin(), free_slots.end(), slot_of_[size_t(in)]) == free_slots.end())
        free_slots.push_back(slot_of_[size_t(in)]);
  }
  slots_.resize(slot_width.size());
  for (size_t s = 0; s < slots_.size(); ++s) slots_[s].resize(size_t(kMaxBatch) * size_t(slot_width[s]));
}

std::vector<float> CpuExecutor::eval(std::span<const int32_t> tokens, bool all_logits) {
  const int32_t V = model_.config().n_vocab;
  if (tokens.empty()) fail(ErrorCode::kInvalidArgument, "eval needs at least one token");
  for (int32_t t : tokens)
    if (t < 0 || t >= V) fail(ErrorCode::kInvalidArgument, "token id " + std::to_string(t) + " is outside the vocabulary [0, " + std::to_string(V) + ")");
  if (int64_t(cache_.n_past()) + int64_t(tokens.size()) > cache_.n_ctx())
    fail(ErrorCode::kInvalidArgument, "context is full: " + std::to_string(cache_.n_past()) + " + " + std::to_string(tokens.size()) +
                                          " tokens exceed the context size " + std::to_string(cache_.n_ctx()));
  std::vector<float> logits(size_t(all_logits ? tokens.size() : 1) * size_t(V));
  for (size_t start = 0; start < tokens.size(); start += size_t(kMaxBatch)) {
    size_t n = std::min(tokens.size() - start, size_t(kMaxBatch));
    bool last_chunk = start + n == tokens.size();
    if (!all_logits && !last_chunk) {
      run_chunk(tokens.subspan(start, n), false, nullptr);
      continue;
    }
    run_chunk(tokens.subspan(start, n), all_logits, logits.data() + (all_logits ? start * size_t(V) : 0));
  }
  return logits;
}

void CpuExecutor::run_chunk(std::span<const int32_t> tokens, bool all_logits, float* logits_out) {
  const Graph& g = model_.graph();
  const int64_t T = int64_t(tokens.size());
  const int64_t pos0 = cache_.n_past();
  int64_t rows = T;  // rows of the values being computed; output_rows may cut it to 1
  for (const Node& node : g.nodes) {
    if (node.op == OpKind::kOutputRows && !all_logits && !logits_out) break;  // prefill chunk: no logits needed
    float* out = value(node.out);
    const int64_t w = node.width;
    const float* in0 = node.in[0] >= 0 ? value(node.in[0]) : nullptr;
    const int64_t w0 = node.in[0] >= 0 ? g.widths[size_t(node.in[0])] : 0;
    switch (node.op) {
      case OpKind::kEmbed: {
        const uint64_t row_bytes = ggml_row_bytes(node.weight->type(), uint64_t(w));
        for (int64_t t = 0; t < T; ++t)
          dequantize_row(node.weight->type(), node.weight->data + uint64_t(tokens[size_t(t)]) * row_bytes, out + t * w, w);
        break;
      }
      case OpKind::kRmsNorm:
        for (int64_t t = 0; t < rows; ++t) rms_norm(in0 + t * w, f32_data(node.weight), w, node.group, node.eps, out + t * w);
        break;
      case OpKind::kMatMul:
        matmul(matrix(node.weight), in0, rows, out, pool_);
        break;
      case OpKind::kAddBias: {
        const float* b = f32_data(node.weight);
        for (int64_t t = 0; t < rows; ++t)
          for (int64_t k = 0; k < w; ++k) out[t * w + k] = in0[t * w + k] + b[k];
        break;
      }
      case OpKind::kSlice:
        for (int64_t t = 0; t < rows; ++t) std::memcpy(out + t * w, in0 + t * w0 + node.offset, size_t(w) * sizeof(float));
        break;
      case OpKind::kRope: {
        RopeParams p{node.n_head, node.group, node.n_rot, node.rope_base, node.scale, node.rope_mscale,
                     node.rope_mode == RopeMode::kNeox, f32_data(node.weight)};
        if (out != in0) std::memcpy(out, in0, size_t(rows * w) * sizeof(float));
        for (int64_t t = 0; t < rows; ++t) rope_row(out + t * w, pos0 + t, p);
        break;
      }
      case OpKind::kAttention: {
        const int64_t kvw = g.kv_width;
        float* kc = cache_.k(node.layer);
        float* vc = cache_.v(node.layer);
        std::memcpy(kc + pos0 * kvw, value(node.in[1]), size_t(T * kvw) * sizeof(float));
        std::memcpy(vc + pos0 * kvw, value(node.in[2]), size_t(T * kvw) * sizeof(float));
        AttentionParams p{node.n_head, node.n_head_kv, node.group, node.scale, node.cap, node.window};
        attention(in0, T, pos0, kc, vc, p, out, pool_);
        break;
      }
      case OpKind::kGlu:
        if (node.activation == Activation::kSilu) silu_mul(in0, value(node.in[1]), rows * w, out);
        else gelu_tanh_mul(in0, value(node.in[1]), rows * w, out);
        break;
      case OpKind::kAdd: {
        const float* in1 = value(node.in[1]);
        for (int64_t k = 0; k < rows * w; ++k) out[k] = in0[k] + in1[k];
        break;
      }
      case OpKind::kScale:
        for (int64_t k = 0; k < rows * w; ++k) out[k] = in0[k] * node.scale;
        break;
      case OpKind::kSoftCap:
        soft_cap(in0, rows * w, node.cap, out);
        break;
      case OpKind::kOutputRows:
        if (all_logits) {
          if (out != in0) std::memcpy(out, in0, size_t(T * w) * sizeof(float));
        } else {
          std::memmove(out, in0 + (T - 1) * w, size_t(w) * sizeof(float));
          rows = 1;
        }
        break;
    }
  }
  cache_.set_n_past(int32_t(pos0 + T));
  if (logits_out) std::memcpy(logits_out, value(g.logits), size_t(rows * g.widths[size_t(g.logits)]) * sizeof(float));
}

}  // namespace hearth
