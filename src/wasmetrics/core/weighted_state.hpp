#pragma once
// The weighted layout of a metric state (update(..., sample_weight)). A metric keeps its unweighted
// state exactly as before (same numbers, blobs and speed) and turns a batch state into the weighted
// layout only when that batch has weights:
//   * counts: every int64 state becomes float64 (sums of sample weights; promote_counts_to_float64);
//   * kept rows (exact curves): a cat state `sample_weight` (float32, one per row, kSampleWeightState)
//     beside the rows.
// The engine mixes the layouts (core/state.cpp merge_states, core/state_blob.cpp decode_state): an
// int64 state meeting its float64 twin is promoted, and a side without `sample_weight` counts each
// of its rows with weight 1. So weighted and unweighted updates, merges and blobs combine freely.
//
// The float64 layout of kept scores (exact curves, thresholds=None): their cat state `scores`
// (kKeptScoresState) is declared float32, the compact state for float32 preds, and holds float64
// once float64 preds were folded in (TorchMetrics keeps the input's dtype: float64 scores closer
// than float32's resolution must stay distinct). Mixed updates, merges and blobs promote the float32
// side to float64 (exact; torch.cat promotes alike), never the reverse.
#include <cstddef>
#include <vector>

#include "wasmetrics/core/state.hpp"

namespace wasmetrics {

inline constexpr const char* kSampleWeightState = "sample_weight";

inline constexpr const char* kKeptScoresState = "scores";

// Whether `declared` (a state as the metric declares it) may hold float64: the float32 cat state
// kKeptScoresState. Only such a state is widened by merge and accepted as float64 in a blob.
bool may_hold_float64(const StateVar& declared);
// A float32 state turned into float64 with the same values.
void promote_to_float64(StateVar& v);

// Turns every int64 state into float64 with the same values (exact up to 2^53).
void promote_counts_to_float64(State& s);
// Element `i` of a float64 or int64 state as double (counts read by compute whatever the layout).
double count_at(const StateVar& v, std::size_t i);
// Every element of a float64 or int64 state as doubles.
std::vector<double> counts_of(const StateVar& v);
// The rows of the state's first cat state other than sample_weight (0 when it has none).
std::int64_t cat_rows(const State& s);

}  // namespace wasmetrics
