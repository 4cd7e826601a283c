#pragma once
// Per-signal ratios of TorchMetrics' functional audio metrics (functional/audio/snr.py, sdr.py),
// on one signal (or one group of signals) at a time, in float64. `eps` is
// torch.finfo(preds.dtype).eps, which keeps identical and all-zero inputs finite (IA4).
// The inputs are read on xtensor: [..., time] as a [rows, time] adaptor over the caller's buffer
// (visit_signal_rows); each row goes to the Highway kernels (kernels/regression_sums, fft) as a
// pointer into that buffer (row_of), since a row's sums are the hot loop.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <xtensor/xmath.hpp>
#include <xtensor/xtensor.hpp>

#include "wasmetrics/core/tensor_adapt.hpp"

namespace wasmetrics::audio {

// One value per signal of a batch (per sample for PIT and SA-SDR).
using Values = xt::xtensor<double, 1>;

// torch.finfo(dtype).eps of preds' dtype (integers count as float32).
double eps_of(DType preds_dtype);

// Calls f(P, T) with `p` and `t` (same number of elements) as [rows, len] row-major xtensor
// expressions, rows = numel / len: adaptors over the buffers (no copy) when both are float32 or
// both float64, else float64 copies (one instantiation for every other pair of dtypes).
template <class F>
decltype(auto) visit_signal_rows(const TensorView& p, const TensorView& t, std::size_t len, F&& f) {
  if (p.dtype == t.dtype && p.dtype == DType::float32) return f(adapt_rows<float>(p, len), adapt_rows<float>(t, len));
  if (p.dtype == t.dtype && p.dtype == DType::float64) return f(adapt_rows<double>(p, len), adapt_rows<double>(t, len));
  auto as_double = [len](const TensorView& v) {
    return dispatch_dtype(
        v.dtype, [&](auto tag) { return xt::xtensor<double, 2>(xt::cast<double>(adapt_rows<decltype(tag)>(v, len))); });
  };
  return f(as_double(p), as_double(t));
}

// Row i of a [rows, len] row-major xtensor container or adaptor, as the span the kernels read.
template <class E>
auto row_of(const E& rows, std::size_t i) {
  using T = std::remove_cv_t<std::remove_reference_t<decltype(*rows.data())>>;
  const std::size_t len = rows.shape()[1];
  return std::span<const T>(rows.data() + i * len, len);
}

// f(row i of P, row i of T) for every row, as a Values of rows elements.
template <class P, class T, class F>
Values map_rows(const P& p, const T& t, F&& f) {
  Values out = xt::empty<double>({p.shape()[0]});
  for (std::size_t i = 0; i < out.size(); ++i) out(i) = f(row_of(p, i), row_of(t, i));
  return out;
}

// 10 log10((sum t^2 + eps) / (sum (t - p)^2 + eps)), the means removed first with zero_mean.
// float32 and float64 signals are read as they are (SIMD sums in float64, kernels/regression_sums).
double snr(std::span<const double> p, std::span<const double> t, bool zero_mean, double eps);
double snr(std::span<const float> p, std::span<const float> t, bool zero_mean, double eps);
// Scale-invariant SDR: t scaled by alpha = (<p, t> + eps) / (<t, t> + eps); one pass for <p, t>
// and <t, t>, one for the noise energy sum (alpha t - p)^2 (taken from the samples, not expanded).
double si_sdr(std::span<const double> p, std::span<const double> t, bool zero_mean, double eps);
double si_sdr(std::span<const float> p, std::span<const float> t, bool zero_mean, double eps);
// Source-aggregated SDR over the `spk` signals of one sample (rows of p and t, each `len` long):
// the same kernel passes per speaker row, one alpha over all of them.
double sa_sdr(std::span<const double> p, std::span<const double> t, std::size_t len, bool scale_invariant,
              bool zero_mean, double eps);
double sa_sdr(std::span<const float> p, std::span<const float> t, std::size_t len, bool scale_invariant, bool zero_mean,
              double eps);

struct SdrParams {
  std::int64_t filter_length = 512;
  bool zero_mean = false;
  std::optional<double> load_diag;
};
// SDR with a distortion filter of filter_length taps: the normalised Wiener-Hopf system
// R x = b (R the target's symmetric Toeplitz auto-correlation, b the cross-correlation) solved
// by Levinson recursion; 10 log10(c / (1 - c)) with c = <b, x>.
// float32 signals are widened one signal at a time. Memory while a signal of n samples is computed:
// its float64 copies (16 n bytes) and the FFT buffers (16 n_fft bytes, n_fft the power of two
// >= 2n - 1: 32-64 n bytes), so ~3 MB for 4 s at 16 kHz, whatever the batch size.
double sdr(std::span<const double> p, std::span<const double> t, const SdrParams& params);
double sdr(std::span<const float> p, std::span<const float> t, const SdrParams& params);

// The first `count` lags of the circular auto-correlation of t and cross-correlation of t and p,
// zero-padded to n_fft (a power of two): c[k] = sum_n t[n] p[(n + k) mod n_fft], computed by FFT
// as TorchMetrics does (irfft(|T|^2), irfft(conj(T) P)). count <= n_fft, t and p at most n_fft long.
struct Correlations {
  xt::xtensor<double, 1> auto_corr, cross_corr;
};
Correlations fft_correlations(std::span<const double> t, std::span<const double> p, std::int64_t n_fft,
                              std::int64_t count);

// Solves T x = b for the symmetric Toeplitz T with first column r (Levinson recursion, O(n^2)).
// Returns false when a leading minor is singular (the caller falls back to elimination).
bool solve_symmetric_toeplitz(const xt::xtensor<double, 1>& r, const xt::xtensor<double, 1>& b,
                              xt::xtensor<double, 1>& x);
// The same system by Gaussian elimination with partial pivoting on the dense matrix (O(n^3)): the
// fallback when a leading minor is singular.
xt::xtensor<double, 1> solve_toeplitz_dense(const xt::xtensor<double, 1>& r, const xt::xtensor<double, 1>& b);

}  // namespace wasmetrics::audio
