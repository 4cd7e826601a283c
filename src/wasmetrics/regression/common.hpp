#pragma once
// Shared by the regression metrics: the inputs as xtensor expressions (visit_rows_pair), the
// kernels' fast path (with_float_buffers), element access as double (converted block by block, so
// a loop is compiled once, not once per pair of dtypes), TorchMetrics' rules for [N] /
// [N, num_outputs] inputs, and the "no samples yet" error of its list-state metrics.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <xtensor/xtensor.hpp>

#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/options.hpp"
#include "wasmetrics/core/state.hpp"
#include "wasmetrics/core/tensor_adapt.hpp"

namespace wasmetrics::regression {

// `t` as a [numel / k, k] float64 tensor: a copy, for integer or mixed-dtype inputs, so that an
// expression over two inputs is instantiated once rather than once per pair of dtypes.
inline xt::xtensor<double, 2> rows_as_double(const TensorView& t, std::size_t k) {
  return dispatch_dtype(
      t.dtype, [&](auto tag) { return xt::xtensor<double, 2>(xt::cast<double>(adapt_rows<decltype(tag)>(t, k))); });
}

// Calls f(A, B) with `a` and `b` as [rows, k] xtensor expressions: adaptors over the buffers (no
// copy) when both are float32 or both float64, else float64 copies (rows_as_double). Callers
// convert elements with xt::cast<double> where they compute.
template <class F>
decltype(auto) visit_rows_pair(const TensorView& a, const TensorView& b, std::size_t k, F&& f) {
  if (a.dtype == b.dtype && a.dtype == DType::float32) return f(adapt_rows<float>(a, k), adapt_rows<float>(b, k));
  if (a.dtype == b.dtype && a.dtype == DType::float64) return f(adapt_rows<double>(a, k), adapt_rows<double>(b, k));
  return f(rows_as_double(a, k), rows_as_double(b, k));
}

// The kernels' fast path (kernels/regression_sums.hpp): calls f(p, t, n) with the raw buffers
// when `a` and `b` are both float32 or both float64 and returns true; false otherwise.
template <class F>
bool with_float_buffers(const TensorView& a, const TensorView& b, F&& f) {
  if (a.dtype != b.dtype || !is_floating(a.dtype)) return false;
  const auto n = static_cast<std::size_t>(a.numel());
  if (a.dtype == DType::float32)
    f(a.as<float>(), b.as<float>(), n);
  else
    f(a.as<double>(), b.as<double>(), n);
  return true;
}

// Copies `count` elements of `t`, starting at element `offset`, into `out` as double.
inline void read_doubles(const TensorView& t, std::size_t offset, std::size_t count, double* out) {
  dispatch_dtype(t.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* src = t.as<T>() + offset;
    for (std::size_t i = 0; i < count; ++i) out[i] = static_cast<double>(src[i]);
  });
}

inline constexpr std::size_t kBlock = 512;

// Calls f(i, a[i], b[i]) for every element i in row-major order, both values as double.
// `a` and `b` must hold the same number of elements (callers check the shapes first).
template <class F>
void for_each_pair(const TensorView& a, const TensorView& b, F&& f) {
  double xa[kBlock], xb[kBlock];
  const auto n = static_cast<std::size_t>(a.numel());
  for (std::size_t off = 0; off < n; off += kBlock) {
    const std::size_t m = std::min(kBlock, n - off);
    read_doubles(a, off, m, xa);
    read_doubles(b, off, m, xb);
    for (std::size_t j = 0; j < m; ++j) f(off + j, xa[j], xb[j]);
  }
}

// The number of rows of `preds` for a metric with a fixed `num_outputs`, following TorchMetrics'
// _check_data_shape_to_num_outputs: 1-D or 2-D only; num_outputs == 1 takes [N] or [N, 1];
// num_outputs > 1 takes [N, num_outputs] (TorchMetrics lets a 1-D input through to a broadcast
// that fails or, worse, silently succeeds when N == num_outputs; here it is always an error).
inline std::int64_t rows_for_outputs(std::string_view metric, const TensorView& preds, std::int64_t num_outputs) {
  if (preds.ndim() < 1 || preds.ndim() > 2)
    fail(metric, ": expected `preds` and `target` to be 1-D or 2-D tensors, got shape ", shape_str(preds.shape));
  if (num_outputs == 1) {
    if (preds.ndim() == 2 && preds.shape[1] != 1)
      fail(metric, ": with num_outputs=1, `preds` must have shape [N] or [N, 1], got ", shape_str(preds.shape),
           " (set num_outputs to its second dimension)");
  } else if (preds.ndim() != 2 || preds.shape[1] != num_outputs) {
    fail(metric, ": with num_outputs=", num_outputs, ", `preds` must have shape [N, ", num_outputs, "], got ",
         shape_str(preds.shape));
  }
  return preds.shape[0];
}

// The number of outputs of a [N] (one) or [N, k] (k) input, for metrics that infer it
// (R2Score, ExplainedVariance).
inline std::int64_t outputs_of(std::string_view metric, const TensorView& preds) {
  if (preds.ndim() < 1 || preds.ndim() > 2)
    fail(metric, ": expected both `preds` and `target` to be 1-D or 2-D tensors, got shape ", shape_str(preds.shape));
  if (preds.ndim() == 1) return 1;
  if (preds.shape[1] < 1) fail(metric, ": `preds` of shape ", shape_str(preds.shape), " has no output column");
  return preds.shape[1];
}

// TorchMetrics' list ("cat") states cannot be concatenated before the first update: compute()
// raises there. The metrics that keep samples do the same.
inline void require_updated(std::string_view metric, const State& s) {
  if (s.updates == 0) fail(metric, ": compute() needs at least one update() first (no samples to concatenate)");
}

inline double clamp_unit(double r) {  // torch.clamp(r, -1, 1); NaN stays NaN
  if (r > 1.0) return 1.0;
  if (r < -1.0) return -1.0;
  return r;
}

// The `num_outputs` option of the metrics scored per column; `what` ends its doc (what is done
// with the columns).
inline OptionSpec num_outputs_option(std::string_view what) {
  return {.name = "num_outputs",
          .type = OptionType::integer,
          .default_value = 1,
          .min = 1,
          .doc = "number of outputs (columns of a [N, num_outputs] input)" + std::string(what)};
}

}  // namespace wasmetrics::regression
