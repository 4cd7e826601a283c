#pragma once
// The statistics of a target x preds contingency table shared by CramersV, TschuprowsT,
// PearsonsContingencyCoefficient and TheilsU (TorchMetrics functional/nominal/utils.py), in float64.
#include <cstdint>
#include <span>
#include <vector>

namespace wasmetrics::nominal {

// A dense table with its all-zero rows and columns dropped (_drop_empty_rows_and_cols).
struct Table {
  std::int64_t rows = 0, cols = 0;
  std::vector<double> cells;  // row-major
  double at(std::int64_t r, std::int64_t c) const { return cells[static_cast<std::size_t>(r * cols + c)]; }
  double total() const;
};

Table drop_empty(std::span<const std::int64_t> confmat, std::int64_t num_classes);

// Pearson's chi-squared against the independence table; with `yates` and one degree of freedom
// the cells move 0.5 toward the expected counts first (_compute_chi_squared). 0 with no degree of
// freedom.
double chi_squared(const Table& t, bool yates);

// Cramer's V / Tschuprow's T, with Bergsma's bias correction (NaN where it is undefined).
double cramers_v(const Table& t, bool bias_correction);
double tschuprows_t(const Table& t, bool bias_correction);
double pearsons_contingency(const Table& t);
// U(preds | target): columns are preds, rows target. 0 when the preds have no entropy.
double theils_u(const Table& t);

}  // namespace wasmetrics::nominal
