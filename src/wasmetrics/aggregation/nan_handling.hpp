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
#include <type_traits>
#include <vector>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/options.hpp"
#include "wasmetrics/core/tensor.hpp"

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
  return {.name = "nan_strategy", .type = OptionType::number_or_string, .default_value = "warn",
          .choices = {"error", "warn", "ignore"},
          .doc = "NaN inputs: 'error' rejects the batch, 'warn'/'ignore' drop NaN entries (no warning is emitted "
                 "yet), a number replaces each NaN entry"};
}

// One batch after NaN handling: float32 values, their weights (1 where no weight was given) and the
// shape the values have (the input's, or [n] when NaN entries were dropped).
struct CleanBatch {
  std::vector<float> values;
  std::vector<float> weights;
  Shape shape;
};

namespace detail {

template <class T>
constexpr bool is_nan(T x) {
  if constexpr (std::is_floating_point_v<T>) return x != x;
  else return false;
}

// For each element of a tensor of shape `to`, the flat index of the element of `from` that
// torch.broadcast_to(from, to) shows there. Throws when `from` cannot be broadcast to `to`.
inline std::vector<std::size_t> broadcast_indices(std::string_view metric, std::string_view from_name,
                                                  const Shape& from, std::string_view to_name, const Shape& to) {
  auto bad = [&] {
    fail(metric, ": `", from_name, "` of shape ", shape_str(from), " cannot be broadcast to the shape ",
         shape_str(to), " of `", to_name, "`");
  };
  if (from.size() > to.size()) bad();
  const std::size_t nd = to.size(), lead = to.size() - from.size();
  std::vector<std::int64_t> stride(nd, 0);  // stride of `from` along each dim of `to` (0: broadcast)
  std::int64_t s = 1;
  for (std::size_t k = nd; k-- > lead;) {
    std::int64_t d = from[k - lead];
    if (d != to[k] && d != 1) bad();
    stride[k] = d == 1 ? 0 : s;
    s *= d;
  }
  const auto n = static_cast<std::size_t>(shape_numel(to));
  std::vector<std::size_t> out(n);
  std::vector<std::int64_t> idx(nd, 0);
  std::int64_t pos = 0;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = static_cast<std::size_t>(pos);
    for (std::size_t k = nd; k-- > 0;) {  // odometer over `to`, last dim fastest
      if (++idx[k] < to[k]) { pos += stride[k]; break; }
      pos -= stride[k] * (to[k] - 1);
      idx[k] = 0;
    }
  }
  return out;
}

}  // namespace detail

// Reads `value` (any dtype, any shape; 0-d is a scalar) and the optional `weight` (broadcast to
// value's shape) and applies the NaN strategy. Throws before anything is accumulated.
inline CleanBatch clean_batch(std::string_view metric, const NanStrategy& strategy, const TensorView& value,
                              const TensorView* weight = nullptr) {
  const auto n = static_cast<std::size_t>(value.numel());
  std::vector<float> v(n), w(n, 1.0f);
  std::vector<char> v_nan(n, 0), w_nan(n, 0);
  bool any_nan = false;
  visit_elements(value, [&](auto x) {
    for (std::size_t i = 0; i < n; ++i) {
      v_nan[i] = detail::is_nan(x[i]);
      any_nan |= static_cast<bool>(v_nan[i]);
      v[i] = static_cast<float>(x[i]);
    }
  });
  if (weight) {
    const auto where = detail::broadcast_indices(metric, "weight", weight->shape, "value", value.shape);
    visit_elements(*weight, [&](auto x) {
      for (std::size_t i = 0; i < n; ++i) {
        const auto e = x[where[i]];
        w_nan[i] = detail::is_nan(e);
        any_nan |= static_cast<bool>(w_nan[i]);
        w[i] = static_cast<float>(e);
      }
    });
  }

  CleanBatch out;
  if (!any_nan) {
    out.values = std::move(v);
    out.weights = std::move(w);
    out.shape = value.shape;
    return out;
  }
  switch (strategy.policy) {
    case NanPolicy::error:
      fail(metric, ": Encountered `nan` values in tensor (`", weight ? "value` or `weight" : "value",
           "`) with nan_strategy='error'");
    case NanPolicy::warn:  // no warning channel yet: same as ignore
    case NanPolicy::ignore:
      for (std::size_t i = 0; i < n; ++i) {
        if (v_nan[i] || w_nan[i]) continue;
        out.values.push_back(v[i]);
        out.weights.push_back(w[i]);
      }
      out.shape = {static_cast<std::int64_t>(out.values.size())};
      return out;
    case NanPolicy::impute:
      for (std::size_t i = 0; i < n; ++i) {
        if (v_nan[i]) v[i] = strategy.impute_value;
        if (w_nan[i]) w[i] = strategy.impute_value;
      }
      out.values = std::move(v);
      out.weights = std::move(w);
      out.shape = value.shape;
      return out;
  }
  return out;
}

}  // namespace wasmetrics::aggregation
