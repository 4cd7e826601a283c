#pragma once
// The regression (and audio) metrics' hot sums over a pair of equally long float buffers, accumulated in
// float64 (Google Highway: SIMD on every target, several accumulators, so the sum is not one
// serial chain of additions). `scalar::` holds the one-accumulator twins the tests compare with.
#include <cstddef>
#include <cstdint>

namespace wasmetrics::kernels {

// Which pair (x, y) the moment sums read from (p, t): (p, t) for Pearson's correlation, or
// (t - p, t) for R², explained variance and relative squared error (residual and target). Those
// never read the residual's covariance with the target, so in the residual form c_xy is not
// summed and stays 0 (one multiply and two additions fewer per element).
enum class PairForm : int { identity = 0, residual = 1 };

// Σx, Σy and the extremes of x and y: the first pass of the two-pass moments (a constant column
// takes its exact value as mean). NaN makes the sums NaN; the extremes then do not matter.
struct PairSums {
  double sum_x = 0, sum_y = 0;
  double min_x = 0, max_x = 0, min_y = 0, max_y = 0;
};

// Σdx², Σdy², Σdx·dy, Σdx, Σdy with dx = x - mean_x, dy = y - mean_y: the second pass (the plain
// Σdx, Σdy correct the mean's rounding).
struct CenteredSums {
  double m2_x = 0, m2_y = 0, c_xy = 0, d_x = 0, d_y = 0;
};

double sum_squared_diff(const float* p, const float* t, std::size_t n);
double sum_squared_diff(const double* p, const double* t, std::size_t n);
// Σ(p - t)² of integer samples, exact (a 64-bit integer total: 8/16-bit images for PSNR).
std::uint64_t sum_squared_diff(const std::uint8_t* p, const std::uint8_t* t, std::size_t n);
std::uint64_t sum_squared_diff(const std::uint16_t* p, const std::uint16_t* t, std::size_t n);
double sum_abs_diff(const float* p, const float* t, std::size_t n);
double sum_abs_diff(const double* p, const double* t, std::size_t n);
// Σ(alpha (t - mean_t) - (p - mean_p))²: the audio metrics' scale-invariant noise energy.
double sum_scaled_squared_diff(const float* p, const float* t, std::size_t n, double alpha, double mean_p,
                               double mean_t);
double sum_scaled_squared_diff(const double* p, const double* t, std::size_t n, double alpha, double mean_p,
                               double mean_t);
// n >= 1 for pair_sums (the extremes of nothing are undefined).
PairSums pair_sums(const float* p, const float* t, std::size_t n, PairForm form);
PairSums pair_sums(const double* p, const double* t, std::size_t n, PairForm form);
CenteredSums centered_sums(const float* p, const float* t, std::size_t n, PairForm form, double mean_x, double mean_y);
CenteredSums centered_sums(const double* p, const double* t, std::size_t n, PairForm form, double mean_x,
                           double mean_y);

namespace scalar {
template <class T>
std::uint64_t sum_squared_diff_exact(const T* p, const T* t, std::size_t n) {
  std::uint64_t s = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t d = static_cast<std::int64_t>(p[i]) - static_cast<std::int64_t>(t[i]);
    s += static_cast<std::uint64_t>(d * d);
  }
  return s;
}
template <class T>
double sum_squared_diff(const T* p, const T* t, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(p[i]) - static_cast<double>(t[i]);
    s += d * d;
  }
  return s;
}
template <class T>
double sum_abs_diff(const T* p, const T* t, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(p[i]) - static_cast<double>(t[i]);
    s += d < 0 ? -d : d;
  }
  return s;
}
template <class T>
double sum_scaled_squared_diff(const T* p, const T* t, std::size_t n, double alpha, double mean_p, double mean_t) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double e = alpha * (static_cast<double>(t[i]) - mean_t) - (static_cast<double>(p[i]) - mean_p);
    s += e * e;
  }
  return s;
}
template <class T>
PairSums pair_sums(const T* p, const T* t, std::size_t n, PairForm form) {
  PairSums r;
  for (std::size_t i = 0; i < n; ++i) {
    const double y = static_cast<double>(t[i]);
    const double x = form == PairForm::residual ? y - static_cast<double>(p[i]) : static_cast<double>(p[i]);
    r.sum_x += x;
    r.sum_y += y;
    if (i == 0 || x < r.min_x) r.min_x = x;
    if (i == 0 || x > r.max_x) r.max_x = x;
    if (i == 0 || y < r.min_y) r.min_y = y;
    if (i == 0 || y > r.max_y) r.max_y = y;
  }
  return r;
}
template <class T>
CenteredSums centered_sums(const T* p, const T* t, std::size_t n, PairForm form, double mean_x, double mean_y) {
  CenteredSums r;
  for (std::size_t i = 0; i < n; ++i) {
    const double y = static_cast<double>(t[i]);
    const double x = form == PairForm::residual ? y - static_cast<double>(p[i]) : static_cast<double>(p[i]);
    const double dx = x - mean_x, dy = y - mean_y;
    r.m2_x += dx * dx;
    r.m2_y += dy * dy;
    if (form == PairForm::identity) r.c_xy += dx * dy;
    r.d_x += dx;
    r.d_y += dy;
  }
  return r;
}
}  // namespace scalar

}  // namespace wasmetrics::kernels
