#include "wasmetrics/clustering/intrinsic_data.hpp"

#include <algorithm>
#include <cmath>

#include "wasmetrics/clustering/deferred_error.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/keyed_counts.hpp"

namespace wasmetrics::clustering {

IntrinsicCommon declare_intrinsic_common(StateLayout& layout) {
  IntrinsicCommon c;
  c.widths = layout.add<std::int64_t>("widths", Reduction::cat, {0, 2});
  c.input_error = declare_input_error(layout);
  return c;
}

IntrinsicBatch read_intrinsic_batch(const IntrinsicCommon& c, State& s, const TensorView& data,
                                    const TensorView& labels) {
  IntrinsicBatch b;
  // TorchMetrics' _validate_intrinsic_cluster_data order: data 2-D, data floating, labels 1-D.
  if (data.ndim() != 2) return record_problem(c.input_error, s, InputProblem::data_not_2d, data.ndim()), b;
  if (!is_floating(data.dtype))
    return record_problem(c.input_error, s, InputProblem::data_not_floating, static_cast<std::int64_t>(data.dtype)), b;
  if (labels.ndim() != 1) return record_problem(c.input_error, s, InputProblem::labels_not_1d, labels.ndim()), b;
  if (labels.shape[0] != data.shape[0]) return record_problem(c.input_error, s, InputProblem::rows_mismatch), b;
  if (is_floating(labels.dtype))
    return record_problem(c.input_error, s, InputProblem::ids_floating, static_cast<std::int64_t>(labels.dtype)), b;
  b.ok = true;
  b.rows = data.shape[0];
  b.width = data.shape[1];
  b.data = &data;
  visit_elements(labels, [&](auto v) {
    b.labels.reserve(v.size());
    for (auto x : v) b.labels.push_back(static_cast<std::int64_t>(x));
  });
  const std::int64_t row[2] = {b.width, 1};
  append_keyed_counts(c.widths.var(s), std::span<const std::int64_t>(row, 2));
  return b;
}

std::int64_t common_width(const std::string& metric, const IntrinsicCommon& c, const State& s) {
  auto widths = read_keyed_counts(c.widths.var(s));
  if (widths.size() > 2)
    fail(metric, ": every update's `data` must have the same number of columns, the updates gave ", widths[0], " and ",
         widths[2]);
  return widths.empty() ? 0 : widths[0];
}

void require_cluster_count(const std::string& metric, std::int64_t clusters, std::int64_t samples) {
  if (!(1 < clusters && clusters < samples))
    fail(metric, ": the number of detected clusters must be greater than one and less than the number of samples, got ",
         clusters, " clusters and ", samples, " samples");
}

double p_norm(const double* v, std::size_t n, double p) {
  double s = 0;
  if (std::isinf(p)) {
    for (std::size_t i = 0; i < n; ++i) s = std::max(s, std::abs(v[i]));
    return s;
  }
  if (p == 2) {
    for (std::size_t i = 0; i < n; ++i) s += v[i] * v[i];
    return std::sqrt(s);
  }
  for (std::size_t i = 0; i < n; ++i) s += std::pow(std::abs(v[i]), p);
  return std::pow(s, 1.0 / p);
}

}  // namespace wasmetrics::clustering
