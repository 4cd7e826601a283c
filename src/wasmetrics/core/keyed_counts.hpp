#pragma once
// Sparse counts in the state model: a `cat` state of int64 rows [K, W], the first W - 1 columns a
// key and the last a count (a sparse contingency table is rows (target id, pred id, count)).
//
// The engine concatenates cat states on every fold (update, forward, merge), so a key may appear
// in several rows; the rows mean "the sum of the counts per key", which makes concatenation an
// exact merge. Metrics call compact_keyed_counts() from merge_custom(), which runs before the
// concatenation: the held rows are sorted and their duplicates summed, so the state holds at most
// (distinct keys) + (rows of what is being folded in) rows — it grows with the number of distinct
// keys, never with the number of samples. compute() reads a compacted copy (read_keyed_counts), so
// it never depends on when compaction happened.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <span>
#include <utility>
#include <vector>

#include "wasmetrics/core/state.hpp"

namespace wasmetrics {

// Rows of width W, sorted by key, duplicates summed, zero counts dropped.
inline std::vector<std::int64_t> compacted_rows(std::span<const std::int64_t> rows, std::size_t width) {
  const std::size_t n = width ? rows.size() / width : 0;
  std::vector<std::uint32_t> order(n);
  std::iota(order.begin(), order.end(), 0u);
  const std::size_t key = width - 1;
  auto less = [&](std::uint32_t a, std::uint32_t b) {
    return std::lexicographical_compare(rows.begin() + a * width, rows.begin() + a * width + key,
                                        rows.begin() + b * width, rows.begin() + b * width + key);
  };
  std::sort(order.begin(), order.end(), less);
  std::vector<std::int64_t> out;
  out.reserve(rows.size());
  for (std::size_t i = 0; i < n;) {
    const std::int64_t* first = rows.data() + order[i] * width;
    std::int64_t count = 0;
    std::size_t j = i;
    for (; j < n && std::equal(first, first + key, rows.data() + order[j] * width); ++j)
      count += rows[order[j] * width + key];
    if (count != 0) {
      out.insert(out.end(), first, first + key);
      out.push_back(count);
    }
    i = j;
  }
  return out;
}

inline std::size_t row_width(const StateVar& v) {
  std::size_t w = 1;
  for (std::size_t i = 1; i < v.shape.size(); ++i) w *= static_cast<std::size_t>(v.shape[i]);
  return w;
}

// Replaces the rows of `v` (a cat int64 [K, W] state) by their compacted form.
inline void compact_keyed_counts(StateVar& v) {
  const std::size_t width = row_width(v);
  auto rows = compacted_rows(std::as_const(v).as<std::int64_t>(), width);
  v.bytes.resize(rows.size() * sizeof(std::int64_t));
  if (!rows.empty()) std::memcpy(v.bytes.data(), rows.data(), v.bytes.size());
  v.shape[0] = static_cast<std::int64_t>(rows.size() / width);
}

// The compacted rows of `v`, flat (K * W values), without touching the state.
inline std::vector<std::int64_t> read_keyed_counts(const StateVar& v) {
  return compacted_rows(v.as<std::int64_t>(), row_width(v));
}

// Appends already-formed rows (flat, K * W values) to a cat state.
inline void append_keyed_counts(StateVar& v, std::span<const std::int64_t> rows) { v.append<std::int64_t>(rows); }

}  // namespace wasmetrics
