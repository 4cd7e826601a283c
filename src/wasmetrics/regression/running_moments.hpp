#pragma once
// Merge-stable first and second moments of a pair (x, y), per output column, for the metrics
// built on means, variances and a covariance: PearsonCorrCoef and ConcordanceCorrCoef (x = preds,
// y = target), R2Score, ExplainedVariance and RelativeSquaredError (x = target - preds, y = target).
//
// A batch's moments come from a corrected two-pass sum (means first, then centred sums); two sets
// combine with Chan, Golub & LeVeque's pairwise formula. So batches with very different means, and
// instances merged in any grouping, agree with one pass over all the data up to rounding, where
// TorchMetrics' sums of raw powers (Σy² - (Σy)²/n) cancel catastrophically.
//
// Two ways to keep them in a State:
//  * outputs fixed at construction (num_outputs): six custom float64 states of shape [k]
//    (declare_moment_states), merged by MomentStates::merge() from the metric's merge_custom();
//  * outputs inferred from the data (R2Score, ExplainedVariance, whose TorchMetrics states are
//    scalars that broadcast to the first batch's width): one cat state of rows (output, n, mean_x,
//    mean_y, m2_x, m2_y, c_xy), declare_moment_rows. The state's value is the per-output Chan
//    combination of all its rows, so concatenation is a correct merge; merge_custom() calls
//    prepare_moment_rows_merge(), which rejects a batch of another width and compacts the
//    accumulated rows to one per output, keeping the state at about 2k rows.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <vector>

#include "wasmetrics/kernels/regression_sums.hpp"
#include "wasmetrics/regression/common.hpp"

namespace wasmetrics::regression {

struct Moments {
  double n = 0;
  double mean_x = 0, mean_y = 0;
  double m2_x = 0, m2_y = 0;  // Σ(x - mean_x)², Σ(y - mean_y)²
  double c_xy = 0;            // Σ(x - mean_x)(y - mean_y); not summed in the residual form (never read there)

  // Folds `b` in (Chan et al.). Exact when either side is empty.
  void merge(const Moments& b) {
    if (b.n == 0) return;
    if (n == 0) {
      *this = b;
      return;
    }
    const double total = n + b.n;
    const double dx = b.mean_x - mean_x, dy = b.mean_y - mean_y;
    const double w = n * b.n / total;
    m2_x += b.m2_x + dx * dx * w;
    m2_y += b.m2_y + dy * dy * w;
    c_xy += b.c_xy + dx * dy * w;
    mean_x += dx * (b.n / total);
    mean_y += dy * (b.n / total);
    n = total;
  }
};

// Moments of each of the k columns of a batch: element i of `a`/`b` (row-major) belongs to column
// i % k and gives (x, y) = (a[i], b[i]) or, with PairForm::residual, (b[i] - a[i], b[i])
// (regression/batch_moments.cpp: the kernels for one float column, xtensor reductions otherwise).
std::vector<Moments> batch_moments(const TensorView& a, const TensorView& b, std::size_t k, kernels::PairForm form);

// ---- fixed number of outputs: six custom states of shape [k] --------------------------------

// The six states n, mean_x, mean_y, m2_x, m2_y, c_xy (float64 [k], custom), in that order.
struct MomentStates {
  std::array<StateSlot<double>, 6> fields;  // in the order of Moments' members

  Moments at(const State& s, std::size_t j) const {
    return Moments{fields[0].span(s)[j], fields[1].span(s)[j], fields[2].span(s)[j],
                   fields[3].span(s)[j], fields[4].span(s)[j], fields[5].span(s)[j]};
  }
  void store(State& s, std::size_t j, const Moments& m) const {
    const double values[6] = {m.n, m.mean_x, m.mean_y, m.m2_x, m.m2_y, m.c_xy};
    for (std::size_t f = 0; f < 6; ++f) fields[f].span(s)[j] = values[f];
  }
  std::vector<Moments> all(const State& s) const {
    std::vector<Moments> out(fields[0].span(s).size());
    for (std::size_t j = 0; j < out.size(); ++j) out[j] = at(s, j);
    return out;
  }
  void store_all(State& s, const std::vector<Moments>& m) const {
    for (std::size_t j = 0; j < m.size(); ++j) store(s, j, m[j]);
  }
  // For merge_custom(): folds `from`'s moments into `into`'s, output by output (Chan et al.).
  void merge(State& into, const State& from) const {
    const std::size_t k = fields[0].span(into).size();
    for (std::size_t j = 0; j < k; ++j) {
      Moments m = at(into, j);
      m.merge(at(from, j));
      store(into, j, m);
    }
  }
};

inline MomentStates declare_moment_states(StateLayout& layout, std::int64_t k) {
  static constexpr const char* kNames[6] = {"n", "mean_x", "mean_y", "m2_x", "m2_y", "c_xy"};
  MomentStates out;
  for (std::size_t f = 0; f < 6; ++f) out.fields[f] = layout.add<double>(kNames[f], Reduction::custom, {k});
  return out;
}

// ---- outputs inferred from the data: a cat state of moment rows ------------------------------

inline constexpr std::int64_t kMomentRowWidth = 7;  // output, n, mean_x, mean_y, m2_x, m2_y, c_xy

// The cat state `moment_rows` (float64 [rows, kMomentRowWidth]).
using MomentRowsSlot = StateSlot<double>;

inline MomentRowsSlot declare_moment_rows(StateLayout& layout) {
  return layout.add<double>("moment_rows", Reduction::cat, {0, kMomentRowWidth});
}

inline void append_moment_rows(MomentRowsSlot rows, State& s, const std::vector<Moments>& per_output) {
  for (std::size_t j = 0; j < per_output.size(); ++j) {
    const Moments& m = per_output[j];
    const double row[kMomentRowWidth] = {static_cast<double>(j), m.n, m.mean_x, m.mean_y, m.m2_x, m.m2_y, m.c_xy};
    rows.append(s, std::span<const double>(row, kMomentRowWidth));
  }
}

// The per-output combination of the rows (empty when nothing was accumulated). A row whose output
// index is not a small non-negative integer, or an output without rows, means a corrupt state.
inline std::vector<Moments> combine_moment_rows(std::string_view metric, MomentRowsSlot moment_rows, const State& s) {
  auto v = moment_rows.span(s);
  const std::size_t rows = v.size() / kMomentRowWidth;
  std::size_t k = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const double idx = v[r * kMomentRowWidth];
    if (!(idx >= 0 && idx < static_cast<double>(rows) && std::floor(idx) == idx))
      fail(metric, ": corrupt state: moment row ", r, " has output index ", idx);
    k = std::max(k, static_cast<std::size_t>(idx) + 1);
  }
  std::vector<Moments> out(k);
  std::vector<bool> seen(k, false);
  for (std::size_t r = 0; r < rows; ++r) {
    const double* row = v.data() + r * kMomentRowWidth;
    const auto j = static_cast<std::size_t>(row[0]);
    out[j].merge(Moments{row[1], row[2], row[3], row[4], row[5], row[6]});
    seen[j] = true;
  }
  for (std::size_t j = 0; j < k; ++j)
    if (!seen[j]) fail(metric, ": corrupt state: no moments for output ", j);
  return out;
}

// For merge_custom(): refuses to mix data of different widths (before anything changes), then
// compacts `into` to one row per output; the engine appends `from`'s rows afterwards.
inline void prepare_moment_rows_merge(std::string_view metric, MomentRowsSlot rows, State& into, const State& from) {
  std::vector<Moments> mine = combine_moment_rows(metric, rows, into);
  const std::size_t theirs = combine_moment_rows(metric, rows, from).size();
  if (!mine.empty() && theirs != 0 && theirs != mine.size())
    fail(metric, ": the data has ", theirs, " output", theirs == 1 ? "" : "s",
         " (columns of `preds`) but the data "
         "accumulated so far has ",
         mine.size(), "; the number of outputs must stay the same");
  StateVar& var = rows.var(into);
  var.bytes.clear();
  var.shape[0] = 0;
  append_moment_rows(rows, into, mine);
}

}  // namespace wasmetrics::regression
