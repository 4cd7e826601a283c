// kernels/fft and the audio FFT correlations against direct sums.
#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "wasmetrics/audio/signal.hpp"
#include "wasmetrics/kernels/fft.hpp"

namespace wasmetrics {
namespace {

std::vector<double> random_values(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> d;
  std::vector<double> v(n);
  for (double& x : v) x = d(rng);
  return v;
}

TEST(KernelsFft, ForwardIsTheDftInBitReversedOrder) {
  for (std::size_t n : {1u, 2u, 4u, 8u, 64u, 512u}) {
    std::vector<double> re = random_values(n, 1), im = random_values(n, 2);
    const std::vector<double> re0 = re, im0 = im;
    kernels::fft_forward_bit_reversed(re.data(), im.data(), n);
    const std::uint32_t* rev = kernels::bit_reversal_table(n);
    for (std::size_t k = 0; k < n; ++k) {
      std::complex<double> x = 0;
      for (std::size_t j = 0; j < n; ++j)
        x += std::complex<double>(re0[j], im0[j]) *
             std::polar(1.0, -2 * std::numbers::pi * static_cast<double>(j * k % n) / static_cast<double>(n));
      EXPECT_NEAR(re[rev[k]], x.real(), 1e-11) << "n " << n << " k " << k;
      EXPECT_NEAR(im[rev[k]], x.imag(), 1e-11) << "n " << n << " k " << k;
    }
  }
}

TEST(KernelsFft, InverseUndoesForwardTimesN) {
  for (std::size_t n : {1u, 2u, 16u, 4096u}) {
    std::vector<double> re = random_values(n, 3), im = random_values(n, 4);
    const std::vector<double> re0 = re, im0 = im;
    kernels::fft_forward_bit_reversed(re.data(), im.data(), n);
    kernels::fft_inverse_from_bit_reversed(re.data(), im.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_NEAR(re[i] / static_cast<double>(n), re0[i], 1e-12);
      EXPECT_NEAR(im[i] / static_cast<double>(n), im0[i], 1e-12);
    }
  }
}

TEST(AudioCorrelations, FftEqualsTheDirectCircularSums) {
  // lengths with and without wrap-around of the lags past n_fft - len (short signals)
  for (std::size_t len : {1u, 3u, 5u, 100u, 1000u}) {
    const std::vector<double> t = random_values(len, 5), p = random_values(len, 6);
    std::int64_t n_fft = 1;
    while (n_fft < 2 * static_cast<std::int64_t>(len) - 1) n_fft *= 2;
    const std::int64_t count = std::min<std::int64_t>(n_fft, 64);
    const audio::Correlations c = audio::fft_correlations(t, p, n_fft, count);
    ASSERT_EQ(c.auto_corr.size(), static_cast<std::size_t>(count));
    for (std::int64_t k = 0; k < count; ++k) {
      double r = 0, b = 0;
      for (std::size_t n = 0; n < len; ++n) {
        const auto m = static_cast<std::size_t>((static_cast<std::int64_t>(n) + k) % n_fft);
        if (m < len) {
          r += t[n] * t[m];
          b += t[n] * p[m];
        }
      }
      EXPECT_NEAR(c.auto_corr[static_cast<std::size_t>(k)], r, 1e-10) << "len " << len << " lag " << k;
      EXPECT_NEAR(c.cross_corr[static_cast<std::size_t>(k)], b, 1e-10) << "len " << len << " lag " << k;
    }
  }
}

}  // namespace
}  // namespace wasmetrics
