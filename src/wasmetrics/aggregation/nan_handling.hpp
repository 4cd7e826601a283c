#pragma once
// What the aggregation metrics share: the `nan_strategy` option and the cleaning of one batch, as
// TorchMetrics' BaseAggregator._cast_and_nan_check_input (aggregation.py) does it, with the A1
// correction (QUIRKS.md) for a numeric nan_strategy.
//
//   "error"   a NaN in `value` (or `weight`) rejects the whole batch
//   "warn"    NaN entries are dropped. TorchMetrics also emits a warning; the engine has no warning
//             channel yet, so "warn" behaves exactly as "ignore" for now.
//   "ignore"  NaN entries are dropped: an entry goes when its value or its weight is NaN. As in
//             TorchMetrics (boolean-mask indexing), a batch that had a NaN dropped becomes 1-D.
//   a number  imputation (A1): a NaN value becomes nan_strategy and keeps its weight; a NaN weight
//             becomes nan_strategy and keeps its value. Nothing else changes. (TorchMetrics 1.5.2
//             writes nan_strategy into the value *and* the weight of every NaN position, and
//             through the broadcast default weight into every weight of the batch — a bug.)
//
// NaN is tested on the input as given, then values (and weights) are cast to float32, the metric
// dtype of TorchMetrics (A2). The metrics accumulate those float32 numbers in double.
#include <cmath>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <xtensor/xbroadcast.hpp>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xindex_view.hpp>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>
#include <xtensor/xreducer.hpp>
#include <xtensor/xtensor.hpp>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/options.hpp"
#include "wasmetrics/core/tensor.hpp"
#include "wasmetrics/core/tensor_adapt.hpp"

namespace wasmetrics::aggregation {

enum class NanPolicy { error, warn, ignore, impute };

struct NanStrategy {
  NanPolicy policy = NanPolicy::warn;
  float impute_value = 0.0f;  // float32(nan_strategy): TorchMetrics writes it into the input, then casts

  static NanStrategy from(const Options& o) {
    NanStrategy s;
    if (!o.is_string("nan_strategy")) {
      s.policy = NanPolicy::impute;
      s.impute_value = static_cast<float>(o.get_number("nan_strategy"));
      return s;
    }
    const std::string v = o.get_string("nan_strategy");
    s.policy = v == "error" ? NanPolicy::error : v == "ignore" ? NanPolicy::ignore : NanPolicy::warn;
    return s;
  }
};

// Every aggregation metric of TorchMetrics 1.5.2 defaults to "warn" (only the abstract
// BaseAggregator defaults to "error").
inline OptionSpec nan_strategy_option() {
  return {.name = "nan_strategy",
          .type = OptionType::number_or_string,
          .default_value = "warn",
          .choices = {"error", "warn", "ignore"},
          .doc =
              "NaN inputs: 'error' rejects the batch, 'warn'/'ignore' drop NaN entries (no warning is emitted "
              "yet), a number replaces each NaN entry"};
}

// One batch after NaN handling: float32 values, their weights (1 where no weight was given),
// flattened row-major, and the shape the values have (the input's, or [n] when NaN entries were
// dropped).
struct CleanBatch {
  xt::xtensor<float, 1> values;
  xt::xtensor<float, 1> weights;
  Shape shape;
};

// Σ value·weight and Σ weight of a clean batch in float64, in element order (with unit weights
// the first is exactly Σ value).
struct BatchSums {
  double weighted = 0, weight = 0;
};
inline BatchSums batch_sums(const CleanBatch& b) {
  const auto w = xt::cast<double>(b.weights);
  return {xt::sum(xt::cast<double>(b.values) * w)(), xt::sum(w)()};
}

// torch.broadcast_to's rule (trailing dims align; each of `from` equals the target's or is 1, and
// `from` has no more dims): checked here so that the error names the arguments.
inline void require_broadcastable(std::string_view metric, std::string_view from_name, const Shape& from,
                                  std::string_view to_name, const Shape& to) {
  bool ok = from.size() <= to.size();
  for (std::size_t k = 0; ok && k < from.size(); ++k) {
    const std::int64_t d = from[from.size() - 1 - k];
    ok = d == 1 || d == to[to.size() - 1 - k];
  }
  if (!ok)
    fail(metric, ": `", from_name, "` of shape ", shape_str(from), " cannot be broadcast to the shape ", shape_str(to),
         " of `", to_name, "`");
}

// Reads `value` (any dtype, any shape; 0-d is a scalar) and the optional `weight` (broadcast to
// value's shape) and applies the NaN strategy. NaN is tested on the input as given, before the
// cast to float32. Throws before anything is accumulated.
inline CleanBatch clean_batch(std::string_view metric, const NanStrategy& strategy, const TensorView& value,
                              const TensorView* weight = nullptr) {
  const auto n = static_cast<std::size_t>(value.numel());
  CleanBatch out;
  xt::xtensor<bool, 1> v_nan, w_nan = xt::zeros<bool>({n});
  dispatch_dtype(value.dtype, [&](auto tag) {
    const auto x = adapt_flat<decltype(tag)>(value);
    out.values = xt::cast<float>(x);
    v_nan = xt::isnan(x);
  });
  out.weights = xt::ones<float>({n});
  if (weight) {
    require_broadcastable(metric, "weight", weight->shape, "value", value.shape);
    dispatch_dtype(weight->dtype, [&](auto tag) {
      const auto x = xt::flatten(xt::broadcast(adapt<decltype(tag)>(*weight), xt_shape_of(value.shape)));
      out.weights = xt::cast<float>(x);
      w_nan = xt::isnan(x);
    });
  }
  out.shape = value.shape;
  if (!xt::any(v_nan) && !xt::any(w_nan)) return out;
  switch (strategy.policy) {
    case NanPolicy::error:
      fail(metric, ": Encountered `nan` values in tensor (`", weight ? "value` or `weight" : "value",
           "`) with nan_strategy='error'");
    case NanPolicy::warn:  // no warning channel yet: same as ignore
    case NanPolicy::ignore: {
      const xt::xtensor<bool, 1> keep = !(v_nan || w_nan);
      out.values = xt::filter(out.values, keep);
      out.weights = xt::filter(out.weights, keep);
      out.shape = {static_cast<std::int64_t>(out.values.size())};
      return out;
    }
    case NanPolicy::impute:
      out.values = xt::where(v_nan, strategy.impute_value, out.values);
      out.weights = xt::where(w_nan, strategy.impute_value, out.weights);
      return out;
  }
  return out;
}

}  // namespace wasmetrics::aggregation
