#include "wasmetrics/nominal/contingency.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/core/state_tensor.hpp"

namespace wasmetrics::nominal {
namespace {

// The indices of the non-zero entries of a vector of sums.
std::vector<std::size_t> nonzero_at(const xt::xtensor<std::int64_t, 1>& sums) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < sums.size(); ++i)
    if (sums(i) != 0) out.push_back(i);
  return out;
}

double total(const Table& t) { return xt::sum(t)(); }

}  // namespace

Table drop_empty(const StateSlot<std::int64_t>& confmat, const State& s) {
  auto cm = confmat.tensor(s);  // int64 [C, C], the state's buffer
  const auto keep_rows = nonzero_at(xt::sum(cm, {1}));
  // Columns are judged after the rows are dropped, as TorchMetrics does (same outcome: counts >= 0).
  auto rows = xt::view(cm, xt::keep(keep_rows), xt::all());
  const auto keep_cols = nonzero_at(xt::sum(rows, {0}));
  if (keep_rows.empty() || keep_cols.empty()) return Table::from_shape({keep_rows.size(), keep_cols.size()});
  return xt::cast<double>(xt::view(cm, xt::keep(keep_rows), xt::keep(keep_cols)));
}

double chi_squared(const Table& t, bool yates) {
  const std::size_t rows = t.shape(0), cols = t.shape(1);
  const double n = total(t);
  const std::int64_t df = static_cast<std::int64_t>(rows * cols) - static_cast<std::int64_t>(rows + cols) + 1;
  if (df == 0) return 0.0;
  const xt::xtensor<double, 1> row = xt::sum(t, {1}), col = xt::sum(t, {0});
  // The independence table row_r · col_c / n, by broadcasting [rows, 1] against [cols].
  const Table expected = xt::view(row, xt::all(), xt::newaxis()) * col / n;
  if (df == 1 && yates) {
    // Yates: each cell 0.5 toward its expected count (sign(expected - observed) · min(0.5, 1)).
    const Table observed = t + 0.5 * xt::sign(expected - t);
    return xt::sum(xt::square(observed - expected) / expected)();
  }
  return xt::sum(xt::square(t - expected) / expected)();
}

namespace {

struct Corrected {
  double phi2, rows, cols;
};

Corrected bias_corrected(double phi2, double r, double c, double n) {
  return {std::max(0.0, phi2 - (r - 1) * (c - 1) / (n - 1)), r - (r - 1) * (r - 1) / (n - 1),
          c - (c - 1) * (c - 1) / (n - 1)};
}

double clamp01(double v) { return std::isnan(v) ? v : std::clamp(v, 0.0, 1.0); }

}  // namespace

double cramers_v(const Table& t, bool bias_correction) {
  const double n = total(t);
  const double phi2 = chi_squared(t, bias_correction) / n;
  const double r = static_cast<double>(t.shape(0)), c = static_cast<double>(t.shape(1));
  if (bias_correction) {
    auto k = bias_corrected(phi2, r, c, n);
    if (std::min(k.rows, k.cols) == 1) return std::numeric_limits<double>::quiet_NaN();
    return clamp01(std::sqrt(k.phi2 / std::min(k.rows - 1, k.cols - 1)));
  }
  return clamp01(std::sqrt(phi2 / std::min(r - 1, c - 1)));
}

double tschuprows_t(const Table& t, bool bias_correction) {
  const double n = total(t);
  const double phi2 = chi_squared(t, bias_correction) / n;
  const double r = static_cast<double>(t.shape(0)), c = static_cast<double>(t.shape(1));
  if (bias_correction) {
    auto k = bias_corrected(phi2, r, c, n);
    if (std::min(k.rows, k.cols) == 1) return std::numeric_limits<double>::quiet_NaN();
    return clamp01(std::sqrt(k.phi2 / std::sqrt((k.rows - 1) * (k.cols - 1))));
  }
  return clamp01(std::sqrt(phi2 / std::sqrt((r - 1) * (c - 1))));
}

double pearsons_contingency(const Table& t) {
  const double phi2 = chi_squared(t, false) / total(t);
  return clamp01(std::sqrt(phi2 / (1 + phi2)));
}

double theils_u(const Table& t) {
  const double n = total(t);
  const xt::xtensor<double, 1> row = xt::sum(t, {1});
  // H(preds | target) = Σ p(t, p) log(p(t) / p(t, p)); empty cells contribute nothing (nansum).
  const double conditional =
      xt::sum(xt::where(t > 0, t / n * xt::log(xt::view(row, xt::all(), xt::newaxis()) / t), 0.0))();
  // H(preds) over the column shares (every kept column is non-empty). 0.0 - Σ, not -Σ: +0 when empty.
  const xt::xtensor<double, 1> p = xt::sum(t, {0}) / n;
  const double entropy = 0.0 - xt::sum(p * xt::log(p))();
  if (entropy == 0) return 0.0;
  return (entropy - conditional) / entropy;
}

}  // namespace wasmetrics::nominal
