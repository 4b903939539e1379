#include "core/model/encoder_graph.h"

#include "core/model/graph_builder.h"

namespace hearth {
namespace {

int32_t with_bias(GraphBuilder& g, int32_t x, const GgufTensor* bias, const std::string& name) {
  return bias ? g.add_bias(x, bias, name) : x;
}

int32_t rope(GraphBuilder& g, const ModelConfig& c, int32_t x, int32_t n_heads, int32_t il, const std::string& name) {
  Node n{OpKind::kRope, name};
  n.in[0] = x;
  n.group = c.head_dim;
  n.n_head = n_heads;
  n.n_rot = c.n_rot;
  n.rope_base = c.layers[size_t(il)].rope_base;
  n.scale = c.layers[size_t(il)].rope_linear_scale;
  n.rope_mode = c.traits->rope_mode;
  return g.custom(std::move(n), g.width(x));
}

int32_t attention(GraphBuilder& g, const ModelConfig& c, int32_t x, int32_t il, const LayerWeights& lw) {
  const std::string p = "blk." + std::to_string(il) + ".";
  int32_t q, k, v;
  if (lw.attn_qkv) {  // nomic-bert: rows q, k, v
    const int32_t qkv = g.matmul(x, lw.attn_qkv, p + "attn_qkv");
    q = g.slice(qkv, 0, c.q_width(), p + "q");
    k = g.slice(qkv, c.q_width(), c.kv_width(), p + "k");
    v = g.slice(qkv, c.q_width() + c.kv_width(), c.kv_width(), p + "v");
  } else {
    q = with_bias(g, g.matmul(x, lw.attn_q, p + "attn_q"), lw.attn_q_bias, p + "attn_q.bias");
    k = with_bias(g, g.matmul(x, lw.attn_k, p + "attn_k"), lw.attn_k_bias, p + "attn_k.bias");
    v = with_bias(g, g.matmul(x, lw.attn_v, p + "attn_v"), lw.attn_v_bias, p + "attn_v.bias");
  }
  if (!c.traits->learned_positions) {
    q = rope(g, c, q, c.n_head, il, p + "q_rope");
    k = rope(g, c, k, c.n_head_kv, il, p + "k_rope");
  }
  Node n{OpKind::kAttention, p + "attention"};
  n.in[0] = q;
  n.in[1] = k;
  n.in[2] = v;
  n.layer = il;
  n.group = c.head_dim;
  n.n_head = c.n_head;
  n.n_head_kv = c.n_head_kv;
  n.scale = c.attn_scale;
  n.causal = c.causal;
  const int32_t att = g.custom(std::move(n), c.q_width());
  return with_bias(g, g.matmul(att, lw.attn_output, p + "attn_output"), lw.attn_output_bias, p + "attn_output.bias");
}

int32_t feed_forward(GraphBuilder& g, const ModelConfig& c, int32_t x, int32_t il, const LayerWeights& lw) {
  const std::string p = "blk." + std::to_string(il) + ".";
  int32_t act;
  if (lw.ffn_gate) {
    act = g.glu(g.matmul(x, lw.ffn_gate, p + "ffn_gate"), g.matmul(x, lw.ffn_up, p + "ffn_up"), c.traits->activation, p + "ffn_act");
  } else {
    const int32_t up = with_bias(g, g.matmul(x, lw.ffn_up, p + "ffn_up"), lw.ffn_up_bias, p + "ffn_up.bias");
    act = g.activate(up, c.traits->activation, p + "ffn_act");
  }
  return with_bias(g, g.matmul(act, lw.ffn_down, p + "ffn_down"), lw.ffn_down_bias, p + "ffn_down.bias");
}

}  // namespace

Graph build_encoder_graph(const ModelConfig& c, const ModelWeights& w) {
  GraphBuilder g;
  int32_t x = g.embed(w.token_embd, c.n_embd);
  if (w.token_types) x = g.add_rows(x, w.token_types, false, "token_types");
  if (w.position_embd) x = g.add_rows(x, w.position_embd, true, "position_embd");
  x = g.layer_norm(x, w.token_embd_norm, w.token_embd_norm_bias, c.layer_norm_eps, "token_embd_norm");
  for (int32_t il = 0; il < c.n_layer; ++il) {
    const LayerWeights& lw = w.layers[size_t(il)];
    const std::string p = "blk." + std::to_string(il) + ".";
    const int32_t a = attention(g, c, x, il, lw);
    x = g.layer_norm(g.add(a, x, p + "attn_residual"), lw.attn_output_norm, lw.attn_output_norm_bias, c.layer_norm_eps,
                     p + "attn_output_norm");
    const int32_t m = feed_forward(g, c, x, il, lw);
    x = g.layer_norm(g.add(m, x, p + "ffn_residual"), lw.layer_output_norm, lw.layer_output_norm_bias, c.layer_norm_eps,
                     p + "layer_output_norm");
  }
  return g.finish(g.pool(x, c.pooling), c.n_layer, c.kv_width(), c.pooling);
}

}  // namespace hearth
