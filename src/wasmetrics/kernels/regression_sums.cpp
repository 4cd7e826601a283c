// kernels/regression_sums: the Highway code (regression_sums-inl.h) compiled for every target
// (natively) or for the one static target (WASM), and the dispatching entry points.
#include "wasmetrics/kernels/hwy_dispatch.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "wasmetrics/kernels/regression_sums.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "wasmetrics/kernels/regression_sums-inl.h"

#if HWY_ONCE
namespace wasmetrics::kernels {

WASMETRICS_HWY_EXPORT(SumSquaredDiffF32);
WASMETRICS_HWY_EXPORT(SumSquaredDiffF64);
WASMETRICS_HWY_EXPORT(SumSquaredDiffU8);
WASMETRICS_HWY_EXPORT(SumSquaredDiffU16);
WASMETRICS_HWY_EXPORT(SumAbsDiffF32);
WASMETRICS_HWY_EXPORT(SumAbsDiffF64);
WASMETRICS_HWY_EXPORT(SumScaledSquaredDiffF32);
WASMETRICS_HWY_EXPORT(SumScaledSquaredDiffF64);
WASMETRICS_HWY_EXPORT(PairSumsF32);
WASMETRICS_HWY_EXPORT(PairSumsF64);
WASMETRICS_HWY_EXPORT(CenteredSumsF32);
WASMETRICS_HWY_EXPORT(CenteredSumsF64);

double sum_squared_diff(const float* p, const float* t, std::size_t n) {
  return WASMETRICS_HWY_CALL(SumSquaredDiffF32)(p, t, n);
}
double sum_squared_diff(const double* p, const double* t, std::size_t n) {
  return WASMETRICS_HWY_CALL(SumSquaredDiffF64)(p, t, n);
}
std::uint64_t sum_squared_diff(const std::uint8_t* p, const std::uint8_t* t, std::size_t n) {
  return WASMETRICS_HWY_CALL(SumSquaredDiffU8)(p, t, n);
}
std::uint64_t sum_squared_diff(const std::uint16_t* p, const std::uint16_t* t, std::size_t n) {
  return WASMETRICS_HWY_CALL(SumSquaredDiffU16)(p, t, n);
}
double sum_abs_diff(const float* p, const float* t, std::size_t n) {
  return WASMETRICS_HWY_CALL(SumAbsDiffF32)(p, t, n);
}
double sum_abs_diff(const double* p, const double* t, std::size_t n) {
  return WASMETRICS_HWY_CALL(SumAbsDiffF64)(p, t, n);
}
double sum_scaled_squared_diff(const float* p, const float* t, std::size_t n, double alpha, double mean_p,
                               double mean_t) {
  return WASMETRICS_HWY_CALL(SumScaledSquaredDiffF32)(p, t, n, alpha, mean_p, mean_t);
}
double sum_scaled_squared_diff(const double* p, const double* t, std::size_t n, double alpha, double mean_p,
                               double mean_t) {
  return WASMETRICS_HWY_CALL(SumScaledSquaredDiffF64)(p, t, n, alpha, mean_p, mean_t);
}
PairSums pair_sums(const float* p, const float* t, std::size_t n, PairForm form) {
  return WASMETRICS_HWY_CALL(PairSumsF32)(p, t, n, form);
}
PairSums pair_sums(const double* p, const double* t, std::size_t n, PairForm form) {
  return WASMETRICS_HWY_CALL(PairSumsF64)(p, t, n, form);
}
CenteredSums centered_sums(const float* p, const float* t, std::size_t n, PairForm form, double mean_x, double mean_y) {
  return WASMETRICS_HWY_CALL(CenteredSumsF32)(p, t, n, form, mean_x, mean_y);
}
CenteredSums centered_sums(const double* p, const double* t, std::size_t n, PairForm form, double mean_x,
                           double mean_y) {
  return WASMETRICS_HWY_CALL(CenteredSumsF64)(p, t, n, form, mean_x, mean_y);
}

}  // namespace wasmetrics::kernels
#endif  // HWY_ONCE
