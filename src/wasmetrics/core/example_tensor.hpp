#pragma once
// A tensor in the fixtures' JSON form ({dtype, shape, data}) for MetricExample batches/results.
#include <cstdint>
#include <string>
#include <vector>

#include "wasmetrics/core/options.hpp"

namespace wasmetrics {

inline Json example_tensor(const std::string& dtype, std::vector<std::int64_t> shape, Json data) {
  return Json{{"dtype", dtype}, {"shape", std::move(shape)}, {"data", std::move(data)}};
}

// A scalar RESULT ({shape: [], data: [v]}).
inline Json example_scalar(double v) { return Json{{"shape", Json::array()}, {"data", Json::array({v})}}; }

}  // namespace wasmetrics
