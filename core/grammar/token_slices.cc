#include "core/grammar/token_slices.h"

namespace hearth::grammar {

bool TokenSlices::fill(StackAutomaton&, StateId, uint64_t*) { return false; }

}  // namespace hearth::grammar
