#include "wasmetrics/text/alignment.hpp"

#include <algorithm>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xtensor.hpp>

#include "wasmetrics/core/error.hpp"

namespace wasmetrics::text {

namespace {

// Backtrace steps, one byte per cell.
enum Step : std::uint8_t { kDiagonal = 0, kDelete = 1, kInsert = 2 };

// A cell's cost: fewer edits first, then more hits.
struct Cost {
  std::int32_t edits = 0, hits = 0;
  bool better_than(const Cost& o) const { return edits != o.edits ? edits < o.edits : hits > o.hits; }
};

}  // namespace

Alignment align_tokens(std::span<const std::uint32_t> pred, std::span<const std::uint32_t> target,
                       std::string_view what) {
  const std::size_t m = target.size(), n = pred.size();
  const double cells = static_cast<double>(m + 1) * static_cast<double>(n + 1);
  if (cells > static_cast<double>(kMaxAlignmentCells))
    fail(what, ": a pair of ", m, " reference and ", n, " predicted tokens needs ", cells,
         " alignment cells, over the limit of ", kMaxAlignmentCells, " ((reference + 1) x (prediction + 1))");

  // Rows i = reference tokens consumed, columns j = prediction tokens consumed; two cost rows and
  // the step matrix.
  xt::xtensor<std::uint8_t, 2> step = xt::empty<std::uint8_t>({m + 1, n + 1});
  std::vector<Cost> prev(n + 1), cur(n + 1);
  for (std::size_t j = 0; j <= n; ++j) {
    prev[j] = {static_cast<std::int32_t>(j), 0};
    step(0, j) = kInsert;
  }
  for (std::size_t i = 1; i <= m; ++i) {
    std::uint8_t* row = &step(i, 0);  // the hot loop writes a row through a pointer
    cur[0] = {static_cast<std::int32_t>(i), 0};
    row[0] = kDelete;
    for (std::size_t j = 1; j <= n; ++j) {
      const bool same = target[i - 1] == pred[j - 1];
      Cost best{prev[j - 1].edits + (same ? 0 : 1), prev[j - 1].hits + (same ? 1 : 0)};
      std::uint8_t s = kDiagonal;
      const Cost del{prev[j].edits + 1, prev[j].hits};
      if (del.better_than(best)) best = del, s = kDelete;
      const Cost ins{cur[j - 1].edits + 1, cur[j - 1].hits};
      if (ins.better_than(best)) best = ins, s = kInsert;
      cur[j] = best;
      row[j] = s;
    }
    std::swap(prev, cur);
  }

  // Walk back from (m, n), one operation per step, then group runs (in forward order).
  std::vector<EditOp> ops;
  ops.reserve(m + n);
  for (std::size_t i = m, j = n; i > 0 || j > 0;) {
    const std::uint8_t s = step(i, j);
    if (s == kDiagonal) {
      ops.push_back(target[i - 1] == pred[j - 1] ? EditOp::equal : EditOp::substitute);
      --i, --j;
    } else if (s == kDelete) {
      ops.push_back(EditOp::delete_);
      --i;
    } else {
      ops.push_back(EditOp::insert);
      --j;
    }
  }
  std::reverse(ops.begin(), ops.end());

  Alignment a;
  std::size_t i = 0, j = 0;
  for (EditOp op : ops) {
    const bool moves_target = op != EditOp::insert, moves_pred = op != EditOp::delete_;
    if (a.chunks.empty() || a.chunks.back().op != op) a.chunks.push_back({op, i, i, j, j});
    AlignmentChunk& c = a.chunks.back();
    if (moves_target) c.target_end = ++i;
    if (moves_pred) c.pred_end = ++j;
    switch (op) {
      case EditOp::equal:
        ++a.hits;
        break;
      case EditOp::substitute:
        ++a.substitutions;
        break;
      case EditOp::insert:
        ++a.insertions;
        break;
      case EditOp::delete_:
        ++a.deletions;
        break;
    }
  }
  return a;
}

}  // namespace wasmetrics::text
