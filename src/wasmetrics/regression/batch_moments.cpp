// batch_moments (running_moments.hpp): a batch's moments by the corrected two-pass sum. Pass one
// gives the means (a constant column takes its exact value, so its centred sums are exactly 0);
// pass two the centred sums and Σdx, Σdy, whose square over n removes the mean's rounding. One
// float column fuses both into one pass where the data allows (one_column).
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

// Sums about a centre (K_x, K_y) turned into moments: mean = K + Σd/n, m2 = Σd² - (Σd)²/n, and
// whether that subtraction kept the precision: it loses about log2(Σd² / m2) bits, so the sums
// are accepted when Σd² <= 16 m2 (the centre within ~4 standard deviations of the mean) for x
// and y (c_xy's loss is bounded by theirs). NaN sums are accepted (NaN stays NaN).
struct Centred {
  Moments m;
  bool precise;
};
Centred from_centre(const kernels::CenteredSums& c, double centre_x, double centre_y, double rows) {
  Centred r{};
  r.m.n = rows;
  r.m.mean_x = centre_x + c.d_x / rows;
  r.m.mean_y = centre_y + c.d_y / rows;
  r.m.m2_x = c.m2_x;
  r.m.m2_y = c.m2_y;
  r.m.c_xy = c.c_xy;
  apply_correction(r.m, c.d_x, c.d_y, rows);
  r.precise = !(c.m2_x > 16 * r.m.m2_x) && !(c.m2_y > 16 * r.m.m2_y);
  return r;
}

// One float column (the hot path of bench W5): usually ONE fused pass, the sums of x, y, x², y²
// and xy (about 0: no subtraction per element). Data far from 0 relative to its spread takes a
// second pass centred on the first pair (x[0], y[0]): a constant column then sums exact zeros, so
// its mean is its value and its m2 exactly 0; and, if x[0] or y[0] lies far out, a third centred
// on the mean just found. The accepted pass loses at most 4 bits, as the corrected two-pass sum.
template <class T>
Moments one_column(const T* p, const T* t, std::size_t n, kernels::PairForm form) {
  const auto rows = static_cast<double>(n);
  Centred r = from_centre(kernels::centered_sums(p, t, n, form, 0.0, 0.0), 0.0, 0.0, rows);
  if (r.precise) return r.m;
  const double y0 = static_cast<double>(t[0]);
  const double x0 = form == kernels::PairForm::residual ? y0 - static_cast<double>(p[0]) : static_cast<double>(p[0]);
  r = from_centre(kernels::centered_sums(p, t, n, form, x0, y0), x0, y0, rows);
  if (r.precise) return r.m;
  const double mx = r.m.mean_x, my = r.m.mean_y;
  return from_centre(kernels::centered_sums(p, t, n, form, mx, my), mx, my, rows).m;
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
  const xt::xtensor<double, 1> c_xy = form == kernels::PairForm::residual
                                          ? xt::xtensor<double, 1>(xt::zeros<double>({k}))
                                          : xt::xtensor<double, 1>(xt::sum(dx * dy, {0}));
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
