// CatMetric: concatenation of a stream of values along dim 0 (TorchMetrics aggregation.py with
// utilities/data.py dim_zero_cat). Batches keep their shape: [2, 3] and [4, 3] give [6, 3]; a 0-d
// value counts as [1]; a batch that had NaN entries dropped is 1-D (boolean-mask indexing); an empty
// batch is skipped. Nothing accumulated gives shape [0] (TorchMetrics: an empty list), and a single
// element is squeezed to 0-d as every TorchMetrics result is.
//
// States (both cat, so merge concatenates and keeps the order):
//   value   float32 [n]  the values, flat, in arrival order (the float32 inputs, exactly)
//   shapes  int64   [m]  one record per accumulated batch: ndim, then its ndim dims
// Batches whose trailing dims differ cannot be concatenated: compute() then raises, as torch.cat does.
#include <algorithm>

#include "wasmetrics/aggregation/nan_handling.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

class CatMetric final : public Metric {
 public:
  explicit CatMetric(Options o) : Metric(std::move(o)), nan_(aggregation::NanStrategy::from(options())) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    auto b = aggregation::clean_batch(name(), nan_, in[0]);
    if (b.values.size() == 0) return;
    if (b.shape.empty()) b.shape = {1};
    shapes_.append(s, static_cast<std::int64_t>(b.shape.size()));
    shapes_.append(s, std::span<const std::int64_t>(b.shape));
    value_.append(s, std::span<const float>(b.values.data(), b.values.size()));
  }

  Result compute_state(const State& s) const override {
    auto values = value_.span(s);
    auto rec = shapes_.span(s);
    Shape out;  // [sum of dim 0, common trailing dims]
    std::int64_t total = 0;
    for (std::size_t k = 0; k < rec.size();) {
      const std::int64_t nd = rec[k];
      if (nd < 1 || static_cast<std::size_t>(nd) > rec.size() - k - 1)
        fail(name(), ": corrupt state (shape record at ", k, ")");
      Shape shape(rec.begin() + static_cast<std::ptrdiff_t>(k + 1),
                  rec.begin() + static_cast<std::ptrdiff_t>(k + 1 + nd));
      k += 1 + static_cast<std::size_t>(nd);
      for (auto d : shape)
        if (d < 0) fail(name(), ": corrupt state (negative dimension)");
      // A loaded blob's records are untrusted: no count may overflow (found by fuzz_state_blob).
      if (!shape_fits(shape) || __builtin_add_overflow(total, shape_numel(shape), &total))
        fail(name(), ": corrupt state (shape record ", shape_str(shape), " at ", k, ")");
      if (out.empty()) {
        out = shape;
        continue;
      }
      if (out.size() != shape.size() || !std::equal(out.begin() + 1, out.end(), shape.begin() + 1))
        fail(name(), ": cannot concatenate the accumulated values along dim 0: a batch of shape ", shape_str(shape),
             " does not match the earlier rows of shape ", shape_str(Shape(out.begin() + 1, out.end())),
             " (all batches must have the same trailing dimensions)");
      if (__builtin_add_overflow(out[0], shape[0], &out[0])) fail(name(), ": corrupt state (rows overflow)");
    }
    if (total != static_cast<std::int64_t>(values.size()))
      fail(name(), ": corrupt state (", values.size(), " values for ", total, " recorded)");
    if (out.empty()) out = {0};
    Tensor t;
    t.shape = std::move(out);
    t.data.assign(values.begin(), values.end());
    return Result::squeezed(std::move(t));
  }

 private:
  aggregation::NanStrategy nan_;
  StateSlot<float> value_ = declare_state<float>("value", Reduction::cat, {0});
  StateSlot<std::int64_t> shapes_ = declare_state<std::int64_t>("shapes", Reduction::cat, {0});
};

}  // namespace

WASMETRICS_COLD MetricSpec cat_metric_spec() {
  return {
      .name = "CatMetric",
      .family = "aggregation",
      .doc = "Concatenation of a stream of values along the first dimension.",
      .inputs = {{"value", false, "values, any shape (0-d is a scalar); batches share their trailing dims"}},
      .options = {aggregation::nan_strategy_option()},
      .make = [](const Options& o) { return std::make_unique<CatMetric>(o); },
      .batching = Batching::ordered,
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: CatMetric()", "args": {}, "batches": [{"value": {"dtype": "int64", "shape": [], "data": [1]}}, {"value": {"dtype": "int64", "shape": [2], "data": [2, 3]}}], "expected": {"shape": [3], "data": [1, 2, 3]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
