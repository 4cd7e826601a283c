#pragma once
// Per-signal ratios of TorchMetrics' functional audio metrics (functional/audio/snr.py, sdr.py),
// on one signal (or one group of signals) at a time, in float64. `eps` is
// torch.finfo(preds.dtype).eps, which keeps identical and all-zero inputs finite (IA4).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::audio {

// The inputs' values as float64 rows of their last axis: rows() x length().
struct Signals {
  std::vector<double> values;
  std::int64_t length = 0;
  std::size_t rows() const { return length ? values.size() / static_cast<std::size_t>(length) : 0; }
  std::span<const double> row(std::size_t i) const {
    return {values.data() + i * static_cast<std::size_t>(length), static_cast<std::size_t>(length)};
  }
};
Signals read_signals(const TensorView& t);
// torch.finfo(dtype).eps of preds' dtype (integers count as float32).
double eps_of(DType preds_dtype);

// 10 log10((sum t^2 + eps) / (sum (t - p)^2 + eps)), the means removed first with zero_mean.
// float32 and float64 signals are read as they are (SIMD sums in float64, kernels/regression_sums).
double snr(std::span<const double> p, std::span<const double> t, bool zero_mean, double eps);
double snr(std::span<const float> p, std::span<const float> t, bool zero_mean, double eps);
// Scale-invariant SDR: t scaled by alpha = (<p, t> + eps) / (<t, t> + eps); one pass for <p, t>
// and <t, t>, one for the noise energy sum (alpha t - p)^2 (taken from the samples, not expanded).
double si_sdr(std::span<const double> p, std::span<const double> t, bool zero_mean, double eps);
double si_sdr(std::span<const float> p, std::span<const float> t, bool zero_mean, double eps);
// Source-aggregated SDR over `spk` signals of one sample (rows of p and t, each `len` long).
double sa_sdr(std::span<const double> p, std::span<const double> t, std::int64_t len, bool scale_invariant,
              bool zero_mean, double eps);

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
  std::vector<double> auto_corr, cross_corr;
};
Correlations fft_correlations(std::span<const double> t, std::span<const double> p, std::int64_t n_fft,
                              std::int64_t count);

// Solves T x = b for the symmetric Toeplitz T with first column r (Levinson recursion, O(n^2)).
// Returns false when a leading minor is singular (the caller falls back to elimination).
bool solve_symmetric_toeplitz(std::span<const double> r, std::span<const double> b, std::vector<double>& x);

}  // namespace wasmetrics::audio
