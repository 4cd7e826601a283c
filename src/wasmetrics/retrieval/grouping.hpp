#pragma once
// Groups the kept rows by query once, for compute: rows ordered by (query id ascending, score
// descending), ties kept in arrival order. Then compute is one pass per query over contiguous
// spans. Cost: O(N) to group by id (a counting sort when the ids span at most ~2N values, else an
// LSD radix sort over the id bytes that differ) plus one sort per query by score.
// Workspace at compute, beyond the state: about 12 bytes per row (row order + sorted scores +
// sorted targets as float32), plus 16 bytes per row while a sparse-id radix sort runs.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include <xtensor/xadapt.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xreducer.hpp>
#include <xtensor/xtensor.hpp>

#include "wasmetrics/core/state.hpp"
#include "wasmetrics/core/tensor_adapt.hpp"
#include "wasmetrics/retrieval/rows.hpp"

namespace wasmetrics::retrieval {

// The float64 sum of a 1-D expression over a query's rows (summed in order, as the hand loops it
// replaced).
template <class E>
double run_sum(E&& e) {
  return xt::sum<double>(std::forward<E>(e))();
}

// One query's rows, sorted by score descending; scores_x()/target_x() are the same rows as
// xtensor expressions (the metrics' sums, cumulative counts and discounts are written on them).
struct QueryRows {
  std::int64_t id = 0;
  std::span<const float> scores;
  std::span<const float> target;  // 0/1, or graded relevance
  std::size_t size() const { return scores.size(); }
  auto scores_x() const { return adapt_1d(scores); }
  auto target_x() const { return adapt_1d(target); }
  // The first n rows (n <= size()).
  QueryRows first(std::size_t n) const { return {id, scores.first(n), target.first(n)}; }
};

struct GroupedRows {
  std::vector<std::int64_t> ids;     // ascending, one per query
  std::vector<std::size_t> offsets;  // ids.size() + 1
  std::vector<float> scores;         // all rows, grouped (views: query(q).scores_x() / target_x())
  std::vector<float> target;
  std::size_t queries() const { return ids.size(); }
  QueryRows query(std::size_t q) const {
    const std::size_t a = offsets[q], b = offsets[q + 1];
    return {ids[q], std::span<const float>(scores).subspan(a, b - a), std::span<const float>(target).subspan(a, b - a)};
  }
};

// The rows of a retrieval state (rows.hpp), grouped. `metric` names the metric in errors.
GroupedRows group_by_query(const RowSlots& rows, const State& s, const std::string& metric);

// The grouping loop (grouping.cpp) stays hand-tuned on std::vector: gathering through xtensor
// (xt::index_view, xt::empty) made compute slower on 1e6 rows in 10,000 queries.

// Row order by query id, stable (exposed for tests): a permutation of 0..ids.size()-1.
std::vector<std::uint32_t> order_by_query(std::span<const std::int64_t> ids);

}  // namespace wasmetrics::retrieval
