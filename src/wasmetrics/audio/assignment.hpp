#pragma once
// Optimal assignment (Hungarian algorithm, O(n^3)): the permutation perm minimising
// sum_i cost(i, perm[i]) over a square n x n cost matrix (any 2-D xtensor expression, e.g. a view
// of PIT's [batch, spk, spk] metric matrix). What scipy's linear_sum_assignment gives
// PermutationInvariantTraining; for n < 3 TorchMetrics tries every permutation, which reaches the
// same optimum. The potentials and slacks are xtensor vectors; the augmenting-path walk is an index
// walk, written as loops.
#include <cstddef>
#include <limits>
#include <vector>

#include <xtensor/xtensor.hpp>

namespace wasmetrics::audio {

template <class E>
std::vector<std::size_t> min_cost_assignment(const xt::xexpression<E>& cost_expression) {
  const xt::xtensor<double, 2> cost = cost_expression.derived_cast();
  const std::size_t n = cost.shape()[0];
  const double inf = std::numeric_limits<double>::infinity();
  // 1-based potentials u (rows), v (columns); way[j]: previous column on the augmenting path.
  xt::xtensor<double, 1> u = xt::zeros<double>({n + 1}), v = xt::zeros<double>({n + 1});
  std::vector<std::size_t> match(n + 1, 0), way(n + 1, 0);
  for (std::size_t i = 1; i <= n; ++i) {
    match[0] = i;
    std::size_t j0 = 0;
    xt::xtensor<double, 1> minv = xt::empty<double>({n + 1});
    minv.fill(inf);
    std::vector<bool> used(n + 1, false);
    do {
      used[j0] = true;
      const std::size_t i0 = match[j0];
      double delta = inf;
      std::size_t j1 = 0;
      for (std::size_t j = 1; j <= n; ++j) {
        if (used[j]) continue;
        const double cur = cost(i0 - 1, j - 1) - u(i0) - v(j);
        if (cur < minv(j)) {
          minv(j) = cur;
          way[j] = j0;
        }
        if (minv(j) < delta) {
          delta = minv(j);
          j1 = j;
        }
      }
      if (j1 == 0) break;  // NaN costs: no finite improvement left
      for (std::size_t j = 0; j <= n; ++j) {
        if (used[j]) {
          u(match[j]) += delta;
          v(j) -= delta;
        } else {
          minv(j) -= delta;
        }
      }
      j0 = j1;
    } while (match[j0] != 0);
    do {
      const std::size_t j1 = way[j0];
      match[j0] = match[j1];
      j0 = j1;
    } while (j0);
  }
  std::vector<std::size_t> perm(n, 0);
  for (std::size_t j = 1; j <= n; ++j)
    if (match[j]) perm[match[j] - 1] = j - 1;
  return perm;
}

}  // namespace wasmetrics::audio
