#include "tests/support/reference_model.h"

#include <cmath>
#include <cstring>
#include <numbers>
#include <optional>
#include <string>

#include "core/gguf/gguf_file.h"
#include "core/tensor/dequantize.h"
#include "core/util/error.h"

namespace hearth {
namespace {

using Vec = std::vector<double>;

enum class Sliding { kNone, kEvenLayers, kGemma3 };

// docs/architectures.md, "Per architecture".
struct ArchRule {
  const char* name;
  bool neox;      // rope pairs (i, i + n_rot/2), else (2i, 2i+1)
  bool gemma;     // embeddings × √d, post-attention / post-FFN norms, GELU
  bool qk_norm;   // per-head RMSNorm of q and k
  bool fused;     // attn_qkv and gate-up ffn_up
  bool softcaps;  // attention and final logit softcapping
  Sliding sliding;
  bool llama_freqs;  // rope_freqs.weight
  bool phi3_freqs;   // rope_factors_long / rope_factors_short
};
constexpr ArchRule kRules[] = {
    {"llama", false, false, false, false, false, Sliding::kNone, true, false},
    {"qwen2", true, false, false, false, false, Sliding::kNone, false, false},
    {"qwen3", true, false, true, false, false, Sliding::kNone, false, false},
    {"phi3", true, false, false, true, false, Sliding::kNone, false, true},
    {"gemma2", true, true, false, false, true, Sliding::kEvenLayers, false, false},
    {"gemma3", true, true, true, false, false, Sliding::kGemma3, false, false},
};

const ArchRule& rule_for(const std::string& arch) {
  std::string names;
  for (const ArchRule& r : kRules) {
    if (arch == r.name) return r;
    names += (names.empty() ? "" : ", ") + std::string(r.name);
  }
  fail(ErrorCode::kUnsupported, "reference model: architecture '" + arch + "' is not supported (supported: " + names + ")");
}

// A weight as doubles, row-major in ggml's sense: row j (length `in`) gives output j.
struct Matrix {
  uint64_t in = 0, out = 0;
  Vec w;
};

Vec dequantize_rows(const GgufTensor& t, uint64_t first, uint64_t count) {
  const uint64_t n = t.row_length();
  const uint64_t row_bytes = ggml_row_bytes(t.type(), n);
  Vec out(count * n);
  std::vector<float> row(n);
  for (uint64_t r = 0; r < count; ++r) {
    dequantize_row(t.type(), t.data + (first + r) * row_bytes, row.data(), static_cast<int64_t>(n));
    for (uint64_t i = 0; i < n; ++i) out[r * n + i] = row[i];
  }
  return out;
}

Matrix load_matrix(const GgufTensor& t) { return {t.row_length(), t.n_rows(), dequantize_rows(t, 0, t.n_rows())}; }
Vec load_vector(const GgufTensor& t) { return dequantize_rows(t, 0, t.n_rows()); }
std::optional<Vec> optional_vector(const GgufFile& f, const std::string& name) {
  const GgufTensor* t = f.find_tensor(name);
  return t ? std::optional<Vec>(load_vector(*t)) : std::nullopt;
}

Vec matvec(const Matrix& m, const Vec& x) {
  if (x.size() != m.in) fail(ErrorCode::kMalformedFile, "reference model: matrix/vector size mismatch");
  Vec y(m.out, 0.0);
  for (uint64_t j = 0; j < m.out; ++j) {
    double s = 0;
    for (uint64_t i = 0; i < m.in; ++i) s += m.w[j * m.in + i] * x[i];
    y[j] = s;
  }
  return y;
}

// rmsnorm over x[offset, offset + w.size()), in place.
void rmsnorm_inplace(Vec& x, size_t offset, const Vec& w, double eps) {
  double ss = 0;
  for (size_t i = 0; i < w.size(); ++i) ss += x[offset + i] * x[offset + i];
  const double inv = 1.0 / std::sqrt(ss / static_cast<double>(w.size()) + eps);
  for (size_t i = 0; i < w.size(); ++i) x[offset + i] = x[offset + i] * inv * w[i];
}
Vec rmsnorm(Vec x, const Vec& w, double eps) {
  rmsnorm_inplace(x, 0, w, eps);
  return x;
}

double silu(double x) { return x / (1.0 + std::exp(-x)); }
double gelu_tanh(double x) {
  return 0.5 * x * (1.0 + std::tanh(std::sqrt(2.0 / std::numbers::pi) * (x + 0.044715 * x * x * x)));
}
double softcap(double x, double c) { return c * std::tanh(x / c); }

struct Hparams {
  uint64_t n_layer, d, f, n_head, n_head_kv, hd, n_rot;
  double eps, rope_base, linear_scale, mscale;
  uint64_t window;
  double attn_softcap = 0, final_softcap = 0;
};

Hparams read_hparams(const GgufFile& g, const std::string& a, const ArchRule& rule) {
  Hparams h{};
  h.n_layer = g.get_uint(a + ".block_count");
  h.d = g.get_uint(a + ".embedding_length");
  h.f = g.get_uint(a + ".feed_forward_length");
  h.n_head = g.get_uint(a + ".attention.head_count");
  h.n_head_kv = g.get_uint_or(a + ".attention.head_count_kv", h.n_head);
  h.hd = g.get_uint_or(a + ".attention.key_length", h.d / h.n_head);
  if (g.get_uint_or(a + ".attention.value_length", h.hd) != h.hd) {
    fail(ErrorCode::kUnsupported, "reference model: value_length differs from key_length");
  }
  h.n_rot = g.get_uint_or(a + ".rope.dimension_count", h.hd);
  h.eps = g.get_float(a + ".attention.layer_norm_rms_epsilon");
  h.rope_base = g.get_float_or(a + ".rope.freq_base", 10000.0);
  h.linear_scale = g.get_string_or(a + ".rope.scaling.type", "") == "linear"
                       ? 1.0 / g.get_float(a + ".rope.scaling.factor")
                       : 1.0;
  h.mscale = g.get_float_or(a + ".rope.scaling.attn_factor", 1.0);
  h.window = g.get_uint_or(a + ".attention.sliding_window", 0);
  if (rule.softcaps) {
    h.attn_softcap = g.get_float_or(a + ".attn_logit_softcapping", 0.0);
    h.final_softcap = g.get_float_or(a + ".final_logit_softcapping", 0.0);
  }
  return h;
}

bool is_sliding(const ArchRule& rule, const Hparams& h, uint64_t layer) {
  if (h.window == 0) return false;
  switch (rule.sliding) {
    case Sliding::kNone: return false;
    case Sliding::kEvenLayers: return layer % 2 == 0;
    case Sliding::kGemma3: return (layer + 1) % 6 != 0;
  }
  return false;
}

// Rotates the first n_rot dims of the head at x[offset, offset + hd) for position p.
void rope(Vec& x, size_t offset, uint64_t p, const Hparams& h, bool neox, double base, double linear_scale,
          const std::optional<Vec>& freq_factors) {
  const uint64_t half = h.n_rot / 2;
  for (uint64_t i = 0; i < half; ++i) {
    const double ff = freq_factors ? (*freq_factors)[i] : 1.0;
    const double theta = static_cast<double>(p) * linear_scale *
                         std::pow(base, -2.0 * static_cast<double>(i) / static_cast<double>(h.n_rot)) / ff;
    const double c = std::cos(theta) * h.mscale, s = std::sin(theta) * h.mscale;
    const size_t ia = offset + (neox ? i : 2 * i), ib = offset + (neox ? i + half : 2 * i + 1);
    const double a = x[ia], b = x[ib];
    x[ia] = a * c - b * s;
    x[ib] = a * s + b * c;
  }
}

}  // namespace

std::vector<double> reference_logits(const GgufFile& g, std::span<const int32_t> tokens, int n_ctx) {
  const std::string a = g.get_string("general.architecture");
  const ArchRule& rule = rule_for(a);
  const Hparams h = read_hparams(g, a, rule);
  const size_t T = tokens.size();
  const uint64_t q_dim = h.n_head * h.hd, kv_dim = h.n_head_kv * h.hd;
  const uint64_t group = h.n_head / h.n_head_kv;

  // Rope frequency factors.
  std::optional<Vec> freq_factors;
  if (rule.llama_freqs) freq_factors = optional_vector(g, "rope_freqs.weight");
  if (rule.phi3_freqs) {
    const uint64_t original = g.get_uint_or(a + ".rope.scaling.original_context_length", 0);
    const bool use_long = original > 0 && static_cast<uint64_t>(n_ctx) > original;
    freq_factors = optional_vector(g, use_long ? "rope_factors_long.weight" : "rope_factors_short.weight");
  }

  // Embeddings.
  const GgufTensor& embd = g.tensor("token_embd.weight");
  const uint64_t V = embd.n_rows();
  std::vector<Vec> x(T);
  for (size_t t = 0; t < T; ++t) {
    if (tokens[t] < 0 || static_cast<uint64_t>(tokens[t]) >= V) {
      fail(ErrorCode::kInvalidArgument, "reference model: token " + std::to_string(tokens[t]) + " outside the vocabulary");
    }
    x[t] = dequantize_rows(embd, static_cast<uint64_t>(tokens[t]), 1);
    if (rule.gemma) {
      for (double& v : x[t]) v *= std::sqrt(static_cast<double>(h.d));
    }
  }

  for (uint64_t l = 0; l < h.n_layer; ++l) {
    const std::string b = "blk." + std::to_string(l) + ".";
    const bool sliding = is_sliding(rule, h, l);
    // gemma3's sliding layers rotate with base 10000 and no linear scaling.
    const bool local_rope = rule.sliding == Sliding::kGemma3 && sliding;
    const double base = local_rope ? 10000.0 : h.rope_base;
    const double lin = local_rope ? 1.0 : h.linear_scale;

    // q, k, v for every position.
    const Vec attn_norm = load_vector(g.tensor(b + "attn_norm.weight"));
    std::vector<Vec> q(T), k(T), v(T);
    std::optional<Matrix> wqkv, wq, wk, wv;
    if (rule.fused) {
      wqkv = load_matrix(g.tensor(b + "attn_qkv.weight"));
    } else {
      wq = load_matrix(g.tensor(b + "attn_q.weight"));
      wk = load_matrix(g.tensor(b + "attn_k.weight"));
      wv = load_matrix(g.tensor(b + "attn_v.weight"));
    }
    const std::optional<Vec> bq = optional_vector(g, b + "attn_q.bias"), bk = optional_vector(g, b + "attn_k.bias"),
                             bv = optional_vector(g, b + "attn_v.bias");
    std::optional<Vec> q_norm, k_norm;
    if (rule.qk_norm) {
      q_norm = load_vector(g.tensor(b + "attn_q_norm.weight"));
      k_norm = load_vector(g.tensor(b + "attn_k_norm.weight"));
    }
    for (size_t t = 0; t < T; ++t) {
      const Vec hn = rmsnorm(x[t], attn_norm, h.eps);
      if (rule.fused) {
        const Vec qkv = matvec(*wqkv, hn);
        q[t].assign(qkv.begin(), qkv.begin() + q_dim);
        k[t].assign(qkv.begin() + q_dim, qkv.begin() + q_dim + kv_dim);
        v[t].assign(qkv.begin() + q_dim + kv_dim, qkv.end());
      } else {
        q[t] = matvec(*wq, hn), k[t] = matvec(*wk, hn), v[t] = matvec(*wv, hn);
      }
      for (auto [vec, bias] : {std::pair{&q[t], &bq}, std::pair{&k[t], &bk}, std::pair{&v[t], &bv}}) {
        if (*bias) {
          for (size_t i = 0; i < vec->size(); ++i) (*vec)[i] += (**bias)[i];
        }
      }
      for (uint64_t j = 0; j < h.n_head; ++j) {
        if (q_norm) rmsnorm_inplace(q[t], j * h.hd, *q_norm, h.eps);
        rope(q[t], j * h.hd, t, h, rule.neox, base, lin, freq_factors);
      }
      for (uint64_t j = 0; j < h.n_head_kv; ++j) {
        if (k_norm) rmsnorm_inplace(k[t], j * h.hd, *k_norm, h.eps);
        rope(k[t], j * h.hd, t, h, rule.neox, base, lin, freq_factors);
      }
    }

    // Causal (and, on sliding layers, windowed) attention, then the output projection.
    const Matrix wo = load_matrix(g.tensor(b + "attn_output.weight"));
    const Vec post_attn = rule.gemma ? load_vector(g.tensor(b + "post_attention_norm.weight")) : Vec();
    const double scale = 1.0 / std::sqrt(static_cast<double>(h.hd));
    for (size_t t = 0; t < T; ++t) {
      Vec heads(q_dim, 0.0);
      for (uint64_t j = 0; j < h.n_head; ++j) {
        const uint64_t kvh = j / group;
        std::vector<double> score;
        std::vector<size_t> at;
        for (size_t s = 0; s <= t; ++s) {
          if (sliding && t - s >= h.window) continue;
          double dot = 0;
          for (uint64_t i = 0; i < h.hd; ++i) dot += q[t][j * h.hd + i] * k[s][kvh * h.hd + i];
          dot *= scale;
          if (h.attn_softcap > 0) dot = softcap(dot, h.attn_softcap);
          score.push_back(dot);
          at.push_back(s);
        }
        double mx = -INFINITY, sum = 0;
        for (double sc : score) mx = std::max(mx, sc);
        for (double& sc : score) sum += (sc = std::exp(sc - mx));
        for (size_t n = 0; n < at.size(); ++n) {
          const double p = score[n] / sum;
          for (uint64_t i = 0; i < h.hd; ++i) heads[j * h.hd + i] += p * v[at[n]][kvh * h.hd + i];
        }
      }
      Vec out = matvec(wo, heads);
      if (rule.gemma) out = rmsnorm(out, post_attn, h.eps);
      for (uint64_t i = 0; i < h.d; ++i) x[t][i] += out[i];
    }

    // Feed-forward.
    const Vec ffn_norm = load_vector(g.tensor(b + "ffn_norm.weight"));
    const Matrix up = load_matrix(g.tensor(b + "ffn_up.weight"));
    const std::optional<Matrix> gate = rule.fused ? std::nullopt : std::optional(load_matrix(g.tensor(b + "ffn_gate.weight")));
    const Matrix down = load_matrix(g.tensor(b + "ffn_down.weight"));
    const Vec post_ffw = rule.gemma ? load_vector(g.tensor(b + "post_ffw_norm.weight")) : Vec();
    for (size_t t = 0; t < T; ++t) {
      const Vec hn = rmsnorm(x[t], ffn_norm, h.eps);
      Vec gv, uv;
      if (rule.fused) {
        const Vec gu = matvec(up, hn);
        gv.assign(gu.begin(), gu.begin() + h.f);
        uv.assign(gu.begin() + h.f, gu.end());
      } else {
        gv = matvec(*gate, hn), uv = matvec(up, hn);
      }
      for (uint64_t i = 0; i < h.f; ++i) gv[i] = (rule.gemma ? gelu_tanh(gv[i]) : silu(gv[i])) * uv[i];
      Vec m = matvec(down, gv);
      if (rule.gemma) m = rmsnorm(m, post_ffw, h.eps);
      for (uint64_t i = 0; i < h.d; ++i) x[t][i] += m[i];
    }
  }

  // Output.
  const Vec out_norm = load_vector(g.tensor("output_norm.weight"));
  const GgufTensor* out_t = g.find_tensor("output.weight");
  const Matrix out = load_matrix(out_t ? *out_t : embd);
  std::vector<double> logits;
  logits.reserve(T * out.out);
  for (size_t t = 0; t < T; ++t) {
    const Vec y = matvec(out, rmsnorm(x[t], out_norm, h.eps));
    for (double z : y) logits.push_back(h.final_softcap > 0 ? softcap(z, h.final_softcap) : z);
  }
  return logits;
}

}  // namespace hearth
