#pragma once
// The sparse contingency table of two clusterings, the state of every extrinsic clustering metric.
//
// State `pairs`: cat int64 [K, 3] rows (target id, pred id, count) (core/keyed_counts.hpp), compacted
// on every fold, so it holds 24 B per distinct (target, pred) pair present — at most
// min(N, #target clusters × #pred clusters) rows, plus the rows of the batch being folded in —
// where TorchMetrics keeps every input row (16 B per sample). Cluster ids are any int64 values.
#include <cstdint>
#include <string>
#include <vector>

#include "wasmetrics/clustering/deferred_error.hpp"
#include "wasmetrics/core/state.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::clustering {

// The handles on the table's states: the pairs and the deferred input error.
struct PairTable {
  StateSlot<std::int64_t> pairs;
  InputErrorSlot input_error;
};

PairTable declare_pair_table(StateLayout& layout);

// Validates (deferring problems to compute, deferred_error.hpp) and counts one batch's pairs.
void count_pairs(const PairTable& t, State& s, const TensorView& preds, const TensorView& target);

void compact_pair_table(const PairTable& t, State& s);

// The table as compute() needs it, cluster order unspecified. entropy / mutual_info / square_sums
// adapt these vectors (xt::adapt, no copy) and reduce them as xtensor expressions.
struct Contingency {
  std::vector<std::int64_t> cells;         // the non-zero counts n_ij
  std::vector<std::size_t> cell_target;    // i of each cell (index into target_sizes)
  std::vector<std::size_t> cell_pred;      // j of each cell (index into pred_sizes)
  std::vector<std::int64_t> target_sizes;  // a_i, row sums
  std::vector<std::int64_t> pred_sizes;    // b_j, column sums
  std::int64_t n = 0;
};

Contingency read_contingency(const PairTable& t, const State& s);

// -Σ p log p over cluster sizes (nats); 1.0 for no sample, as TorchMetrics' calculate_entropy.
double entropy(const std::vector<std::int64_t>& sizes, std::int64_t n);
double mutual_info(const Contingency& c);
// Σ over cells of n_ij², over target sizes of a_i², over pred sizes of b_j².
struct SquareSums {
  std::int64_t cells = 0, target = 0, preds = 0;
};
SquareSums square_sums(const Contingency& c);

}  // namespace wasmetrics::clustering
