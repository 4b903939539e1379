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

bool pools(const Model& model) { return model.graph().pooling != Pooling::kNone; }

}  // namespace

// The tokens of one run, their positions, and (embedding runs) the packed sequences: seq_starts
// holds S + 1 offsets, seq_begin / seq_end each token's sequence bounds.
struct CpuExecutor::Batch {
  std::span<const int32_t> tokens;
  std::vector<int32_t> positions;
  std::vector<int32_t> seq_starts, seq_begin, seq_end;
  bool packed = false;  // attention within each sequence, no cache
};

CpuExecutor::CpuExecutor(const Model& model, int n_threads)
    : model_(model),
      pool_(n_threads > 0 ? n_threads : ThreadPool::default_threads()),
      cache_(pools(model) ? 0 : model.graph().n_layer, model.n_ctx(), model.graph().kv_width),
      max_rows_(pools(model) ? model.n_ctx() : kMaxBatch) {
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
  try {
    for (size_t s = 0; s < slots_.size(); ++s) slots_[s].resize(size_t(max_rows_) * size_t(slot_width[s]));
  } catch (const std::bad_alloc&) {
    fail(ErrorCode::kOutOfMemory, "activations for " + std::to_string(max_rows_) + " tokens do not fit in memory");
  }
}

void CpuExecutor::check_tokens(std::span<const int32_t> tokens) const {
  const int32_t V = model_.config().n_vocab;
  for (int32_t t : tokens)
    if (t < 0 || t >= V) fail(ErrorCode::kInvalidArgument, "token id " + std::to_string(t) + " is outside the vocabulary [0, " + std::to_string(V) + ")");
}

std::vector<float> CpuExecutor::embed(std::span<const std::vector<int32_t>> inputs) {
  if (!pools(model_))
    fail(ErrorCode::kInvalidArgument, "this model does not pool its hidden states ({arch}.pooling_type): it is not an embedding model");
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].empty()) fail(ErrorCode::kInvalidArgument, "input " + std::to_string(i) + " has no tokens");
    if (int64_t(inputs[i].size()) > max_rows_)
      fail(ErrorCode::kInvalidArgument, "input " + std::to_string(i) + " has " + std::to_string(inputs[i].size()) +
                                            " tokens; the model takes at most " + std::to_string(max_rows_));
    check_tokens(inputs[i]);
  }
  const int64_t d = model_.graph().widths[size_t(model_.graph().logits)];
  std::vector<float> out(inputs.size() * size_t(d));
  std::vector<int32_t> packed;
  for (size_t first = 0; first < inputs.size();) {
    Batch b;
    b.packed = true;
    packed.clear();
    size_t last = first;
    while (last < inputs.size() && int64_t(packed.size() + inputs[last].size()) <= max_rows_) {
      b.seq_starts.push_back(int32_t(packed.size()));
      packed.insert(packed.end(), inputs[last].begin(), inputs[last].end());
      ++last;
    }
    b.seq_starts.push_back(int32_t(packed.size()));
    for (size_t s = 0; s + 1 < b.seq_starts.size(); ++s)
      for (int32_t t = b.seq_starts[s]; t < b.seq_starts[s + 1]; ++t) {
        b.positions.push_back(t - b.seq_starts[s]);
        b.seq_begin.push_back(b.seq_starts[s]);
        b.seq_end.push_back(b.seq_starts[s + 1]);
      }
    b.tokens = packed;
    run(b, false, out.data() + first * size_t(d));
    first = last;
  }
  return out;
}

std::vector<float> CpuExecutor::eval(std::span<const int32_t> tokens, bool all_logits) {
  const int32_t V = model_.config().n_vocab;
  if (pools(model_)) fail(ErrorCode::kInvalidArgument, "this is an embedding model: it computes embeddings, not logits");
  if (tokens.empty()) fail(ErrorCode::kInvalidArgument, "eval needs at least one token");
  check_tokens(tokens);
  if (int64_t(cache_.n_past()) + int64_t(tokens.size()) > cache_.n_ctx())
    fail(ErrorCode::kInvalidArgument, "context is full: " + std::to_string(cache_.n_past()) + " + " + std::to_string(tokens.size()) +
                                          " tokens exceed the context size " + std::to_string(cache_.n_ctx()));
  std::vector<float> logits(size_t(all_logits ? tokens.size() : 1) * size_t(V));
  for (size_t start = 0; start < tokens.size(); start += size_t(kMaxBatch)) {
    size_t n = std::min(tokens.size() - start, size_t(kMaxBatch));
    bool last_chunk = start + n == tokens.size();
    Batch b;
    b.tokens = tokens.subspan(start, n);
    for (size_t t = 0; t < n; ++t) b.positions.push_back(cache_.n_past() + int32_t(t));
    run(b, all_logits, !all_logits && !last_chunk ? nullptr : logits.data() + (all_logits ? start * size_t(V) : 0));
  }
  return logits;
}

void CpuExecutor::run(const Batch& batch, bool all_logits, float* logits_out) {
  const Graph& g = model_.graph();
  const std::span<const int32_t> tokens = batch.tokens;
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
        for (int64_t t = 0; t < rows; ++t) rope_row(out + t * w, batch.positions[size_t(t)], p);
        break;
      }
      case OpKind::kAttention: {
        AttentionParams p{node.n_head, node.n_head_kv, node.group, node.scale, node.cap, node.window};
        if (batch.packed) {
          attention_in_batch(in0, value(node.in[1]), value(node.in[2]), T, batch.seq_begin.data(), batch.seq_end.data(),
                             node.causal, p, out, pool_);
          break;
        }
        const int64_t kvw = g.kv_width;
        float* kc = cache_.k(node.layer);
        float* vc = cache_.v(node.layer);
        std::memcpy(kc + pos0 * kvw, value(node.in[1]), size_t(T * kvw) * sizeof(float));
        std::memcpy(vc + pos0 * kvw, value(node.in[2]), size_t(T * kvw) * sizeof(float));
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
      case OpKind::kLayerNorm:
        for (int64_t t = 0; t < rows; ++t) layer_norm(in0 + t * w, f32_data(node.weight), f32_data(node.bias), w, node.eps, out + t * w);
        break;
      case OpKind::kAddRows: {
        const uint64_t row_bytes = ggml_row_bytes(node.weight->type(), uint64_t(w));
        const int64_t n_rows = int64_t(node.weight->dims[1]);
        std::vector<float> row(static_cast<size_t>(w));
        for (int64_t t = 0; t < rows; ++t) {
          const int64_t r = node.positional ? batch.positions[size_t(t)] : node.offset;
          if (r >= n_rows) fail(ErrorCode::kInvalidArgument, node.name + ": position " + std::to_string(r) + " has no row");
          dequantize_row(node.weight->type(), node.weight->data + uint64_t(r) * row_bytes, row.data(), w);
          for (int64_t k = 0; k < w; ++k) out[t * w + k] = in0[t * w + k] + row[size_t(k)];
        }
        break;
      }
      case OpKind::kActivate:
        if (node.activation == Activation::kSilu) silu(in0, rows * w, out);
        else gelu_tanh(in0, rows * w, out);
        break;
      case OpKind::kPool: {
        // rows in place of their sequence's first row: sequence s's result lands in row s
        const size_t n_seq = batch.seq_starts.size() - 1;
        std::vector<float> pooled(n_seq * size_t(w));
        for (size_t s = 0; s < n_seq; ++s) {
          const int64_t b = batch.seq_starts[s], e = batch.seq_starts[s + 1];
          float* dst = pooled.data() + s * size_t(w);
          if (node.pooling == Pooling::kCls) std::memcpy(dst, in0 + b * w, size_t(w) * sizeof(float));
          else if (node.pooling == Pooling::kLast) std::memcpy(dst, in0 + (e - 1) * w, size_t(w) * sizeof(float));
          else {
            std::vector<double> sum(size_t(w), 0.0);
            for (int64_t t = b; t < e; ++t)
              for (int64_t k = 0; k < w; ++k) sum[size_t(k)] += in0[t * w + k];
            for (int64_t k = 0; k < w; ++k) dst[k] = float(sum[size_t(k)] / double(e - b));
          }
        }
        std::memcpy(out, pooled.data(), pooled.size() * sizeof(float));
        rows = int64_t(n_seq);
        break;
      }
    }
  }
  if (batch.packed) {
    if (logits_out) std::memcpy(logits_out, value(g.logits), size_t(rows * g.widths[size_t(g.logits)]) * sizeof(float));
    return;
  }
  cache_.set_n_past(int32_t(pos0 + T));
  if (logits_out) std::memcpy(logits_out, value(g.logits), size_t(rows * g.widths[size_t(g.logits)]) * sizeof(float));
}

}  // namespace hearth
