#include "wasmetrics/nominal/contingency.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace wasmetrics::nominal {

double Table::total() const {
  double s = 0;
  for (double v : cells) s += v;
  return s;
}

Table drop_empty(std::span<const std::int64_t> confmat, std::int64_t num_classes) {
  std::vector<std::int64_t> keep_rows, keep_cols;
  for (std::int64_t r = 0; r < num_classes; ++r) {
    std::int64_t s = 0;
    for (std::int64_t c = 0; c < num_classes; ++c) s += confmat[static_cast<std::size_t>(r * num_classes + c)];
    if (s != 0) keep_rows.push_back(r);
  }
  // Columns are judged after the rows are dropped, as TorchMetrics does (same outcome: counts >= 0).
  for (std::int64_t c = 0; c < num_classes; ++c) {
    std::int64_t s = 0;
    for (auto r : keep_rows) s += confmat[static_cast<std::size_t>(r * num_classes + c)];
    if (s != 0) keep_cols.push_back(c);
  }
  Table t;
  t.rows = static_cast<std::int64_t>(keep_rows.size());
  t.cols = static_cast<std::int64_t>(keep_cols.size());
  for (auto r : keep_rows)
    for (auto c : keep_cols)
      t.cells.push_back(static_cast<double>(confmat[static_cast<std::size_t>(r * num_classes + c)]));
  return t;
}

double chi_squared(const Table& t, bool yates) {
  const double n = t.total();
  std::vector<double> row(static_cast<std::size_t>(t.rows), 0.0), col(static_cast<std::size_t>(t.cols), 0.0);
  for (std::int64_t r = 0; r < t.rows; ++r)
    for (std::int64_t c = 0; c < t.cols; ++c) {
      row[static_cast<std::size_t>(r)] += t.at(r, c);
      col[static_cast<std::size_t>(c)] += t.at(r, c);
    }
  const std::int64_t df = t.rows * t.cols - t.rows - t.cols + 1;
  if (df == 0) return 0.0;
  double chi2 = 0;
  for (std::int64_t r = 0; r < t.rows; ++r)
    for (std::int64_t c = 0; c < t.cols; ++c) {
      const double expected = row[static_cast<std::size_t>(r)] * col[static_cast<std::size_t>(c)] / n;
      double observed = t.at(r, c);
      if (df == 1 && yates) {
        const double diff = expected - observed;
        const double direction = diff > 0 ? 1.0 : (diff < 0 ? -1.0 : 0.0);
        observed += direction * std::min(0.5, std::abs(direction));
      }
      chi2 += (observed - expected) * (observed - expected) / expected;
    }
  return chi2;
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
  const double n = t.total();
  const double phi2 = chi_squared(t, bias_correction) / n;
  const double r = static_cast<double>(t.rows), c = static_cast<double>(t.cols);
  if (bias_correction) {
    auto k = bias_corrected(phi2, r, c, n);
    if (std::min(k.rows, k.cols) == 1) return std::numeric_limits<double>::quiet_NaN();
    return clamp01(std::sqrt(k.phi2 / std::min(k.rows - 1, k.cols - 1)));
  }
  return clamp01(std::sqrt(phi2 / std::min(r - 1, c - 1)));
}

double tschuprows_t(const Table& t, bool bias_correction) {
  const double n = t.total();
  const double phi2 = chi_squared(t, bias_correction) / n;
  const double r = static_cast<double>(t.rows), c = static_cast<double>(t.cols);
  if (bias_correction) {
    auto k = bias_corrected(phi2, r, c, n);
    if (std::min(k.rows, k.cols) == 1) return std::numeric_limits<double>::quiet_NaN();
    return clamp01(std::sqrt(k.phi2 / std::sqrt((k.rows - 1) * (k.cols - 1))));
  }
  return clamp01(std::sqrt(phi2 / std::sqrt((r - 1) * (c - 1))));
}

double pearsons_contingency(const Table& t) {
  const double phi2 = chi_squared(t, false) / t.total();
  return clamp01(std::sqrt(phi2 / (1 + phi2)));
}

double theils_u(const Table& t) {
  const double n = t.total();
  // H(preds | target) = sum p(t, p) log(p(t) / p(t, p)); empty cells contribute nothing (nansum).
  double conditional = 0;
  for (std::int64_t r = 0; r < t.rows; ++r) {
    double row = 0;
    for (std::int64_t c = 0; c < t.cols; ++c) row += t.at(r, c);
    for (std::int64_t c = 0; c < t.cols; ++c)
      if (t.at(r, c) > 0) conditional += t.at(r, c) / n * std::log(row / t.at(r, c));
  }
  double entropy = 0;
  for (std::int64_t c = 0; c < t.cols; ++c) {
    double col = 0;
    for (std::int64_t r = 0; r < t.rows; ++r) col += t.at(r, c);
    const double p = col / n;
    entropy -= p * std::log(p);
  }
  if (entropy == 0) return 0.0;
  return (entropy - conditional) / entropy;
}

}  // namespace wasmetrics::nominal
