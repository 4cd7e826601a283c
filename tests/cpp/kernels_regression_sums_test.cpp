// kernels/regression_sums on every Highway target this CPU supports (HWY_EXPORT_AND_TEST_P runs
// each test once per target) against the scalar twins: exactly on integer-valued data (every
// partial sum is exact, so the order of additions cannot matter), within the rounding of a
// reordered sum on random data, for lengths around every vector and unroll boundary, both dtypes
// and both pair forms; NaN propagates. Plus the dispatching entry points the metrics call.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <type_traits>
#include <vector>

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/cpp/kernels_regression_sums_test.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "hwy/tests/hwy_gtest.h"
#include "wasmetrics/kernels/regression_sums-inl.h"
#include "wasmetrics/kernels/regression_sums.hpp"

#ifndef WASMETRICS_KERNELS_REGRESSION_SUMS_TEST_DATA_
#define WASMETRICS_KERNELS_REGRESSION_SUMS_TEST_DATA_
namespace wasmetrics::kernels::test_data {
// Lengths that cross every boundary of the loops (vectors of up to 8 doubles, unrolled by 4).
inline std::vector<std::size_t> lengths() {
  std::vector<std::size_t> out;
  for (std::size_t n = 0; n <= 70; ++n) out.push_back(n);
  for (std::size_t n : {127u, 128u, 129u, 1000u, 4099u}) out.push_back(n);
  return out;
}
// Small integers (exact sums whatever the order), or uniform reals in [-scale, scale].
template <class T>
std::vector<T> values(std::size_t n, unsigned seed, bool integers, double scale = 100) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-scale, scale);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(integers ? std::round(u(rng)) : u(rng));
  return v;
}
// The bound on the difference between two orders of summing these terms: n·eps·Σ|term|.
inline double reorder_bound(std::size_t n, double abs_sum) {
  return 4.0 * static_cast<double>(n + 1) * std::numeric_limits<double>::epsilon() * abs_sum + 1e-300;
}
}  // namespace wasmetrics::kernels::test_data
#endif

HWY_BEFORE_NAMESPACE();
namespace wasmetrics {
namespace kernels {
namespace HWY_NAMESPACE {

template <class T>
void CheckSums(bool integers) {
  for (std::size_t n : test_data::lengths()) {
    const auto p = test_data::values<T>(n, 1 + static_cast<unsigned>(n), integers);
    const auto t = test_data::values<T>(n, 1000 + static_cast<unsigned>(n), integers);
    double sq, ab, ss;
    // integer data, alpha and means keep every term and partial sum exact
    const double alpha = integers ? 2.0 : 0.37, mean_p = integers ? 1.0 : 0.25, mean_t = integers ? -3.0 : -0.5;
    if constexpr (std::is_same_v<T, float>) {
      sq = SumSquaredDiffF32(p.data(), t.data(), n);
      ab = SumAbsDiffF32(p.data(), t.data(), n);
      ss = SumScaledSquaredDiffF32(p.data(), t.data(), n, alpha, mean_p, mean_t);
    } else {
      sq = SumSquaredDiffF64(p.data(), t.data(), n);
      ab = SumAbsDiffF64(p.data(), t.data(), n);
      ss = SumScaledSquaredDiffF64(p.data(), t.data(), n, alpha, mean_p, mean_t);
    }
    const double sq_ref = scalar::sum_squared_diff(p.data(), t.data(), n);
    const double ab_ref = scalar::sum_abs_diff(p.data(), t.data(), n);
    const double ss_ref = scalar::sum_scaled_squared_diff(p.data(), t.data(), n, alpha, mean_p, mean_t);
    if (integers) {
      EXPECT_EQ(sq, sq_ref) << "n=" << n;
      EXPECT_EQ(ab, ab_ref) << "n=" << n;
      EXPECT_EQ(ss, ss_ref) << "n=" << n;
    } else {
      EXPECT_NEAR(sq, sq_ref, test_data::reorder_bound(n, sq_ref)) << "n=" << n;
      EXPECT_NEAR(ab, ab_ref, test_data::reorder_bound(n, ab_ref)) << "n=" << n;
      EXPECT_NEAR(ss, ss_ref, test_data::reorder_bound(n, ss_ref)) << "n=" << n;
    }
  }
}

template <class T>
void CheckMoments(bool integers, PairForm form) {
  for (std::size_t n : test_data::lengths()) {
    if (n == 0) continue;
    const auto p = test_data::values<T>(n, 7 + static_cast<unsigned>(n), integers);
    const auto t = test_data::values<T>(n, 7000 + static_cast<unsigned>(n), integers, 50);
    PairSums s;
    if constexpr (std::is_same_v<T, float>)
      s = PairSumsF32(p.data(), t.data(), n, form);
    else
      s = PairSumsF64(p.data(), t.data(), n, form);
    const PairSums r = scalar::pair_sums(p.data(), t.data(), n, form);
    // the extremes are exact on any data; sums exactly on integers, else within reordering
    EXPECT_EQ(s.min_x, r.min_x) << "n=" << n;
    EXPECT_EQ(s.max_x, r.max_x) << "n=" << n;
    EXPECT_EQ(s.min_y, r.min_y) << "n=" << n;
    EXPECT_EQ(s.max_y, r.max_y) << "n=" << n;
    const double ax = n * std::max(std::fabs(r.min_x), std::fabs(r.max_x));
    const double ay = n * std::max(std::fabs(r.min_y), std::fabs(r.max_y));
    if (integers) {
      EXPECT_EQ(s.sum_x, r.sum_x) << "n=" << n;
      EXPECT_EQ(s.sum_y, r.sum_y) << "n=" << n;
    } else {
      EXPECT_NEAR(s.sum_x, r.sum_x, test_data::reorder_bound(n, ax)) << "n=" << n;
      EXPECT_NEAR(s.sum_y, r.sum_y, test_data::reorder_bound(n, ay)) << "n=" << n;
    }
    // integer means keep the centred terms integers, so exact comparisons still hold
    const double mx = integers ? std::round(r.sum_x / n) : r.sum_x / n;
    const double my = integers ? std::round(r.sum_y / n) : r.sum_y / n;
    CenteredSums c;
    if constexpr (std::is_same_v<T, float>)
      c = CenteredSumsF32(p.data(), t.data(), n, form, mx, my);
    else
      c = CenteredSumsF64(p.data(), t.data(), n, form, mx, my);
    const CenteredSums rc = scalar::centered_sums(p.data(), t.data(), n, form, mx, my);
    const double fields[5] = {c.m2_x, c.m2_y, c.c_xy, c.d_x, c.d_y};
    const double refs[5] = {rc.m2_x, rc.m2_y, rc.c_xy, rc.d_x, rc.d_y};
    const double bounds[5] = {rc.m2_x, rc.m2_y, std::sqrt(rc.m2_x * rc.m2_y), std::sqrt(n * rc.m2_x),
                              std::sqrt(n * rc.m2_y)};
    for (int f = 0; f < 5; ++f) {
      if (integers)
        EXPECT_EQ(fields[f], refs[f]) << "n=" << n << " field " << f;
      else
        EXPECT_NEAR(fields[f], refs[f], test_data::reorder_bound(n, bounds[f]) * 4) << "n=" << n << " field " << f;
    }
  }
}

void TestSumsExactOnIntegers() {
  CheckSums<float>(true);
  CheckSums<double>(true);
}
void TestSumsRandom() {
  CheckSums<float>(false);
  CheckSums<double>(false);
}
void TestMoments() {
  for (PairForm form : {PairForm::identity, PairForm::residual}) {
    CheckMoments<float>(true, form);
    CheckMoments<double>(true, form);
    CheckMoments<float>(false, form);
    CheckMoments<double>(false, form);
  }
}
// The integer kernels against the exact twin: random samples over the whole range, every length
// around the vector and unroll boundaries; then the largest squares over more elements than one
// uint8 flush block takes (on AVX3: 4 * 32 * 4096), so the int32 lanes would overflow unflushed.
template <class T>
uint64_t IntegerSquaredDiff(const T* p, const T* t, size_t n) {
  if constexpr (std::is_same_v<T, uint8_t>)
    return SumSquaredDiffU8(p, t, n);
  else
    return SumSquaredDiffU16(p, t, n);
}
template <class T>
void CheckIntegerSquaredDiff() {
  std::mt19937 rng(11);
  std::uniform_int_distribution<unsigned> u(0, std::numeric_limits<T>::max());
  for (std::size_t n : test_data::lengths()) {
    std::vector<T> p(n), t(n);
    for (std::size_t i = 0; i < n; ++i) {
      p[i] = static_cast<T>(u(rng));
      t[i] = static_cast<T>(u(rng));
    }
    EXPECT_EQ(IntegerSquaredDiff(p.data(), t.data(), n), scalar::sum_squared_diff_exact(p.data(), t.data(), n))
        << "n=" << n;
  }
  const std::size_t n = 4 * 64 * 4096 * 2 + 37;  // more than two flush blocks of any target
  std::vector<T> hi(n, std::numeric_limits<T>::max()), lo(n, 0);
  hi[n / 2] = 3;  // one smaller square in the middle of a block
  const uint64_t expected = scalar::sum_squared_diff_exact(hi.data(), lo.data(), n);
  EXPECT_EQ(IntegerSquaredDiff(hi.data(), lo.data(), n), expected);
  EXPECT_EQ(IntegerSquaredDiff(lo.data(), hi.data(), n), expected);  // negative differences alike
}
void TestIntegerSquaredDiffExact() {
  CheckIntegerSquaredDiff<uint8_t>();
  CheckIntegerSquaredDiff<uint16_t>();
}

void TestNaNPropagates() {
  std::vector<float> p(37, 1.0f), t(37, 2.0f);
  p[29] = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(SumSquaredDiffF32(p.data(), t.data(), p.size())));
  EXPECT_TRUE(std::isnan(SumAbsDiffF32(p.data(), t.data(), p.size())));
  EXPECT_TRUE(std::isnan(PairSumsF32(p.data(), t.data(), p.size(), PairForm::identity).sum_x));
  EXPECT_TRUE(std::isnan(CenteredSumsF32(p.data(), t.data(), p.size(), PairForm::residual, 0, 0).m2_x));
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace wasmetrics
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace wasmetrics::kernels {
HWY_BEFORE_TEST(RegressionSumsKernel);
HWY_EXPORT_AND_TEST_P(RegressionSumsKernel, TestSumsExactOnIntegers);
HWY_EXPORT_AND_TEST_P(RegressionSumsKernel, TestSumsRandom);
HWY_EXPORT_AND_TEST_P(RegressionSumsKernel, TestMoments);
HWY_EXPORT_AND_TEST_P(RegressionSumsKernel, TestNaNPropagates);
HWY_EXPORT_AND_TEST_P(RegressionSumsKernel, TestIntegerSquaredDiffExact);

// The entry points the metrics call (dispatched to the best target) agree with the twins.
TEST(RegressionSumsKernel, DispatchedEntryPoints) {
  const auto p = test_data::values<float>(1001, 3, true);
  const auto t = test_data::values<float>(1001, 4, true);
  EXPECT_EQ(sum_squared_diff(p.data(), t.data(), p.size()), scalar::sum_squared_diff(p.data(), t.data(), p.size()));
  EXPECT_EQ(sum_abs_diff(p.data(), t.data(), p.size()), scalar::sum_abs_diff(p.data(), t.data(), p.size()));
  EXPECT_EQ(sum_scaled_squared_diff(p.data(), t.data(), p.size(), 3.0, 1.0, -2.0),
            scalar::sum_scaled_squared_diff(p.data(), t.data(), p.size(), 3.0, 1.0, -2.0));
  EXPECT_EQ(pair_sums(p.data(), t.data(), p.size(), PairForm::residual).sum_x,
            scalar::pair_sums(p.data(), t.data(), p.size(), PairForm::residual).sum_x);
  EXPECT_EQ(centered_sums(p.data(), t.data(), p.size(), PairForm::identity, 1, 2).c_xy,
            scalar::centered_sums(p.data(), t.data(), p.size(), PairForm::identity, 1, 2).c_xy);
  const std::vector<std::uint8_t> p8 = {0, 255, 7, 200, 13, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 250};
  const std::vector<std::uint8_t> t8 = {255, 0, 9, 100, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(sum_squared_diff(p8.data(), t8.data(), p8.size()),
            scalar::sum_squared_diff_exact(p8.data(), t8.data(), p8.size()));
  const std::vector<std::uint16_t> p16 = {0, 65535, 7, 40000, 13, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const std::vector<std::uint16_t> t16 = {65535, 0, 9, 100, 13, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(sum_squared_diff(p16.data(), t16.data(), p16.size()),
            scalar::sum_squared_diff_exact(p16.data(), t16.data(), p16.size()));
}
}  // namespace wasmetrics::kernels
#endif
