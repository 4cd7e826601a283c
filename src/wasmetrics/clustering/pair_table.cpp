#include "wasmetrics/clustering/pair_table.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_map>

#include <xtensor/xadapt.hpp>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/clustering/deferred_error.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/keyed_counts.hpp"
#include "wasmetrics/core/tensor_adapt.hpp"

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
  // The batch's (target, pred, 1) rows as an [N, 3] table, its columns filled from the adapted inputs.
  const auto n = static_cast<std::size_t>(preds.numel());
  xt::xtensor<std::int64_t, 2> rows = xt::ones<std::int64_t>({n, std::size_t{3}});
  visit_adapted(target, [&](const auto& v) { xt::view(rows, xt::all(), 0) = xt::cast<std::int64_t>(v); });
  visit_adapted(preds, [&](const auto& v) { xt::view(rows, xt::all(), 1) = xt::cast<std::int64_t>(v); });
  auto compact = compacted_rows(std::span<const std::int64_t>(rows.data(), rows.size()), 3);
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

namespace {

// A count vector as a 1-D float64 expression over its buffer (no copy).
auto as_doubles(const std::vector<std::int64_t>& v) { return xt::cast<double>(adapt_1d(v)); }

}  // namespace

double entropy(const std::vector<std::int64_t>& sizes, std::int64_t n) {
  if (n == 0) return 1.0;
  const double nn = static_cast<double>(n), log_n = std::log(nn);
  const auto a = as_doubles(sizes);
  // 0 log 0 = 0: empty clusters masked. 0.0 - Σ (not -Σ) keeps a +0 entropy +0.
  return 0.0 - xt::sum(xt::where(a > 0, a / nn * (xt::log(a) - log_n), 0.0))();
}

double mutual_info(const Contingency& c) {
  // Σ n_ij/n (log n + log n_ij - log a_i - log b_j) over the non-zero cells (TorchMetrics'
  // _mutual_info_score_compute; its one-cluster shortcut compares a torch.Size with 1 and never fires).
  if (c.cells.empty()) return 0.0;
  const double n = static_cast<double>(c.n), log_n = std::log(n);
  const auto v = as_doubles(c.cells);
  const auto a = xt::view(as_doubles(c.target_sizes), xt::keep(c.cell_target));  // a_i of each cell
  const auto b = xt::view(as_doubles(c.pred_sizes), xt::keep(c.cell_pred));      // b_j of each cell
  return xt::sum(v / n * (log_n + xt::log(v) - xt::log(a) - xt::log(b)))();
}

SquareSums square_sums(const Contingency& c) {
  // int64 sums: exact whatever the order.
  auto sum_sq = [](const std::vector<std::int64_t>& v) -> std::int64_t {
    return v.empty() ? 0 : xt::sum(xt::square(adapt_1d(v)))();
  };
  return {sum_sq(c.cells), sum_sq(c.target_sizes), sum_sq(c.pred_sizes)};
}

}  // namespace wasmetrics::clustering
