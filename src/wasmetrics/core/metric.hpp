#pragma once
// The Metric base: options + one accumulated State. update/compute/forward/reset/merge and
// save/load are written here once; a metric only declares its states, folds a batch into a
// fresh state, and computes a Result from a state.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wasmetrics/core/options.hpp"
#include "wasmetrics/core/result.hpp"
#include "wasmetrics/core/state.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics {

struct MetricSpec;

class Metric {
 public:
  explicit Metric(Options options) : options_(std::move(options)) {}
  Metric(const Metric&) = delete;
  Metric& operator=(const Metric&) = delete;
  virtual ~Metric() = default;

  const std::string& name() const { return options_.metric(); }
  const Options& options() const { return options_; }
  const MetricSpec* spec() const { return spec_; }

  // Folds a batch into the state. All-or-nothing: a rejected batch leaves the state unchanged.
  void update(std::span<const TensorView> inputs);
  // The value over everything accumulated since the last reset (cached until the state changes).
  const Result& compute();
  // The value on this batch alone, while the batch is accumulated too (as TorchMetrics: the
  // batch is accumulated first, so a batch whose own value cannot be computed still counts).
  Result forward(std::span<const TensorView> inputs);
  void reset();
  // Folds another instance's state in (Web Workers, shards). Same metric and options only.
  void merge(const Metric& other);
  // Versioned binary blob of the state (see state_blob.hpp for the format).
  std::vector<std::uint8_t> save_state() const;
  // Replaces the state with a blob's; refuses a blob of another metric, options or version.
  void load_state(std::span<const std::uint8_t> blob);

  const State& state();
  std::uint64_t options_hash() const;

  // Compute groups: metrics whose state_key() is equal fold every batch into identical states
  // (e.g. Precision, Recall and F1 with the same task and input options), so a collection
  // updates one of them and computes the others from its state. The default key is unique to
  // (name, options); a metric family that shares a state type overrides it.
  virtual std::string state_key() const;
  // This metric's value computed from `source`'s state; requires equal state keys.
  Result compute_from(Metric& source) const;

  // Queries: named read-only analyses of the accumulated state beyond compute(), declared in the
  // metric's spec with their own option schema (e.g. the curve metrics' best_thresholds).
  Result query(const std::string& name, const Json& args);

  // Class names given with the `labels` option (see class_labels.hpp); empty when none.
  const std::vector<std::string>& class_labels() const { return class_labels_; }
  // The options as given, plus `labels` (which the core keeps outside the state's options).
  Json options_json() const;

 protected:
  // Declares one state (name, reduction, element type T, shape, initial value) and returns its typed
  // handle: call it in the constructor, once per state, and read the state in update_state and
  // compute_state through the handle (slot.span(s), slot.value(s), slot.tensor(s)). The names stay
  // for save/load, merge and error messages; no name is looked up per call.
  template <class T>
  StateSlot<T> declare_state(std::string name, Reduction reduction, Shape shape, double init = 0.0) {
    return state_layout_.add<T>(std::move(name), reduction, std::move(shape), init);
  }
  // Shared helpers (e.g. a family's common counts) declare into the layout themselves.
  StateLayout& state_layout() { return state_layout_; }
  // The states with their initial values (called for the state and, reset in place, for batches):
  // the declared layout. Metrics not yet on declare_state override it and declare by name (the old,
  // slower path: State::add here, State::operator[](name) in update/compute).
  virtual State initial_state() const { return state_layout_.make(); }
  // Folds one batch into `batch`, a fresh initial_state(). Throw Error on bad input.
  virtual void update_state(State& batch, std::span<const TensorView> inputs) const = 0;
  virtual Result compute_state(const State& state) const = 0;
  // Merges the states declared with Reduction::custom; runs before the other states are merged.
  virtual void merge_custom(State& /*into*/, const State& /*from*/) const {}
  // Runs a query declared in the spec; `args` are validated against its schema.
  virtual Result query_state(const std::string& name, const Options& args, const State& state) const;
  // Whether a [K] result (K classes) is per class, so `labels` name it. False where that axis
  // holds samples (multidim_average='samplewise', per_sample=true); metrics with other such
  // results (pooled curves) override it.
  virtual bool results_are_per_class() const;

 private:
  friend std::unique_ptr<Metric> create_metric(const std::string&, const Json&);
  void ensure_state();
  void check_input_count(std::span<const TensorView> inputs) const;
  void check_bool_inputs(std::span<const TensorView> inputs) const;
  // Folds a batch or another instance's state in, copying its rows.
  void fold(const State& batch);
  // Folds a batch that is dropped right after: its cat buffers are taken where the state has no
  // rows yet (state_merge.hpp) instead of copied.
  void fold(State&& batch);
  // What both folds do first: the metric's own merge of its custom states, the cache dropped.
  void begin_fold(const State& batch);
  State& fill_batch(std::span<const TensorView> inputs);  // batch_ checked and updated with `inputs`
  State& begin_batch();            // batch_, reset to the blank state (no allocation when the layout holds)
  void end_batch();                // releases batch_'s buffers when a large batch grew them
  Result present(Result r) const;  // names per-class results after class_labels_

  Options options_;
  StateLayout state_layout_;  // what declare_state declared (empty for metrics that override initial_state)
  const MetricSpec* spec_ = nullptr;
  std::optional<State> state_;
  std::optional<State> blank_;  // initial_state(), kept when small: what batches are reset to
  bool blank_too_large_ = false;
  State batch_;  // the batch state update() and forward() fill, reused between calls
  std::optional<Result> cached_;
  Json labels_option_;                     // the `labels` option as given (null: none)
  std::vector<std::string> class_labels_;  // the names of the per-class results
};

}  // namespace wasmetrics
