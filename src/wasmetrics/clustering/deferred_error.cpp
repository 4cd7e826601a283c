#include "wasmetrics/clustering/deferred_error.hpp"

#include "wasmetrics/core/dtype.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/weighted_state.hpp"

namespace wasmetrics::clustering {

std::int64_t recorded_problem(InputErrorSlot slot, const State& s) {
  return static_cast<std::int64_t>(count_at(slot.var(s), 0));
}

void raise_recorded_problem(const std::string& metric, InputErrorSlot slot, const State& s) {
  const std::int64_t code = recorded_problem(slot, s);
  if (code == 0) return;
  const auto problem = static_cast<InputProblem>(code >> 16);
  const std::int64_t detail = code & 0xffff;
  auto dtype = [&] { return dtype_name(static_cast<DType>(detail)); };
  switch (problem) {
    case InputProblem::ids_not_1d:
      fail(metric, ": `preds` and `target` must be 1-D cluster ids, an update gave ", detail, "-D tensors");
    case InputProblem::ids_floating:
      fail(metric, ": `preds` and `target` must be integer cluster ids (real, discrete values), an update gave ",
           dtype());
    case InputProblem::ids_length:
      fail(metric, ": `preds` and `target` must have the same shape, an update gave different shapes");
    case InputProblem::data_not_2d:
      fail(metric, ": `data` must be 2-D [N, D], an update gave ", detail, "-D data");
    case InputProblem::data_not_floating:
      fail(metric, ": `data` must be floating point, an update gave ", dtype(), " data");
    case InputProblem::labels_not_1d:
      fail(metric, ": `labels` must be 1-D, an update gave ", detail, "-D labels");
    case InputProblem::rows_mismatch:
      fail(metric, ": `data` and `labels` must have the same number of rows, an update gave different numbers");
    case InputProblem::width_mismatch:
      fail(metric, ": every update's `data` must have the same number of columns, the updates gave different numbers");
    case InputProblem::none:
      break;
  }
  fail(metric, ": internal: unknown input problem code ", code);
}

}  // namespace wasmetrics::clustering
