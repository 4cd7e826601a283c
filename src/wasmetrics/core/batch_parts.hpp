#pragma once
// A batch given in parts. The npm package copies a large batch into the WebAssembly heap one
// cache-sized part at a time and folds each part while it is still in cache (one read of the
// caller's array instead of a copy of the whole batch and a second pass over it: bench/README,
// PSNR). Only metrics that declare how their batches may be cut take this path, and the parts fold
// into the state the whole batch would give: a refused part refuses the batch and leaves the state
// unchanged, forward returns the batch's own value.
#include <cstdint>
#include <memory>
#include <span>

#include "wasmetrics/core/metric.hpp"

namespace wasmetrics {

enum class BatchSplit : std::uint8_t {
  none = 0,      // the batch is one unit (its rows interact, or a decision is taken per batch)
  rows = 1,      // along dim 0: consecutive rows of every input, cut alike
  elements = 2,  // flat: inputs of one shape, each part a [k] run of their row-major elements
};

// Declared by a metric (beside Metric) whose batches may be cut, per its options. Cutting must not
// change the state beyond the rounding of sums: no per-batch decision, no interaction across rows
// (rows) or elements (elements).
class SplitsBatches {
 public:
  virtual BatchSplit batch_split() const = 0;

 protected:
  ~SplitsBatches() = default;
};

// How `m`'s batches may be cut: its declaration, or none where it declares nothing or where a
// state reduces by `mean` (weighted by update() calls: parts would not merge into the batch's state).
BatchSplit batch_split_of(Metric& m);

// begin(); update() per part, in order; then end() (an update) or forward(). The parts are folded
// into a batch of their own (a fresh instance of the metric) and merged into `target` at the end,
// as one update() call.
class BatchParts {
 public:
  explicit BatchParts(Metric& target) : target_(target) {}
  void begin();
  // Validates and folds one part. On a refusal the parts so far are dropped (begin again).
  void update(std::span<const TensorView> part);
  void end();
  // end(), then the batch's own value (as Metric::forward: the batch counts even if its value fails).
  Result forward();

 private:
  void fold_into_target();
  Metric& target_;
  std::unique_ptr<Metric> batch_;
};

}  // namespace wasmetrics
