// Per-target code of kernels/regression_sums (Highway): included once per target by
// regression_sums.cpp and by its test through foreach_target.h, hence this guard instead of
// #pragma once.
#if defined(WASMETRICS_KERNELS_REGRESSION_SUMS_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef WASMETRICS_KERNELS_REGRESSION_SUMS_INL_H_
#undef WASMETRICS_KERNELS_REGRESSION_SUMS_INL_H_
#else
#define WASMETRICS_KERNELS_REGRESSION_SUMS_INL_H_
#endif

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "hwy/highway.h"
#include "wasmetrics/kernels/regression_sums.hpp"

HWY_BEFORE_NAMESPACE();
namespace wasmetrics {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// The float64 vector ops the kernels use. Highway 1.0.3's WASM target has no float64 arithmetic
// (HWY_HAVE_FLOAT64 is 0 there) although WASM SIMD128 has f64x2: on that target they are written
// with its intrinsics; everywhere else they are Highway's own.
#if HWY_TARGET == HWY_WASM
using VecF64 = hn::Vec128<double>;
HWY_INLINE VecF64 F64Add(VecF64 a, VecF64 b) { return VecF64{wasm_f64x2_add(a.raw, b.raw)}; }
HWY_INLINE VecF64 F64Sub(VecF64 a, VecF64 b) { return VecF64{wasm_f64x2_sub(a.raw, b.raw)}; }
HWY_INLINE VecF64 F64Mul(VecF64 a, VecF64 b) { return VecF64{wasm_f64x2_mul(a.raw, b.raw)}; }
HWY_INLINE VecF64 F64Abs(VecF64 a) { return VecF64{wasm_f64x2_abs(a.raw)}; }
HWY_INLINE VecF64 F64Min(VecF64 a, VecF64 b) { return VecF64{wasm_f64x2_pmin(a.raw, b.raw)}; }
HWY_INLINE VecF64 F64Max(VecF64 a, VecF64 b) { return VecF64{wasm_f64x2_pmax(a.raw, b.raw)}; }
template <class D>
HWY_INLINE VecF64 F64Set(D, double x) {
  return VecF64{wasm_f64x2_splat(x)};
}
template <class D>
HWY_INLINE VecF64 F64Zero(D d) {
  return F64Set(d, 0.0);
}
template <class D>
HWY_INLINE double F64SumOfLanes(D, VecF64 v) {
  return wasm_f64x2_extract_lane(v.raw, 0) + wasm_f64x2_extract_lane(v.raw, 1);
}
template <class D>
HWY_INLINE double F64MinOfLanes(D, VecF64 v) {
  const double a = wasm_f64x2_extract_lane(v.raw, 0), b = wasm_f64x2_extract_lane(v.raw, 1);
  return b < a ? b : a;
}
template <class D>
HWY_INLINE double F64MaxOfLanes(D, VecF64 v) {
  const double a = wasm_f64x2_extract_lane(v.raw, 0), b = wasm_f64x2_extract_lane(v.raw, 1);
  return b > a ? b : a;
}
template <class D, class T>
HWY_INLINE VecF64 LoadF64(D, const T* HWY_RESTRICT p) {
  if constexpr (std::is_same_v<T, double>)
    return VecF64{wasm_v128_load(p)};
  else
    return VecF64{wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(p))};
}
#else
template <class V>
HWY_INLINE V F64Add(V a, V b) {
  return hn::Add(a, b);
}
template <class V>
HWY_INLINE V F64Sub(V a, V b) {
  return hn::Sub(a, b);
}
template <class V>
HWY_INLINE V F64Mul(V a, V b) {
  return hn::Mul(a, b);
}
template <class V>
HWY_INLINE V F64Abs(V a) {
  return hn::Abs(a);
}
template <class V>
HWY_INLINE V F64Min(V a, V b) {
  return hn::Min(a, b);
}
template <class V>
HWY_INLINE V F64Max(V a, V b) {
  return hn::Max(a, b);
}
template <class D>
HWY_INLINE hn::Vec<D> F64Set(D d, double x) {
  return hn::Set(d, x);
}
template <class D>
HWY_INLINE hn::Vec<D> F64Zero(D d) {
  return hn::Zero(d);
}
template <class D>
HWY_INLINE double F64SumOfLanes(D d, hn::Vec<D> v) {
  return hn::GetLane(hn::SumOfLanes(d, v));
}
template <class D>
HWY_INLINE double F64MinOfLanes(D d, hn::Vec<D> v) {
  return hn::GetLane(hn::MinOfLanes(d, v));
}
template <class D>
HWY_INLINE double F64MaxOfLanes(D d, hn::Vec<D> v) {
  return hn::GetLane(hn::MaxOfLanes(d, v));
}
// Lanes(d) elements of p as float64 (float32 is loaded at half width and widened).
template <class D, class T>
HWY_INLINE hn::Vec<D> LoadF64(D d, const T* HWY_RESTRICT p) {
  if constexpr (std::is_same_v<T, double>) {
    return hn::LoadU(d, p);
  } else {
    const hn::Rebind<float, D> df;
    return hn::PromoteTo(d, hn::LoadU(df, p));
  }
}
#endif

// The per-element terms, each as a vector op and its scalar twin for the tail. Functors rather
// than lambdas: HWY_BEFORE_NAMESPACE's target attributes reach their member functions.
struct SquaredDiff {
  template <class V>
  HWY_INLINE V operator()(V p, V t) const {
    const V d = F64Sub(p, t);
    return F64Mul(d, d);
  }
  static double scalar(double p, double t) { return (p - t) * (p - t); }
};
struct AbsDiff {
  template <class V>
  HWY_INLINE V operator()(V p, V t) const {
    return F64Abs(F64Sub(p, t));
  }
  static double scalar(double p, double t) { return p < t ? t - p : p - t; }
};
// (alpha (t - mean_t) - (p - mean_p))^2: SI-SDR's noise energy, straight from the samples (the
// expansion alpha^2 Σt² - 2 alpha Σpt + Σp² cancels when p is close to alpha t).
struct ScaledSquaredDiff {
  double alpha, mean_p, mean_t;
  template <class V>
  HWY_INLINE V operator()(V p, V t) const {
    const hn::ScalableTag<double> d;
    const V e = F64Sub(F64Mul(F64Set(d, alpha), F64Sub(t, F64Set(d, mean_t))), F64Sub(p, F64Set(d, mean_p)));
    return F64Mul(e, e);
  }
  double scalar(double p, double t) const {
    const double e = alpha * (t - mean_t) - (p - mean_p);
    return e * e;
  }
};

// Σ term(p[i], t[i]) with four vector accumulators: the additions form four independent chains
// (a float64 add's latency, not its throughput, bounds a single chain).
template <class T, class Term>
HWY_INLINE double SumTerms(const T* HWY_RESTRICT p, const T* HWY_RESTRICT t, size_t n, Term term) {
  const hn::ScalableTag<double> d;
  const size_t N = hn::Lanes(d);
  auto a0 = F64Zero(d), a1 = F64Zero(d), a2 = F64Zero(d), a3 = F64Zero(d);
  size_t i = 0;
  if (n >= 4 * N) {
    for (; i <= n - 4 * N; i += 4 * N) {
      a0 = F64Add(a0, term(LoadF64(d, p + i), LoadF64(d, t + i)));
      a1 = F64Add(a1, term(LoadF64(d, p + i + N), LoadF64(d, t + i + N)));
      a2 = F64Add(a2, term(LoadF64(d, p + i + 2 * N), LoadF64(d, t + i + 2 * N)));
      a3 = F64Add(a3, term(LoadF64(d, p + i + 3 * N), LoadF64(d, t + i + 3 * N)));
    }
  }
  for (; i + N <= n; i += N) a0 = F64Add(a0, term(LoadF64(d, p + i), LoadF64(d, t + i)));
  double tail = 0;  // fewer than N elements left: no masked load reads past the buffer's end
  for (; i < n; ++i) tail += term.scalar(static_cast<double>(p[i]), static_cast<double>(t[i]));
  return F64SumOfLanes(d, F64Add(F64Add(a0, a1), F64Add(a2, a3))) + tail;
}

// x of the pair (x, y = t): p, or the residual t - p. A template flag, not a branch per vector.
template <bool kResidual, class V>
HWY_INLINE V PairX(V p, V t) {
  if constexpr (kResidual)
    return F64Sub(t, p);
  else
    return p;
}
template <bool kResidual>
HWY_INLINE double PairXScalar(double p, double t) {
  return kResidual ? t - p : p;
}

template <bool kResidual, class T>
HWY_INLINE PairSums PairSumsImpl(const T* HWY_RESTRICT p, const T* HWY_RESTRICT t, size_t n) {
  const hn::ScalableTag<double> d;
  const size_t N = hn::Lanes(d);
  PairSums r;
  size_t i = 0;
  if (n >= 2 * N) {
    auto sx0 = F64Zero(d), sx1 = F64Zero(d), sy0 = F64Zero(d), sy1 = F64Zero(d);
    const auto y = LoadF64(d, t);
    const auto x = PairX<kResidual>(LoadF64(d, p), y);
    auto lo_x = x, hi_x = x, lo_y = y, hi_y = y;
    for (; i <= n - 2 * N; i += 2 * N) {
      auto y0 = LoadF64(d, t + i), y1 = LoadF64(d, t + i + N);
      const auto x0 = PairX<kResidual>(LoadF64(d, p + i), y0);
      const auto x1 = PairX<kResidual>(LoadF64(d, p + i + N), y1);
      sx0 = F64Add(sx0, x0);
      sx1 = F64Add(sx1, x1);
      sy0 = F64Add(sy0, y0);
      sy1 = F64Add(sy1, y1);
      lo_x = F64Min(lo_x, F64Min(x0, x1));
      hi_x = F64Max(hi_x, F64Max(x0, x1));
      lo_y = F64Min(lo_y, F64Min(y0, y1));
      hi_y = F64Max(hi_y, F64Max(y0, y1));
    }
    r.sum_x = F64SumOfLanes(d, F64Add(sx0, sx1));
    r.sum_y = F64SumOfLanes(d, F64Add(sy0, sy1));
    r.min_x = F64MinOfLanes(d, lo_x);
    r.max_x = F64MaxOfLanes(d, hi_x);
    r.min_y = F64MinOfLanes(d, lo_y);
    r.max_y = F64MaxOfLanes(d, hi_y);
  }
  for (; i < n; ++i) {
    const double y = static_cast<double>(t[i]);
    const double x = PairXScalar<kResidual>(static_cast<double>(p[i]), y);
    r.sum_x += x;
    r.sum_y += y;
    if (i == 0 || x < r.min_x) r.min_x = x;
    if (i == 0 || x > r.max_x) r.max_x = x;
    if (i == 0 || y < r.min_y) r.min_y = y;
    if (i == 0 || y > r.max_y) r.max_y = y;
  }
  return r;
}

// v - center, or v itself for the unshifted sums (a template flag: no subtraction of 0 per vector).
template <bool kShift, class V>
HWY_INLINE V Centered(V v, V center) {
  if constexpr (kShift)
    return F64Sub(v, center);
  else
    return v;
}

// One step of CenteredSumsImpl: two vectors of pairs added to each other, then to each accumulator
// (a short chain per step). Σdx·dy only in the identity form.
template <bool kResidual, bool kShift, class D, class T>
HWY_INLINE void AddCenteredPair(D d, const T* HWY_RESTRICT p, const T* HWY_RESTRICT t, hn::Vec<D> mx, hn::Vec<D> my,
                                hn::Vec<D>& m2x, hn::Vec<D>& m2y, hn::Vec<D>& cxy, hn::Vec<D>& dx, hn::Vec<D>& dy) {
  const size_t N = hn::Lanes(d);
  const auto y0 = LoadF64(d, t), y1 = LoadF64(d, t + N);
  const auto ex0 = Centered<kShift>(PairX<kResidual>(LoadF64(d, p), y0), mx);
  const auto ex1 = Centered<kShift>(PairX<kResidual>(LoadF64(d, p + N), y1), mx);
  const auto ey0 = Centered<kShift>(y0, my), ey1 = Centered<kShift>(y1, my);
  m2x = F64Add(m2x, F64Add(F64Mul(ex0, ex0), F64Mul(ex1, ex1)));
  m2y = F64Add(m2y, F64Add(F64Mul(ey0, ey0), F64Mul(ey1, ey1)));
  if constexpr (!kResidual) cxy = F64Add(cxy, F64Add(F64Mul(ex0, ey0), F64Mul(ex1, ey1)));
  dx = F64Add(dx, F64Add(ex0, ex1));
  dy = F64Add(dy, F64Add(ey0, ey1));
}

// Σdx², Σdy², Σdx·dy, Σdx, Σdy in one pass (no Σdx·dy in the residual form: see PairForm). Five
// accumulators, not ten: ten plus the loaded vectors and the centres would not fit x64's 16 vector
// registers under V8. (Two steps per iteration in the one-lane plain build measured 5% slower.)
template <bool kResidual, bool kShift, class T>
HWY_INLINE CenteredSums CenteredSumsImpl(const T* HWY_RESTRICT p, const T* HWY_RESTRICT t, size_t n, double mean_x,
                                         double mean_y) {
  const hn::ScalableTag<double> d;
  const size_t N = hn::Lanes(d);
  const auto mx = F64Set(d, mean_x), my = F64Set(d, mean_y);
  auto m2x = F64Zero(d), m2y = F64Zero(d), cxy = F64Zero(d), dx = F64Zero(d), dy = F64Zero(d);
  size_t i = 0;
  if (n >= 2 * N) {
    for (; i <= n - 2 * N; i += 2 * N)
      AddCenteredPair<kResidual, kShift>(d, p + i, t + i, mx, my, m2x, m2y, cxy, dx, dy);
  }
  CenteredSums r;
  r.m2_x = F64SumOfLanes(d, m2x);
  r.m2_y = F64SumOfLanes(d, m2y);
  r.c_xy = F64SumOfLanes(d, cxy);
  r.d_x = F64SumOfLanes(d, dx);
  r.d_y = F64SumOfLanes(d, dy);
  for (; i < n; ++i) {
    const double y = static_cast<double>(t[i]);
    const double x = PairXScalar<kResidual>(static_cast<double>(p[i]), y);
    const double ex = x - mean_x, ey = y - mean_y;
    r.m2_x += ex * ex;
    r.m2_y += ey * ey;
    if constexpr (!kResidual) r.c_xy += ex * ey;
    r.d_x += ex;
    r.d_y += ey;
  }
  return r;
}

// The four variants (pair form, shifted or not: centres of 0 take the unshifted loop, which sums
// the same values since v - 0 == v).
template <class T>
HWY_INLINE CenteredSums CenteredSumsAny(const T* HWY_RESTRICT p, const T* HWY_RESTRICT t, size_t n, PairForm form,
                                        double mean_x, double mean_y) {
  const bool shift = mean_x != 0 || mean_y != 0;
  if (form == PairForm::residual)
    return shift ? CenteredSumsImpl<true, true>(p, t, n, mean_x, mean_y)
                 : CenteredSumsImpl<true, false>(p, t, n, mean_x, mean_y);
  return shift ? CenteredSumsImpl<false, true>(p, t, n, mean_x, mean_y)
               : CenteredSumsImpl<false, false>(p, t, n, mean_x, mean_y);
}

// Σ(p - t)² over integer samples, exactly (decoded 8/16-bit images: PSNR). uint8: widened to
// int16, subtracted, and each pair of adjacent squares summed into an int32 lane by one multiply-add
// (x86 pmaddwd, WASM i32x4.dot_i16x8). A lane gains at most 2 * 255² = 130050 per vector, so the four
// accumulators together stay below 2^31 for kU8VectorsPerFlush vectors each; they are then flushed
// into a 64-bit total.
inline constexpr size_t kU8VectorsPerFlush = 4096;  // 4 * 4096 * 130050 = 2130739200 < 2^31 - 1

template <class D32>
HWY_INLINE uint64_t FlushI32(D32 d32, hn::Vec<D32> v) {
  HWY_ALIGN int32_t lanes[HWY_MAX_BYTES / sizeof(int32_t)];
  hn::Store(v, d32, lanes);
  uint64_t s = 0;
  for (size_t k = 0; k < hn::Lanes(d32); ++k) s += static_cast<uint32_t>(lanes[k]);  // each lane >= 0
  return s;
}

// p - t of Lanes(d16) uint8 samples, as int16.
template <class D16>
HWY_INLINE hn::Vec<D16> DiffU8(D16 d16, const uint8_t* HWY_RESTRICT p, const uint8_t* HWY_RESTRICT t) {
  const hn::Rebind<uint8_t, D16> d8;
  const hn::Rebind<uint16_t, D16> du16;
  return hn::Sub(hn::BitCast(d16, hn::PromoteTo(du16, hn::LoadU(d8, p))),
                 hn::BitCast(d16, hn::PromoteTo(du16, hn::LoadU(d8, t))));
}

HWY_INLINE uint64_t SumSquaredDiffU8Impl(const uint8_t* HWY_RESTRICT p, const uint8_t* HWY_RESTRICT t, size_t n) {
  const hn::ScalableTag<int16_t> d16;
  const hn::Repartition<int32_t, decltype(d16)> d32;
  const size_t N = hn::Lanes(d16);
  uint64_t total = 0;
  size_t i = 0;
  while (i + N <= n) {
    const size_t end = i + std::min(n - i, 4 * N * kU8VectorsPerFlush);
    // ReorderWidenMulAccumulate may put half the products into its second sum (the emulated
    // targets): those are kept and flushed alike.
    auto a0 = hn::Zero(d32), a1 = hn::Zero(d32), a2 = hn::Zero(d32), a3 = hn::Zero(d32);
    auto b0 = hn::Zero(d32), b1 = hn::Zero(d32), b2 = hn::Zero(d32), b3 = hn::Zero(d32);
    for (; i + 4 * N <= end; i += 4 * N) {
      const auto e0 = DiffU8(d16, p + i, t + i), e1 = DiffU8(d16, p + i + N, t + i + N);
      const auto e2 = DiffU8(d16, p + i + 2 * N, t + i + 2 * N), e3 = DiffU8(d16, p + i + 3 * N, t + i + 3 * N);
      a0 = hn::ReorderWidenMulAccumulate(d32, e0, e0, a0, b0);
      a1 = hn::ReorderWidenMulAccumulate(d32, e1, e1, a1, b1);
      a2 = hn::ReorderWidenMulAccumulate(d32, e2, e2, a2, b2);
      a3 = hn::ReorderWidenMulAccumulate(d32, e3, e3, a3, b3);
    }
    for (; i + N <= end; i += N) {
      const auto e0 = DiffU8(d16, p + i, t + i);
      a0 = hn::ReorderWidenMulAccumulate(d32, e0, e0, a0, b0);
    }
    total += FlushI32(d32, hn::Add(hn::Add(a0, a1), hn::Add(a2, a3)));
    total += FlushI32(d32, hn::Add(hn::Add(b0, b1), hn::Add(b2, b3)));
  }
  for (; i < n; ++i) {  // fewer than N left: no read past the buffers' end
    const int d = static_cast<int>(p[i]) - static_cast<int>(t[i]);
    total += static_cast<uint64_t>(d * d);
  }
  return total;
}

#if HWY_TARGET == HWY_SCALAR
// One lane: no 32 -> 64-bit lane pairs to split; two independent chains.
HWY_INLINE uint64_t SumSquaredDiffU16Impl(const uint16_t* HWY_RESTRICT p, const uint16_t* HWY_RESTRICT t, size_t n) {
  uint64_t s0 = 0, s1 = 0;
  size_t i = 0;
  for (; i + 2 <= n; i += 2) {
    const int64_t d0 = static_cast<int64_t>(p[i]) - t[i], d1 = static_cast<int64_t>(p[i + 1]) - t[i + 1];
    s0 += static_cast<uint64_t>(d0 * d0);
    s1 += static_cast<uint64_t>(d1 * d1);
  }
  if (i < n) {
    const int64_t d = static_cast<int64_t>(p[i]) - t[i];
    s0 += static_cast<uint64_t>(d * d);
  }
  return s0 + s1;
}
#else
// |p - t| of Lanes(d32) uint16 samples (two saturating subtractions, one of them 0) as uint32,
// squared into uint64 lanes (32 x 32 -> 64-bit multiplies of the even lanes, then of the odd ones
// shifted down) and added to acc.
template <class D32>
HWY_INLINE hn::Vec<hn::Repartition<uint64_t, D32> > AddSquaresU16(D32 d32, const uint16_t* HWY_RESTRICT p,
                                                                  const uint16_t* HWY_RESTRICT t,
                                                                  hn::Vec<hn::Repartition<uint64_t, D32> > acc) {
  const hn::Repartition<uint64_t, D32> d64;
  const hn::Rebind<uint16_t, D32> d16;
  const auto a = hn::LoadU(d16, p), b = hn::LoadU(d16, t);
  const auto e = hn::PromoteTo(d32, hn::Or(hn::SaturatedSub(a, b), hn::SaturatedSub(b, a)));
  const auto odd = hn::BitCast(d32, hn::ShiftRight<32>(hn::BitCast(d64, e)));
  return hn::Add(acc, hn::Add(hn::MulEven(e, e), hn::MulEven(odd, odd)));
}

HWY_INLINE uint64_t SumSquaredDiffU16Impl(const uint16_t* HWY_RESTRICT p, const uint16_t* HWY_RESTRICT t, size_t n) {
  const hn::ScalableTag<uint32_t> d32;
  const hn::Repartition<uint64_t, decltype(d32)> d64;
  const size_t N = hn::Lanes(d32);
  auto a0 = hn::Zero(d64), a1 = hn::Zero(d64);
  size_t i = 0;
  if (n >= 2 * N) {
    for (; i <= n - 2 * N; i += 2 * N) {
      a0 = AddSquaresU16(d32, p + i, t + i, a0);
      a1 = AddSquaresU16(d32, p + i + N, t + i + N, a1);
    }
  }
  for (; i + N <= n; i += N) a0 = AddSquaresU16(d32, p + i, t + i, a0);
  uint64_t total = hn::GetLane(hn::SumOfLanes(d64, hn::Add(a0, a1)));
  for (; i < n; ++i) {
    const int64_t d = static_cast<int64_t>(p[i]) - static_cast<int64_t>(t[i]);
    total += static_cast<uint64_t>(d * d);
  }
  return total;
}
#endif

// One named, non-template function per kernel and dtype: what HWY_EXPORT dispatches to. `inline`:
// the kernel's .cpp and its test both compile this header.
inline HWY_NOINLINE double SumSquaredDiffF32(const float* p, const float* t, size_t n) {
  return SumTerms(p, t, n, SquaredDiff());
}
inline HWY_NOINLINE double SumSquaredDiffF64(const double* p, const double* t, size_t n) {
  return SumTerms(p, t, n, SquaredDiff());
}
inline HWY_NOINLINE uint64_t SumSquaredDiffU8(const uint8_t* p, const uint8_t* t, size_t n) {
  return SumSquaredDiffU8Impl(p, t, n);
}
inline HWY_NOINLINE uint64_t SumSquaredDiffU16(const uint16_t* p, const uint16_t* t, size_t n) {
  return SumSquaredDiffU16Impl(p, t, n);
}
inline HWY_NOINLINE double SumAbsDiffF32(const float* p, const float* t, size_t n) {
  return SumTerms(p, t, n, AbsDiff());
}
inline HWY_NOINLINE double SumAbsDiffF64(const double* p, const double* t, size_t n) {
  return SumTerms(p, t, n, AbsDiff());
}
inline HWY_NOINLINE double SumScaledSquaredDiffF32(const float* p, const float* t, size_t n, double alpha,
                                                   double mean_p, double mean_t) {
  return SumTerms(p, t, n, ScaledSquaredDiff{alpha, mean_p, mean_t});
}
inline HWY_NOINLINE double SumScaledSquaredDiffF64(const double* p, const double* t, size_t n, double alpha,
                                                   double mean_p, double mean_t) {
  return SumTerms(p, t, n, ScaledSquaredDiff{alpha, mean_p, mean_t});
}
inline HWY_NOINLINE PairSums PairSumsF32(const float* p, const float* t, size_t n, PairForm form) {
  return form == PairForm::residual ? PairSumsImpl<true>(p, t, n) : PairSumsImpl<false>(p, t, n);
}
inline HWY_NOINLINE PairSums PairSumsF64(const double* p, const double* t, size_t n, PairForm form) {
  return form == PairForm::residual ? PairSumsImpl<true>(p, t, n) : PairSumsImpl<false>(p, t, n);
}
inline HWY_NOINLINE CenteredSums CenteredSumsF32(const float* p, const float* t, size_t n, PairForm form, double mean_x,
                                                 double mean_y) {
  return CenteredSumsAny(p, t, n, form, mean_x, mean_y);
}
inline HWY_NOINLINE CenteredSums CenteredSumsF64(const double* p, const double* t, size_t n, PairForm form,
                                                 double mean_x, double mean_y) {
  return CenteredSumsAny(p, t, n, form, mean_x, mean_y);
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace wasmetrics
HWY_AFTER_NAMESPACE();

#endif  // include guard per target
