#pragma once
// Sample-weighted accumulation for the regression metrics that take `sample_weight`
// (scikit-learn's rule: row n of `preds` weighs w[n] in every sum; a weight-0 row is absent).
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/sample_weight.hpp"
#include "wasmetrics/regression/common.hpp"
#include "wasmetrics/regression/running_moments.hpp"

namespace wasmetrics::regression {

// MeanSquaredError, MeanAbsoluteError: element i of row n = i / (numel / N) (column i % num_outputs)
// adds w[n]·err(p - t) to sums[column], and `total` (per output) gains the rows' weights times the
// elements each row has per output.
template <class Err>
void add_weighted_errors(std::string_view metric, const TensorView& preds, const TensorView& target,
                         const TensorView& weight, std::int64_t num_outputs, std::span<double> sums, double& total,
                         Err&& err) {
  if (preds.ndim() < 1) fail(metric, ": `sample_weight` needs `preds` of shape [N, ...], got a scalar");
  const std::int64_t N = preds.shape[0];
  const std::vector<double> w = read_sample_weight(metric, weight, N);
  const std::size_t per_row = N ? static_cast<std::size_t>(preds.numel() / N) : 1;
  const auto k = static_cast<std::size_t>(num_outputs);
  for_each_pair(preds, target, [&](std::size_t i, double p, double t) {
    const double wi = w[i / per_row];
    if (wi != 0) sums[i % k] += wi * err(p - t);  // a weight-0 row is absent (0 * Inf would be NaN)
  });
  double wsum = 0;
  for (double v : w) wsum += v;
  total += wsum * static_cast<double>(per_row) / static_cast<double>(k);
}

// R2Score, ExplainedVariance: weighted moments of each of the k columns; row r = i / k weighs w[r],
// so n is the sum of the weights and the means and centred sums are weighted. Two passes, as
// batch_moments; Chan's merge combines weighted sets unchanged.
template <class XY>
std::vector<Moments> weighted_batch_moments(const TensorView& a, const TensorView& b, std::span<const double> w,
                                            std::size_t k, XY&& xy) {
  std::vector<Moments> m(k);
  std::vector<double> sw(k, 0.0), sx(k, 0.0), sy(k, 0.0);
  for_each_pair(a, b, [&](std::size_t i, double p, double t) {
    const double wi = w[i / k];
    if (wi == 0) return;
    auto [x, y] = xy(p, t);
    const std::size_t j = i % k;
    sw[j] += wi;
    sx[j] += wi * x;
    sy[j] += wi * y;
  });
  for (std::size_t j = 0; j < k; ++j) {
    m[j].n = sw[j];
    if (sw[j] > 0) {
      m[j].mean_x = sx[j] / sw[j];
      m[j].mean_y = sy[j] / sw[j];
    }
  }
  for_each_pair(a, b, [&](std::size_t i, double p, double t) {
    const double wi = w[i / k];
    if (wi == 0) return;
    auto [x, y] = xy(p, t);
    Moments& c = m[i % k];
    const double dx = x - c.mean_x, dy = y - c.mean_y;
    c.m2_x += wi * dx * dx;
    c.m2_y += wi * dy * dy;
    c.c_xy += wi * dx * dy;
  });
  return m;
}

// R2Score, ExplainedVariance: one batch's per-output moments of the residual x = target - preds and
// of y = target (weighted when `sample_weight` is given: scikit-learn's rule, n the sum of the
// weights), appended to the `moment_rows` state.
inline void append_residual_moments(std::string_view metric, MomentRowsSlot rows, State& s,
                                    std::span<const TensorView> in) {
  require_same_shape(metric, "preds", in[0], "target", in[1]);
  const auto k = static_cast<std::size_t>(outputs_of(metric, in[0]));
  if (const TensorView* w = sample_weight_of(in)) {
    const std::vector<double> wv = read_sample_weight(metric, *w, in[0].shape[0]);
    auto residual_and_target = [](double p, double t) { return std::pair{t - p, t}; };
    append_moment_rows(rows, s, weighted_batch_moments(in[0], in[1], wv, k, residual_and_target));
    return;
  }
  append_moment_rows(rows, s, batch_moments(in[0], in[1], k, kernels::PairForm::residual));
}

}  // namespace wasmetrics::regression
