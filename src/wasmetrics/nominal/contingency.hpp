#pragma once
// The statistics of a target x preds contingency table shared by CramersV, TschuprowsT,
// PearsonsContingencyCoefficient and TheilsU (TorchMetrics functional/nominal/utils.py), in float64,
// written as xtensor expressions over the table (marginals by xt::sum along an axis).
#include <cstdint>

#include <xtensor/xtensor.hpp>

#include "wasmetrics/core/state.hpp"

namespace wasmetrics::nominal {

// A dense [rows, cols] float64 table (rows target, columns preds).
using Table = xt::xtensor<double, 2>;

// The int64 [C, C] count state with its all-zero rows and columns dropped (_drop_empty_rows_and_cols).
Table drop_empty(const StateSlot<std::int64_t>& confmat, const State& s);

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
