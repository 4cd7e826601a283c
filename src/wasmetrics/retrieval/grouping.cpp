#include "wasmetrics/retrieval/grouping.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/kernels/radix_sort.hpp"

namespace wasmetrics::retrieval {

namespace {

// Stable LSD radix sort of rows by 64-bit key (id - min, so unsigned order is id order); bytes
// shared by every key skip their pass, so ids spanning < 2^24 values take at most 3 passes.
std::vector<std::uint32_t> radix_order(std::span<const std::int64_t> ids, std::int64_t lo) {
  const std::size_t n = ids.size();
  std::vector<std::uint64_t> keys(n), keys2(n);
  std::vector<std::uint32_t> rows(n), rows2(n);
  std::array<std::array<std::size_t, 256>, 8> hist{};
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t k = static_cast<std::uint64_t>(ids[i]) - static_cast<std::uint64_t>(lo);
    keys[i] = k;
    rows[i] = static_cast<std::uint32_t>(i);
    for (int b = 0; b < 8; ++b) ++hist[b][(k >> (8 * b)) & 0xff];
  }
  for (int b = 0; b < 8; ++b) {
    auto& h = hist[b];
    if (std::any_of(h.begin(), h.end(), [&](std::size_t c) { return c == n; })) continue;  // one digit: no-op pass
    std::size_t sum = 0;
    for (auto& c : h) {
      const std::size_t t = c;
      c = sum;
      sum += t;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t pos = h[(keys[i] >> (8 * b)) & 0xff]++;
      keys2[pos] = keys[i];
      rows2[pos] = rows[i];
    }
    keys.swap(keys2);
    rows.swap(rows2);
  }
  return rows;
}

}  // namespace

std::vector<std::uint32_t> order_by_query(std::span<const std::int64_t> ids) {
  const std::size_t n = ids.size();
  if (n == 0) return {};
  const auto [lo_it, hi_it] = std::minmax_element(ids.begin(), ids.end());
  const std::int64_t lo = *lo_it, hi = *hi_it;
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  if (span > 2 * static_cast<std::uint64_t>(n) + 1024) return radix_order(ids, lo);
  // Dense ids (the usual 0..Q-1): a counting sort, two passes.
  std::vector<std::uint32_t> start(static_cast<std::size_t>(span) + 2, 0);
  for (auto id : ids)
    ++start[static_cast<std::size_t>(static_cast<std::uint64_t>(id) - static_cast<std::uint64_t>(lo)) + 1];
  for (std::size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
  std::vector<std::uint32_t> order(n);
  for (std::size_t i = 0; i < n; ++i)
    order[start[static_cast<std::size_t>(static_cast<std::uint64_t>(ids[i]) - static_cast<std::uint64_t>(lo))]++] =
        static_cast<std::uint32_t>(i);
  return order;
}

GroupedRows group_by_query(const RowSlots& rows, const State& s, const std::string& metric) {
  const auto ids = rows.indexes.span(s);
  const auto preds = rows.preds.span(s);
  const bool graded = rows.graded();
  const std::size_t n = ids.size();
  if (n > std::numeric_limits<std::uint32_t>::max())
    fail(metric, ": too many rows (", n, ") for one computation; the limit is 2^32 - 1");
  const std::span<const float> graded_target = graded ? rows.graded_target.span(s) : std::span<const float>();
  const std::span<const std::uint8_t> binary_target =
      graded ? std::span<const std::uint8_t>() : rows.binary_target.span(s);
  auto target_at = [&](std::uint32_t r) -> float {
    return graded ? graded_target[r] : static_cast<float>(binary_target[r]);
  };

  GroupedRows g;
  std::vector<std::uint32_t> order = order_by_query(ids);
  g.scores.resize(n);
  g.target.resize(n);
  g.offsets.push_back(0);
  std::vector<std::uint64_t> keyed;  // (descending score key << 32) | row: ascending = score desc, then row
  for (std::size_t a = 0; a < n;) {
    const std::int64_t id = ids[order[a]];
    std::size_t b = a + 1;
    while (b < n && ids[order[b]] == id) ++b;
    if (b - a > 1) {
      keyed.resize(b - a);
      for (std::size_t i = a; i < b; ++i) {
        const std::uint32_t desc = ~kernels::float_order_key(preds[order[i]]);
        keyed[i - a] = (static_cast<std::uint64_t>(desc) << 32) | order[i];
      }
      std::sort(keyed.begin(), keyed.end());
      for (std::size_t i = a; i < b; ++i) order[i] = static_cast<std::uint32_t>(keyed[i - a]);
    }
    for (std::size_t i = a; i < b; ++i) {
      g.scores[i] = preds[order[i]];
      g.target[i] = target_at(order[i]);
    }
    g.ids.push_back(id);
    g.offsets.push_back(b);
    a = b;
  }
  return g;
}

}  // namespace wasmetrics::retrieval
