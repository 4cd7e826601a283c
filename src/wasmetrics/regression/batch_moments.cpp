// batch_moments (running_moments.hpp): a batch's moments by the corrected two-pass sum. Pass one
// gives the means (a constant column takes its exact value, so its centred sums are exactly 0);
// pass two the centred sums and Σdx, Σdy, whose square over n removes the mean's rounding.
#include <cmath>
#include <vector>

#include <xtensor/xmath.hpp>
#include <xtensor/xreducer.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/regression/running_moments.hpp"

namespace wasmetrics::regression {
namespace {

// The mean of a column from its sum and extremes: the extreme itself when all values are equal.
double column_mean(double sum, double lo, double hi, double rows) {
  const double mean = sum / rows;
  return lo == hi && !std::isnan(mean) ? lo : mean;
}

void apply_correction(Moments& m, double dsx, double dsy, double rows) {
  m.m2_x -= dsx * dsx / rows;
  m.m2_y -= dsy * dsy / rows;
  m.c_xy -= dsx * dsy / rows;
  if (m.m2_x < 0) m.m2_x = 0;
  if (m.m2_y < 0) m.m2_y = 0;
}

// One float column (the hot path of bench W5): both passes are SIMD kernels.
template <class T>
Moments one_column(const T* p, const T* t, std::size_t n, kernels::PairForm form) {
  Moments m;
  const auto rows = static_cast<double>(n);
  const kernels::PairSums s = kernels::pair_sums(p, t, n, form);
  m.n = rows;
  m.mean_x = column_mean(s.sum_x, s.min_x, s.max_x, rows);
  m.mean_y = column_mean(s.sum_y, s.min_y, s.max_y, rows);
  const kernels::CenteredSums c = kernels::centered_sums(p, t, n, form, m.mean_x, m.mean_y);
  m.m2_x = c.m2_x;
  m.m2_y = c.m2_y;
  m.c_xy = c.c_xy;
  apply_correction(m, c.d_x, c.d_y, rows);
  return m;
}

// Any k and dtype: the same passes as xtensor reductions along the rows, in row order per column.
template <class P, class T>
std::vector<Moments> columns(const P& pe, const T& te, std::size_t k, kernels::PairForm form) {
  const xt::xtensor<double, 2> y = xt::cast<double>(te);
  const xt::xtensor<double, 2> x = form == kernels::PairForm::residual
                                       ? xt::xtensor<double, 2>(y - xt::cast<double>(pe))
                                       : xt::xtensor<double, 2>(xt::cast<double>(pe));
  const auto rows = static_cast<double>(x.shape(0));
  const xt::xtensor<double, 1> sx = xt::sum(x, {0}), sy = xt::sum(y, {0});
  const xt::xtensor<double, 1> lo_x = xt::amin(x, {0}), hi_x = xt::amax(x, {0});
  const xt::xtensor<double, 1> lo_y = xt::amin(y, {0}), hi_y = xt::amax(y, {0});
  std::vector<Moments> m(k);
  xt::xtensor<double, 1> mean_x = xt::zeros<double>({k}), mean_y = xt::zeros<double>({k});
  for (std::size_t j = 0; j < k; ++j) {
    m[j].n = rows;
    m[j].mean_x = mean_x(j) = column_mean(sx(j), lo_x(j), hi_x(j), rows);
    m[j].mean_y = mean_y(j) = column_mean(sy(j), lo_y(j), hi_y(j), rows);
  }
  const xt::xtensor<double, 2> dx = x - xt::view(mean_x, xt::newaxis(), xt::all());
  const xt::xtensor<double, 2> dy = y - xt::view(mean_y, xt::newaxis(), xt::all());
  const xt::xtensor<double, 1> m2_x = xt::sum(dx * dx, {0}), m2_y = xt::sum(dy * dy, {0});
  const xt::xtensor<double, 1> c_xy = xt::sum(dx * dy, {0});
  const xt::xtensor<double, 1> dsx = xt::sum(dx, {0}), dsy = xt::sum(dy, {0});
  for (std::size_t j = 0; j < k; ++j) {
    m[j].m2_x = m2_x(j);
    m[j].m2_y = m2_y(j);
    m[j].c_xy = c_xy(j);
    apply_correction(m[j], dsx(j), dsy(j), rows);
  }
  return m;
}

}  // namespace

std::vector<Moments> batch_moments(const TensorView& a, const TensorView& b, std::size_t k, kernels::PairForm form) {
  if (a.numel() / static_cast<std::int64_t>(k) == 0) return std::vector<Moments>(k);
  std::vector<Moments> out;
  if (k == 1 &&
      with_float_buffers(a, b, [&](const auto* p, const auto* t, std::size_t n) { out = {one_column(p, t, n, form)}; }))
    return out;
  return visit_rows_pair(a, b, k, [&](const auto& P, const auto& T) { return columns(P, T, k, form); });
}

}  // namespace wasmetrics::regression
