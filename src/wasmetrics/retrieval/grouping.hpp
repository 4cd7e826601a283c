#pragma once
// Groups the kept rows by query once, for compute: rows ordered by (query id ascending, score
// descending), ties kept in arrival order. Then compute is one pass per query over contiguous
// spans. Cost: O(N) to group by id (a counting sort when the ids span at most ~2N values, else an
// LSD radix sort over the id bytes that differ) plus one sort per query by score.
// Workspace at compute, beyond the state: about 12 bytes per row (row order + sorted scores +
// sorted targets as float32), plus 16 bytes per row while a sparse-id radix sort runs.
#include <cstdint>
#include <span>
#include <vector>

#include "wasmetrics/core/state.hpp"
#include "wasmetrics/retrieval/rows.hpp"

namespace wasmetrics::retrieval {

// One query's rows, sorted by score descending.
struct QueryRows {
  std::int64_t id = 0;
  std::span<const float> scores;
  std::span<const float> target;  // 0/1, or graded relevance
  std::size_t size() const { return scores.size(); }
};

struct GroupedRows {
  std::vector<std::int64_t> ids;     // ascending, one per query
  std::vector<std::size_t> offsets;  // ids.size() + 1
  std::vector<float> scores;         // all rows, grouped
  std::vector<float> target;
  std::size_t queries() const { return ids.size(); }
  QueryRows query(std::size_t q) const {
    const std::size_t a = offsets[q], b = offsets[q + 1];
    return {ids[q], std::span<const float>(scores).subspan(a, b - a), std::span<const float>(target).subspan(a, b - a)};
  }
};

// The rows of a retrieval state (rows.hpp), grouped. `metric` names the metric in errors.
GroupedRows group_by_query(const RowSlots& rows, const State& s, const std::string& metric);

// Row order by query id, stable (exposed for tests): a permutation of 0..ids.size()-1.
std::vector<std::uint32_t> order_by_query(std::span<const std::int64_t> ids);

}  // namespace wasmetrics::retrieval
