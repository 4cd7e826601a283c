#include "wasmetrics/audio/signal.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>

#include <xtensor/xmanipulation.hpp>
#include <xtensor/xsort.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/kernels/fft.hpp"
#include "wasmetrics/kernels/regression_sums.hpp"

namespace wasmetrics::audio {

double eps_of(DType preds_dtype) {
  return preds_dtype == DType::float64 ? std::numeric_limits<double>::epsilon()
                                       : static_cast<double>(std::numeric_limits<float>::epsilon());
}

namespace {

// The means to remove (zero with zero_mean false).
template <class T>
std::pair<double, double> means_of(std::span<const T> p, std::span<const T> t, bool zero_mean) {
  if (!zero_mean) return {0.0, 0.0};
  const auto n = static_cast<double>(p.size());
  if (p.empty()) return {0.0 / n, 0.0 / n};
  const kernels::PairSums s = kernels::pair_sums(p.data(), t.data(), p.size(), kernels::PairForm::identity);
  return {s.sum_x / n, s.sum_y / n};
}

template <class T>
double snr_of(std::span<const T> p, std::span<const T> t, bool zero_mean, double eps) {
  const auto [mp, mt] = means_of(p, t, zero_mean);
  const double signal = kernels::centered_sums(p.data(), t.data(), p.size(), kernels::PairForm::identity, mp, mt).m2_y;
  const double noise = kernels::sum_scaled_squared_diff(p.data(), t.data(), p.size(), 1.0, mp, mt);
  return 10.0 * std::log10((signal + eps) / (noise + eps));
}

template <class T>
double si_sdr_of(std::span<const T> p, std::span<const T> t, bool zero_mean, double eps) {
  const auto [mp, mt] = means_of(p, t, zero_mean);
  const kernels::CenteredSums s =
      kernels::centered_sums(p.data(), t.data(), p.size(), kernels::PairForm::identity, mp, mt);
  const double alpha = (s.c_xy + eps) / (s.m2_y + eps);
  const double signal = alpha * alpha * s.m2_y;
  const double noise = kernels::sum_scaled_squared_diff(p.data(), t.data(), p.size(), alpha, mp, mt);
  return 10.0 * std::log10((signal + eps) / (noise + eps));
}

template <class T>
double sa_sdr_of(std::span<const T> p, std::span<const T> t, std::size_t len, bool scale_invariant, bool zero_mean,
                 double eps) {
  const std::size_t spk = len ? p.size() / len : 0;
  // per speaker row: its means (p, t) and the centred sums <p, t>, <t, t>
  xt::xtensor<double, 2> means = xt::empty<double>({spk, std::size_t{2}});
  xt::xtensor<double, 2> sums = xt::empty<double>({spk, std::size_t{2}});
  for (std::size_t s = 0; s < spk; ++s) {
    const auto ps = p.subspan(s * len, len), ts = t.subspan(s * len, len);
    const auto [mp, mt] = means_of(ps, ts, zero_mean);
    const kernels::CenteredSums c =
        kernels::centered_sums(ps.data(), ts.data(), len, kernels::PairForm::identity, mp, mt);
    means(s, 0) = mp;
    means(s, 1) = mt;
    sums(s, 0) = c.c_xy;
    sums(s, 1) = c.m2_y;
  }
  const xt::xtensor<double, 1> total = xt::sum(sums, {0});
  const double pt = spk ? total(0) : 0.0, tt = spk ? total(1) : 0.0;
  const double alpha = scale_invariant ? (pt + eps) / (tt + eps) : 1.0;  // one scale for every speaker
  double distortion = 0;
  for (std::size_t s = 0; s < spk; ++s)
    distortion +=
        kernels::sum_scaled_squared_diff(p.data() + s * len, t.data() + s * len, len, alpha, means(s, 0), means(s, 1));
  const double signal = alpha * alpha * tt;
  return 10.0 * std::log10((signal + eps) / (distortion + eps));
}

}  // namespace

double snr(std::span<const double> p, std::span<const double> t, bool zero_mean, double eps) {
  return snr_of(p, t, zero_mean, eps);
}
double snr(std::span<const float> p, std::span<const float> t, bool zero_mean, double eps) {
  return snr_of(p, t, zero_mean, eps);
}
double si_sdr(std::span<const double> p, std::span<const double> t, bool zero_mean, double eps) {
  return si_sdr_of(p, t, zero_mean, eps);
}
double si_sdr(std::span<const float> p, std::span<const float> t, bool zero_mean, double eps) {
  return si_sdr_of(p, t, zero_mean, eps);
}
double sa_sdr(std::span<const double> p, std::span<const double> t, std::size_t len, bool scale_invariant,
              bool zero_mean, double eps) {
  return sa_sdr_of(p, t, len, scale_invariant, zero_mean, eps);
}
double sa_sdr(std::span<const float> p, std::span<const float> t, std::size_t len, bool scale_invariant, bool zero_mean,
              double eps) {
  return sa_sdr_of(p, t, len, scale_invariant, zero_mean, eps);
}

bool solve_symmetric_toeplitz(const xt::xtensor<double, 1>& r, const xt::xtensor<double, 1>& b,
                              xt::xtensor<double, 1>& x) {
  // Levinson: forward vectors f (T_k f = e_0) give the solution x of T_k x = b_k, one order at a time.
  const std::size_t n = r.size();
  x = xt::zeros<double>({n});
  if (n == 0) return true;
  if (r(0) == 0.0) return false;
  xt::xtensor<double, 1> f = xt::zeros<double>({n});  // zero past the current order
  f(0) = 1.0 / r(0);
  x(0) = b(0) / r(0);
  // The O(n^2) inner loops stay plain loops over the containers: as xtensor views (r reversed,
  // f flipped) SDR took 20% longer (bench: 16 signals x 16000 samples, 512 taps).
  xt::xtensor<double, 1> f_next = xt::zeros<double>({n});
  for (std::size_t k = 1; k < n; ++k) {
    double ef = 0, ex = 0;  // errors of f and x extended by a zero
    for (std::size_t i = 0; i < k; ++i) {
      ef += r(k - i) * f(i);
      ex += r(k - i) * x(i);
    }
    const double denom = 1.0 - ef * ef;
    if (denom == 0.0 || !std::isfinite(denom)) return false;
    // symmetric T: the backward vector is f reversed (f[k] is still 0 here)
    for (std::size_t i = 0; i <= k; ++i) f_next(i) = (f(i) - ef * f(k - i)) / denom;
    std::copy(f_next.begin(), f_next.begin() + static_cast<std::ptrdiff_t>(k) + 1, f.begin());
    const double c = b(k) - ex;
    for (std::size_t i = 0; i <= k; ++i) x(i) += c * f(k - i);
  }
  return true;
}

xt::xtensor<double, 1> solve_toeplitz_dense(const xt::xtensor<double, 1>& r, const xt::xtensor<double, 1>& b) {
  const std::size_t n = r.size();
  xt::xtensor<double, 2> a = xt::empty<double>({n, n});
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) a(i, j) = r(i > j ? i - j : j - i);
  xt::xtensor<double, 1> x = b;
  for (std::size_t c = 0; c < n; ++c) {
    // the first largest |a[i][c]|, i >= c (NaN never wins, as a `>` scan)
    const std::size_t piv = c + xt::argmax(xt::abs(xt::view(a, xt::range(c, n), c)))();
    if (piv != c) {
      const xt::xtensor<double, 1> row_c = xt::row(a, c);
      xt::row(a, c) = xt::row(a, piv);
      xt::row(a, piv) = row_c;
      std::swap(x(c), x(piv));
    }
    auto below = xt::range(c + 1, n), right = xt::range(c, n);
    const xt::xtensor<double, 1> m = xt::view(a, below, c) / a(c, c);
    xt::view(a, below, right) -= xt::view(m, xt::all(), xt::newaxis()) * xt::view(a, c, xt::newaxis(), right);
    xt::view(x, below) -= m * x(c);
  }
  for (std::size_t c = n; c-- > 0;) {
    auto right = xt::range(c + 1, n);
    x(c) = (x(c) - xt::sum(xt::view(a, c, right) * xt::view(x, right))()) / a(c, c);
  }
  return x;
}

Correlations fft_correlations(std::span<const double> t, std::span<const double> p, std::int64_t n_fft,
                              std::int64_t count) {
  // One complex FFT of z = t + i p gives both spectra: T[k] = (Z[k] + conj Z[-k]) / 2 and
  // P[k] = (Z[k] - conj Z[-k]) / 2i. |T|^2 and conj(T) P are spectra of real sequences, so one
  // inverse FFT of |T|^2 + i conj(T) P returns the auto-correlation as its real part and the
  // cross-correlation as its imaginary part (what irfft gives for each, as TorchMetrics takes them).
  const auto n = static_cast<std::size_t>(n_fft);
  xt::xtensor<double, 1> re = xt::zeros<double>({n}), im = xt::zeros<double>({n});
  xt::view(re, xt::range(0, t.size())) = adapt_1d(t);
  xt::view(im, xt::range(0, p.size())) = adapt_1d(p);
  kernels::fft_forward_bit_reversed(re.data(), im.data(), n);
  const std::uint32_t* rev = kernels::bit_reversal_table(n);
  // position of frequency k is rev[k]; rev is its own inverse
  auto combine = [](double ar, double ai, double cr, double ci, double& wr, double& wi) {
    // a = Z[k], c = Z[-k]: T = (a + conj c) / 2, P = (a - conj c) / 2i
    const double tr = 0.5 * (ar + cr), ti = 0.5 * (ai - ci);
    const double pr = 0.5 * (ai + ci), pi = -0.5 * (ar - cr);
    const double r = tr * tr + ti * ti;                           // |T|^2
    const double br = tr * pr + ti * pi, bi = tr * pi - ti * pr;  // conj(T) P
    wr = r - bi;                                                  // |T|^2 + i conj(T) P
    wi = br;
  };
  // frequency pairs (k, -k) in bit-reversed positions: an index walk, not an expression
  for (std::size_t pos = 0; pos < n; ++pos) {
    const std::size_t k = rev[pos], neg = rev[(n - k) & (n - 1)];
    if (neg < pos) continue;  // done with its pair
    const double ar = re(pos), ai = im(pos), cr = re(neg), ci = im(neg);
    combine(ar, ai, cr, ci, re(pos), im(pos));
    if (neg != pos) combine(cr, ci, ar, ai, re(neg), im(neg));
  }
  kernels::fft_inverse_from_bit_reversed(re.data(), im.data(), n);
  auto lags = xt::range(std::size_t{0}, static_cast<std::size_t>(count));
  const double scale = 1.0 / static_cast<double>(n);
  return {xt::view(re, lags) * scale, xt::view(im, lags) * scale};
}

namespace {

template <class T>
double sdr_of(std::span<const T> p, std::span<const T> t, const SdrParams& prm) {
  // float64 copies, centred and scaled to unit norm (the floor 1e-6 keeps a silent signal finite)
  xt::xtensor<double, 1> pc = xt::cast<double>(adapt_1d(p)), tc = xt::cast<double>(adapt_1d(t));
  if (prm.zero_mean) {
    pc -= xt::mean(pc)();
    tc -= xt::mean(tc)();
  }
  tc /= std::max(std::sqrt(xt::sum(xt::square(tc))()), 1e-6);
  pc /= std::max(std::sqrt(xt::sum(xt::square(pc))()), 1e-6);
  std::int64_t n_fft = 1;
  while (n_fft < 2 * static_cast<std::int64_t>(p.size()) - 1) n_fft *= 2;
  const std::int64_t taps = std::min(prm.filter_length, n_fft);
  auto [r0, b] = fft_correlations({tc.data(), tc.size()}, {pc.data(), pc.size()}, n_fft, taps);
  if (prm.load_diag) r0(0) += *prm.load_diag;
  xt::xtensor<double, 1> x;
  if (!solve_symmetric_toeplitz(r0, b, x)) x = solve_toeplitz_dense(r0, b);
  const double coh = xt::sum(b * x)();
  return 10.0 * std::log10(coh / (1.0 - coh));
}

}  // namespace

double sdr(std::span<const double> p, std::span<const double> t, const SdrParams& prm) { return sdr_of(p, t, prm); }
double sdr(std::span<const float> p, std::span<const float> t, const SdrParams& prm) { return sdr_of(p, t, prm); }

}  // namespace wasmetrics::audio
