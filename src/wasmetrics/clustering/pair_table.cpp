#include "wasmetrics/clustering/pair_table.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "wasmetrics/clustering/deferred_error.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/keyed_counts.hpp"

namespace wasmetrics::clustering {

PairTable declare_pair_table(StateLayout& layout) {
  PairTable t;
  t.pairs = layout.add<std::int64_t>("pairs", Reduction::cat, {0, 3});
  t.input_error = declare_input_error(layout);
  return t;
}

void count_pairs(const PairTable& t, State& s, const TensorView& preds, const TensorView& target) {
  // The order of TorchMetrics' check_cluster_labels: same shape, 1-D, not floating.
  if (preds.shape != target.shape) return record_problem(t.input_error, s, InputProblem::ids_length);
  if (preds.ndim() != 1) return record_problem(t.input_error, s, InputProblem::ids_not_1d, preds.ndim());
  if (is_floating(preds.dtype))
    return record_problem(t.input_error, s, InputProblem::ids_floating, static_cast<std::int64_t>(preds.dtype));
  if (is_floating(target.dtype))
    return record_problem(t.input_error, s, InputProblem::ids_floating, static_cast<std::int64_t>(target.dtype));
  const std::size_t n = static_cast<std::size_t>(preds.numel());
  std::vector<std::int64_t> rows(3 * n);
  visit_elements(target, [&](auto t) {
    for (std::size_t i = 0; i < n; ++i) rows[3 * i] = static_cast<std::int64_t>(t[i]);
  });
  visit_elements(preds, [&](auto p) {
    for (std::size_t i = 0; i < n; ++i) {
      rows[3 * i + 1] = static_cast<std::int64_t>(p[i]);
      rows[3 * i + 2] = 1;
    }
  });
  auto compact = compacted_rows(rows, 3);
  append_keyed_counts(t.pairs.var(s), compact);
}

void compact_pair_table(const PairTable& t, State& s) { compact_keyed_counts(t.pairs.var(s)); }

Contingency read_contingency(const PairTable& t, const State& s) {
  auto rows = read_keyed_counts(t.pairs.var(s));  // sorted by (target, pred)
  Contingency c;
  std::unordered_map<std::int64_t, std::size_t> pred_index;
  for (std::size_t r = 0; r + 2 < rows.size(); r += 3) {
    const std::int64_t count = rows[r + 2];
    c.cells.push_back(count);
    c.n += count;
    if (r == 0 || rows[r] != rows[r - 3]) c.target_sizes.push_back(0);
    c.target_sizes.back() += count;
    auto [it, added] = pred_index.try_emplace(rows[r + 1], c.pred_sizes.size());
    if (added) c.pred_sizes.push_back(0);
    c.pred_sizes[it->second] += count;
    c.cell_target.push_back(c.target_sizes.size() - 1);
    c.cell_pred.push_back(it->second);
  }
  return c;
}

double entropy(const std::vector<std::int64_t>& sizes, std::int64_t n) {
  if (n == 0) return 1.0;
  const double log_n = std::log(static_cast<double>(n));
  double h = 0;
  for (auto a : sizes)
    if (a > 0) h -= static_cast<double>(a) / static_cast<double>(n) * (std::log(static_cast<double>(a)) - log_n);
  return h;
}

double mutual_info(const Contingency& c) {
  // Σ n_ij/n (log n + log n_ij - log a_i - log b_j) over the non-zero cells (TorchMetrics'
  // _mutual_info_score_compute; its one-cluster shortcut compares a torch.Size with 1 and never fires).
  const double n = static_cast<double>(c.n), log_n = std::log(n);
  double mi = 0;
  for (std::size_t k = 0; k < c.cells.size(); ++k) {
    const double v = static_cast<double>(c.cells[k]);
    mi += v / n *
          (log_n + std::log(v) - std::log(static_cast<double>(c.target_sizes[c.cell_target[k]])) -
           std::log(static_cast<double>(c.pred_sizes[c.cell_pred[k]])));
  }
  return mi;
}

SquareSums square_sums(const Contingency& c) {
  SquareSums s;
  for (auto v : c.cells) s.cells += v * v;
  for (auto v : c.target_sizes) s.target += v * v;
  for (auto v : c.pred_sizes) s.preds += v * v;
  return s;
}

}  // namespace wasmetrics::clustering
