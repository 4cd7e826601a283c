#include "wasmetrics/audio/signal.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/kernels/fft.hpp"
#include "wasmetrics/kernels/regression_sums.hpp"

namespace wasmetrics::audio {

Signals read_signals(const TensorView& t) {
  Signals s;
  s.values = to_doubles(t);
  s.length = t.ndim() ? t.shape.back() : 1;
  return s;
}

double eps_of(DType preds_dtype) {
  return preds_dtype == DType::float64 ? std::numeric_limits<double>::epsilon()
                                       : static_cast<double>(std::numeric_limits<float>::epsilon());
}

namespace {

double mean(std::span<const double> x) {
  double s = 0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

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

double sa_sdr(std::span<const double> p, std::span<const double> t, std::int64_t len, bool scale_invariant,
              bool zero_mean, double eps) {
  const auto n = static_cast<std::size_t>(len);
  const std::size_t spk = n ? p.size() / n : 0;
  std::vector<double> pc(p.begin(), p.end()), tc(t.begin(), t.end());
  if (zero_mean)
    for (std::size_t s = 0; s < spk; ++s) {
      const double mp = mean(p.subspan(s * n, n)), mt = mean(t.subspan(s * n, n));
      for (std::size_t i = 0; i < n; ++i) {
        pc[s * n + i] -= mp;
        tc[s * n + i] -= mt;
      }
    }
  double alpha = 1.0;
  if (scale_invariant) {
    double pt = 0, tt = 0;
    for (std::size_t i = 0; i < pc.size(); ++i) {
      pt += pc[i] * tc[i];
      tt += tc[i] * tc[i];
    }
    alpha = (pt + eps) / (tt + eps);
  }
  double signal = 0, distortion = 0;
  for (std::size_t i = 0; i < pc.size(); ++i) {
    const double tv = alpha * tc[i], dv = tv - pc[i];
    signal += tv * tv;
    distortion += dv * dv;
  }
  return 10.0 * std::log10((signal + eps) / (distortion + eps));
}

bool solve_symmetric_toeplitz(std::span<const double> r, std::span<const double> b, std::vector<double>& x) {
  // Levinson: forward vectors f (T_k f = e_0) give the solution x of T_k x = b_k, one order at a time.
  const std::size_t n = r.size();
  x.assign(n, 0.0);
  if (n == 0) return true;
  if (r[0] == 0.0) return false;
  std::vector<double> f(n, 0.0), f_next(n, 0.0);
  f[0] = 1.0 / r[0];
  x[0] = b[0] / r[0];
  for (std::size_t k = 1; k < n; ++k) {
    double ef = 0;  // error of the extended forward vector
    for (std::size_t i = 0; i < k; ++i) ef += r[k - i] * f[i];
    const double denom = 1.0 - ef * ef;
    if (denom == 0.0 || !std::isfinite(denom)) return false;
    // symmetric T: the backward vector is f reversed
    for (std::size_t i = 0; i <= k; ++i) {
      const double fi = i < k ? f[i] : 0.0;
      const double bi = i > 0 ? f[k - i] : 0.0;
      f_next[i] = (fi - ef * bi) / denom;
    }
    std::copy(f_next.begin(), f_next.begin() + static_cast<std::ptrdiff_t>(k) + 1, f.begin());
    double ex = 0;  // error of x extended by a zero
    for (std::size_t i = 0; i < k; ++i) ex += r[k - i] * x[i];
    const double c = b[k] - ex;
    for (std::size_t i = 0; i <= k; ++i) x[i] += c * f[k - i];
  }
  return true;
}

namespace {

// Gaussian elimination with partial pivoting on the dense Toeplitz matrix (singular leading minors).
std::vector<double> solve_dense(std::span<const double> r, std::span<const double> b) {
  const std::size_t n = r.size();
  std::vector<double> a(n * n), x(b.begin(), b.end());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) a[i * n + j] = r[i > j ? i - j : j - i];
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t piv = c;
    for (std::size_t i = c + 1; i < n; ++i)
      if (std::fabs(a[i * n + c]) > std::fabs(a[piv * n + c])) piv = i;
    if (piv != c) {
      for (std::size_t j = 0; j < n; ++j) std::swap(a[c * n + j], a[piv * n + j]);
      std::swap(x[c], x[piv]);
    }
    for (std::size_t i = c + 1; i < n; ++i) {
      const double m = a[i * n + c] / a[c * n + c];
      for (std::size_t j = c; j < n; ++j) a[i * n + j] -= m * a[c * n + j];
      x[i] -= m * x[c];
    }
  }
  for (std::size_t c = n; c-- > 0;) {
    for (std::size_t j = c + 1; j < n; ++j) x[c] -= a[c * n + j] * x[j];
    x[c] /= a[c * n + c];
  }
  return x;
}

}  // namespace

Correlations fft_correlations(std::span<const double> t, std::span<const double> p, std::int64_t n_fft,
                              std::int64_t count) {
  // One complex FFT of z = t + i p gives both spectra: T[k] = (Z[k] + conj Z[-k]) / 2 and
  // P[k] = (Z[k] - conj Z[-k]) / 2i. |T|^2 and conj(T) P are spectra of real sequences, so one
  // inverse FFT of |T|^2 + i conj(T) P returns the auto-correlation as its real part and the
  // cross-correlation as its imaginary part (what irfft gives for each, as TorchMetrics takes them).
  const auto n = static_cast<std::size_t>(n_fft);
  std::vector<double> re(n, 0.0), im(n, 0.0);
  std::copy(t.begin(), t.end(), re.begin());
  std::copy(p.begin(), p.end(), im.begin());
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
  for (std::size_t pos = 0; pos < n; ++pos) {
    const std::size_t k = rev[pos], neg = rev[(n - k) & (n - 1)];
    if (neg < pos) continue;  // done with its pair
    const double ar = re[pos], ai = im[pos], cr = re[neg], ci = im[neg];
    combine(ar, ai, cr, ci, re[pos], im[pos]);
    if (neg != pos) combine(cr, ci, ar, ai, re[neg], im[neg]);
  }
  kernels::fft_inverse_from_bit_reversed(re.data(), im.data(), n);
  const auto c = static_cast<std::size_t>(count);
  Correlations out{std::vector<double>(c), std::vector<double>(c)};
  const double scale = 1.0 / static_cast<double>(n);
  for (std::size_t k = 0; k < c; ++k) {
    out.auto_corr[k] = re[k] * scale;
    out.cross_corr[k] = im[k] * scale;
  }
  return out;
}

namespace {

template <class T>
double sdr_of(std::span<const T> p, std::span<const T> t, const SdrParams& prm) {
  const std::size_t n = p.size();
  std::vector<double> pc(p.begin(), p.end()), tc(t.begin(), t.end());
  if (prm.zero_mean) {
    const double mp = mean(pc), mt = mean(tc);
    for (std::size_t i = 0; i < n; ++i) {
      pc[i] -= mp;
      tc[i] -= mt;
    }
  }
  auto normalise = [](std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x * x;
    const double norm = std::max(std::sqrt(s), 1e-6);
    for (double& x : v) x /= norm;
  };
  normalise(tc);
  normalise(pc);
  std::int64_t n_fft = 1;
  while (n_fft < 2 * static_cast<std::int64_t>(n) - 1) n_fft *= 2;
  const std::int64_t taps = std::min(prm.filter_length, n_fft);
  auto [r0, b] = fft_correlations(tc, pc, n_fft, taps);
  if (prm.load_diag) r0[0] += *prm.load_diag;
  std::vector<double> x;
  if (!solve_symmetric_toeplitz(r0, b, x)) x = solve_dense(r0, b);
  double coh = 0;
  for (std::size_t i = 0; i < b.size(); ++i) coh += b[i] * x[i];
  return 10.0 * std::log10(coh / (1.0 - coh));
}

}  // namespace

double sdr(std::span<const double> p, std::span<const double> t, const SdrParams& prm) { return sdr_of(p, t, prm); }
double sdr(std::span<const float> p, std::span<const float> t, const SdrParams& prm) { return sdr_of(p, t, prm); }

}  // namespace wasmetrics::audio
