#pragma once
// merge_states' variant for Metric::update (kept out of state.hpp, which nearly every file includes).
#include "wasmetrics/core/state.hpp"

namespace wasmetrics {

// merge_states(into, from), except that a cat state of `into` that holds no rows yet takes `from`'s
// buffer (and row count) instead of a copy of it; `from` is left with that state empty (its other
// states unchanged). The result is byte for byte merge_states'. Why: update() folds its batch state
// and then drops it, so copying the first batch (most of a state filled by one large update) held
// the state twice at the heap's high-water mark (issue 25). Not for forward(), which computes the
// batch after folding it, nor merge(), whose source is another instance's state.
void merge_states_taking(State& into, State& from);

}  // namespace wasmetrics
