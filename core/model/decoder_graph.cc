#include "core/model/decoder_graph.h"

#include <cmath>

#include "core/model/graph_builder.h"

namespace hearth {
namespace {

struct Blocks {
  GraphBuilder& g;
  const ModelConfig& c;

  int32_t rope(int32_t x, int32_t n_heads, const LayerConfig& lc, const LayerWeights& lw, const std::string& name) {
    Node n{OpKind::kRope, name};
    n.in[0] = x;
    n.group = c.head_dim;
    n.n_head = n_heads;
    n.n_rot = c.n_rot;
    n.rope_base = lc.rope_base;
    n.scale = lc.rope_linear_scale;
    n.rope_mscale = c.rope_mscale;
    n.rope_mode = c.traits->rope_mode;
    n.weight = lw.rope_freq_factors;
    return g.custom(std::move(n), g.width(x));
  }

  // q, k, v projections (separate or fused), biases, q/k norm, rope, attention, output projection.
  int32_t attention(int32_t h, int32_t il, const LayerWeights& lw) {
    const std::string p = "blk." + std::to_string(il) + ".";
    const LayerConfig& lc = c.layers[size_t(il)];
    int32_t q, k, v;
    if (lw.attn_qkv) {
      int32_t qkv = g.matmul(h, lw.attn_qkv, p + "attn_qkv");
      q = g.slice(qkv, 0, c.q_width(), p + "q");
      k = g.slice(qkv, c.q_width(), c.kv_width(), p + "k");
      v = g.slice(qkv, c.q_width() + c.kv_width(), c.kv_width(), p + "v");
    } else {
      q = g.matmul(h, lw.attn_q, p + "attn_q");
      k = g.matmul(h, lw.attn_k, p + "attn_k");
      v = g.matmul(h, lw.attn_v, p + "attn_v");
      if (lw.attn_q_bias) q = g.add_bias(q, lw.attn_q_bias, p + "attn_q.bias");
      if (lw.attn_k_bias) k = g.add_bias(k, lw.attn_k_bias, p + "attn_k.bias");
      if (lw.attn_v_bias) v = g.add_bias(v, lw.attn_v_bias, p + "attn_v.bias");
    }
    if (lw.attn_q_norm) q = g.rms_norm(q, lw.attn_q_norm, c.rms_eps, p + "attn_q_norm");
    if (lw.attn_k_norm) k = g.rms_norm(k, lw.attn_k_norm, c.rms_eps, p + "attn_k_norm");
    q = rope(q, c.n_head, lc, lw, p + "q_rope");
    k = rope(k, c.n_head_kv, lc, lw, p + "k_rope");

    Node n{OpKind::kAttention, p + "attention"};
    n.in[0] = q;
    n.in[1] = k;
    n.in[2] = v;
    n.layer = il;
    n.group = c.head_dim;
    n.n_head = c.n_head;
    n.n_head_kv = c.n_head_kv;
    n.scale = c.attn_scale;
    n.cap = c.attn_softcap;
    n.window = lc.sliding_window ? c.sliding_window : 0;
    n.causal = c.causal;
    int32_t att = g.custom(std::move(n), c.q_width());
    return g.matmul(att, lw.attn_output, p + "attn_output");
  }

  int32_t feed_forward(int32_t h, int32_t il, const LayerWeights& lw) {
    const std::string p = "blk." + std::to_string(il) + ".";
    int32_t gate, up;
    if (!lw.ffn_gate) {  // fused: rows [0, f) gate, [f, 2f) up
      int32_t gate_up = g.matmul(h, lw.ffn_up, p + "ffn_gate_up");
      gate = g.slice(gate_up, 0, c.n_ff, p + "ffn_gate");
      up = g.slice(gate_up, c.n_ff, c.n_ff, p + "ffn_up");
    } else {
      gate = g.matmul(h, lw.ffn_gate, p + "ffn_gate");
      up = g.matmul(h, lw.ffn_up, p + "ffn_up");
    }
    int32_t act = g.glu(gate, up, c.traits->activation, p + "ffn_act");
    return g.matmul(act, lw.ffn_down, p + "ffn_down");
  }
};

}  // namespace

Graph build_decoder_graph(const ModelConfig& c, const ModelWeights& w) {
  GraphBuilder g;
  Blocks blocks{g, c};
  int32_t x = g.embed(w.token_embd, c.n_embd);
  if (c.traits->scale_embeddings) x = g.scale(x, std::sqrt(float(c.n_embd)), "embd_scaled");

  for (int32_t il = 0; il < c.n_layer; ++il) {
    const LayerWeights& lw = w.layers[size_t(il)];
    const std::string p = "blk." + std::to_string(il) + ".";
    int32_t h = g.rms_norm(x, lw.attn_norm, c.rms_eps, p + "attn_norm");
    int32_t a = blocks.attention(h, il, lw);
    if (lw.attn_post_norm) a = g.rms_norm(a, lw.attn_post_norm, c.rms_eps, p + "post_attention_norm");
    x = g.add(x, a, p + "attn_residual");
    h = g.rms_norm(x, lw.ffn_norm, c.rms_eps, p + "ffn_norm");
    int32_t m = blocks.feed_forward(h, il, lw);
    if (lw.ffn_post_norm) m = g.rms_norm(m, lw.ffn_post_norm, c.rms_eps, p + "post_ffw_norm");
    x = g.add(x, m, p + "ffn_residual");
  }

  if (c.pooling != Pooling::kNone) {  // a decoder used as an embedder: the normed hidden states, pooled
    x = g.rms_norm(x, w.output_norm, c.rms_eps, "output_norm");
    return g.finish(g.pool(x, c.pooling), c.n_layer, c.kv_width(), c.pooling);
  }
  x = g.output_rows(x);
  x = g.rms_norm(x, w.output_norm, c.rms_eps, "output_norm");
  int32_t logits = g.matmul(x, w.output, "output");
  if (c.final_softcap > 0.0f) logits = g.soft_cap(logits, c.final_softcap, "logits_softcap");
  return g.finish(logits, c.n_layer, c.kv_width());
}

}  // namespace hearth
