// The BERT-style encoders (bert, nomic-bert) as a Graph: token + token-type (+ learned position)
// embeddings and a LayerNorm; per layer, bidirectional attention and a feed-forward block, each
// added to its input and LayerNorm'd after (post-norm); the last hidden states pooled into one
// vector per input. See docs/architectures.md.
#pragma once

#include "core/model/graph.h"
#include "core/model/model_config.h"
#include "core/model/model_weights.h"

namespace hearth {

Graph build_encoder_graph(const ModelConfig& config, const ModelWeights& weights);

}  // namespace hearth
