#pragma once
// TorchMetrics' clustering metrics only store their inputs in update() and validate them in
// compute() (QUIRKS-qa Q6), so a bad batch is accepted and the error comes at compute() (or at
// forward(), which computes the batch). The clustering states therefore carry `input_error`
// (int64, max): 0, or a code naming the first problem met, which compute() turns into the message.
// Once set it stays until reset(): the accumulated value is undefined from then on.
#include <algorithm>
#include <cstdint>
#include <string>

#include "wasmetrics/core/state.hpp"

namespace wasmetrics::clustering {

enum class InputProblem : std::int64_t {
  none = 0,
  ids_not_1d = 1,         // detail: ndim
  ids_floating = 2,       // detail: dtype code
  ids_length = 3,         // detail: none
  data_not_2d = 4,        // detail: ndim
  data_not_floating = 5,  // detail: dtype code
  labels_not_1d = 6,      // detail: ndim
  rows_mismatch = 7,      // detail: none
  width_mismatch = 8,     // detail: none
};

using InputErrorSlot = StateSlot<std::int64_t>;

inline InputErrorSlot declare_input_error(StateLayout& layout) {
  return layout.add<std::int64_t>("input_error", Reduction::max, {});
}

// In a batch state (int64, as declared).
inline void record_problem(InputErrorSlot slot, State& s, InputProblem p, std::int64_t detail = 0) {
  auto& code = slot.value(s);
  code = std::max(code, (static_cast<std::int64_t>(p) << 16) | detail);
}

// The recorded code (0: none) of an accumulated state, which a loaded blob may hold as float64.
std::int64_t recorded_problem(InputErrorSlot slot, const State& s);

// Throws the recorded problem, if any.
void raise_recorded_problem(const std::string& metric, InputErrorSlot slot, const State& s);

}  // namespace wasmetrics::clustering
