#pragma once
// The rows every retrieval metric keeps, as TorchMetrics keeps its preds/target/indexes lists,
// but compactly: three cat states, one element per kept row:
//   preds    float32 [N]   the score (float64 preds are cast to float32, as TorchMetrics does)
//   target   uint8 [N]     0/1 relevance (binary metrics), or
//            float32 [N]   graded relevance (RetrievalNormalizedDCG)
//   indexes  int64 [N]     the query id of the row
// = 13 bytes per row (binary) or 16 bytes per row (graded). Rows whose target equals ignore_index
// are dropped at update and take nothing. Rows of one query may arrive in any batch and order.
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "wasmetrics/core/state.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::retrieval {

struct RowFormat {
  std::string metric;   // class name, for messages
  bool graded = false;  // target is graded relevance (any finite value)
  std::optional<std::int64_t> ignore_index;
};

// Typed handles on the three states; one of the two target slots is declared (by RowFormat::graded).
struct RowSlots {
  StateSlot<float> preds;
  StateSlot<float> graded_target;
  StateSlot<std::uint8_t> binary_target;
  StateSlot<std::int64_t> indexes;
  bool graded() const { return graded_target.declared(); }
};

RowSlots declare_rows(StateLayout& layout, const RowFormat& f);

// Validates one batch (preds, target, indexes) as TorchMetrics' _check_retrieval_inputs does and
// appends its kept rows to `s`. Order of checks: same shape, int64 indexes, ignore_index drop,
// something left, target dtype, float preds (no NaN), binary (or finite graded) target.
void rows_update(const RowFormat& f, const RowSlots& rows, State& s, std::span<const TensorView> inputs);

std::int64_t row_count(const RowSlots& rows, const State& s);

}  // namespace wasmetrics::retrieval
