#include "wasmetrics/kernels/fft.hpp"

#include <cmath>
#include <numbers>
#include <vector>

namespace wasmetrics::kernels {
namespace {

// Twiddles of every stage in one table: for half-size m, w[m + j] = e^{-2 pi i j / (2m)}, j < m.
// A table built for n serves every smaller size; kept per thread and grown when a larger n comes.
struct Twiddles {
  std::vector<double> re, im;
};

const Twiddles& twiddles(std::size_t n) {
  thread_local Twiddles tw;
  if (tw.re.size() < n) {
    tw.re.assign(n, 1.0);
    tw.im.assign(n, 0.0);
    for (std::size_t m = 1; m < n; m *= 2)
      for (std::size_t j = 0; j < m; ++j) {
        const double a = -std::numbers::pi * static_cast<double>(j) / static_cast<double>(m);
        tw.re[m + j] = std::cos(a);
        tw.im[m + j] = std::sin(a);
      }
  }
  return tw;
}

// The transform of length 1 (nothing to do) or 2 (one butterfly, its twiddle 1): the same in
// both directions, so it ends the recursion of both.
inline void butterfly2(double* re, double* im, std::size_t n) {
  if (n < 2) return;
  const double ar = re[0], ai = im[0];
  re[0] = ar + re[1];
  im[0] = ai + im[1];
  re[1] = ar - re[1];
  im[1] = ai - im[1];
}

void forward(double* __restrict re, double* __restrict im, std::size_t n, const double* __restrict wr,
             const double* __restrict wi) {
  if (n <= 2) return butterfly2(re, im, n);
  const std::size_t m = n / 2;
  double* __restrict re2 = re + m;
  double* __restrict im2 = im + m;
  for (std::size_t j = 0; j < m; ++j) {
    const double ar = re[j], ai = im[j], br = re2[j], bi = im2[j];
    re[j] = ar + br;
    im[j] = ai + bi;
    const double dr = ar - br, di = ai - bi, tr = wr[m + j], ti = wi[m + j];
    re2[j] = dr * tr - di * ti;
    im2[j] = dr * ti + di * tr;
  }
  forward(re, im, m, wr, wi);
  forward(re2, im2, m, wr, wi);
}

void inverse(double* __restrict re, double* __restrict im, std::size_t n, const double* __restrict wr,
             const double* __restrict wi) {
  if (n <= 2) return butterfly2(re, im, n);
  const std::size_t m = n / 2;
  double* __restrict re2 = re + m;
  double* __restrict im2 = im + m;
  inverse(re, im, m, wr, wi);
  inverse(re2, im2, m, wr, wi);
  for (std::size_t j = 0; j < m; ++j) {
    // b times the conjugate twiddle undoes the forward butterfly (up to the factor 2)
    const double tr = wr[m + j], ti = wi[m + j], xr = re2[j], xi = im2[j];
    const double br = xr * tr + xi * ti, bi = xi * tr - xr * ti;
    const double ar = re[j], ai = im[j];
    re[j] = ar + br;
    im[j] = ai + bi;
    re2[j] = ar - br;
    im2[j] = ai - bi;
  }
}

}  // namespace

void fft_forward_bit_reversed(double* re, double* im, std::size_t n) {
  const Twiddles& tw = twiddles(n);
  forward(re, im, n, tw.re.data(), tw.im.data());
}

void fft_inverse_from_bit_reversed(double* re, double* im, std::size_t n) {
  const Twiddles& tw = twiddles(n);
  inverse(re, im, n, tw.re.data(), tw.im.data());
}

const std::uint32_t* bit_reversal_table(std::size_t n) {
  thread_local std::vector<std::uint32_t> table;
  if (table.size() != n) {
    table.assign(n, 0);
    // rev(i) from rev(i / 2): shift it right and put i's low bit on top
    for (std::size_t i = 1; i < n; ++i)
      table[i] = static_cast<std::uint32_t>((table[i / 2] >> 1) | ((i & 1) ? n / 2 : 0));
  }
  return table.data();
}

}  // namespace wasmetrics::kernels
