#include "wasmetrics/core/weighted_state.hpp"

#include <string_view>

namespace wasmetrics {

namespace {

// `v`'s elements, stored as T, rewritten as float64 (exact for float32; int64 counts up to 2^53).
template <class T>
void widen_to_float64(StateVar& v) {
  auto src = v.as<T>();
  std::vector<std::byte> bytes(src.size() * sizeof(double));
  auto* dst = reinterpret_cast<double*>(bytes.data());
  for (std::size_t i = 0; i < src.size(); ++i) dst[i] = static_cast<double>(src[i]);
  v.bytes = std::move(bytes);
  v.dtype = DType::float64;
}

}  // namespace

void promote_counts_to_float64(State& s) {
  for (auto& v : s.vars())
    if (v.dtype == DType::int64) widen_to_float64<std::int64_t>(v);
}

bool may_hold_float64(const StateVar& declared) {
  return declared.reduction == Reduction::cat && declared.name == kKeptScoresState &&
         (declared.dtype == DType::float32 || declared.dtype == DType::float64);
}

void promote_to_float64(StateVar& v) {
  if (v.dtype == DType::float32) widen_to_float64<float>(v);
}

double count_at(const StateVar& v, std::size_t i) {
  if (v.dtype == DType::float64) return v.as<double>()[i];
  return static_cast<double>(v.as<std::int64_t>()[i]);
}

std::vector<double> counts_of(const StateVar& v) {
  if (v.dtype == DType::float64) {
    auto d = v.as<double>();
    return {d.begin(), d.end()};
  }
  auto d = v.as<std::int64_t>();
  return {d.begin(), d.end()};
}

std::int64_t cat_rows(const State& s) {
  for (auto& v : s.vars())
    if (v.reduction == Reduction::cat && v.name != kSampleWeightState) return v.shape.empty() ? 0 : v.shape[0];
  return 0;
}

}  // namespace wasmetrics
