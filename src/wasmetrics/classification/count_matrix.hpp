#pragma once
// A count state (int64 counts, or float64 sums of sample weights once weighted: core/weighted_state.hpp)
// read as a float64 xtensor of a given shape, for the compute-time algebra of the stat-score and
// confusion-matrix families (per-class reductions along an axis, elementwise scores).
#include <array>
#include <cstddef>
#include <cstdint>

#include <xtensor/xadapt.hpp>
#include <xtensor/xtensor.hpp>

#include "wasmetrics/core/state.hpp"

namespace wasmetrics::classification {

using CountMatrix = xt::xtensor<double, 2>;

// The state's elements as a [rows, cols] float64 matrix (row-major; rows * cols == its numel).
inline CountMatrix count_matrix(const StateVar& v, std::int64_t rows, std::int64_t cols) {
  const std::array<std::size_t, 2> shape{static_cast<std::size_t>(rows), static_cast<std::size_t>(cols)};
  const auto n = static_cast<std::size_t>(rows * cols);
  if (v.dtype == DType::float64) return xt::adapt(v.as<double>().data(), n, xt::no_ownership(), shape);
  return xt::cast<double>(xt::adapt(v.as<std::int64_t>().data(), n, xt::no_ownership(), shape));
}

}  // namespace wasmetrics::classification
