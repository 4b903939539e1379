// The decoder-only transformer of every supported architecture, as a Graph. The six architectures
// differ only in the flags of their ArchTraits and in which weights exist, so one builder made of
// shared blocks (attention, feed-forward, norms) serves them all; see docs/architectures.md.
#pragma once

#include "core/model/graph.h"
#include "core/model/model_config.h"
#include "core/model/model_weights.h"

namespace hearth {

Graph build_decoder_graph(const ModelConfig& config, const ModelWeights& weights);

}  // namespace hearth
