#pragma once
// A float64 complex FFT of power-of-two size on split (re, im) arrays, for the audio metrics'
// FFT correlations (SDR's auto- and cross-correlations, as TorchMetrics computes them with
// torch.fft). Recursive, so that each half's work stays in cache once it fits; the inner loops
// run over contiguous arrays (auto-vectorised to f64x2 in the SIMD build). The pair
// forward_bit_reversed / inverse_from_bit_reversed skips the bit-reversal permutation: a product
// of spectra can be taken in bit-reversed order (bit_reverse gives each position's frequency).
#include <cstddef>
#include <cstdint>

namespace wasmetrics::kernels {

// X[k] = sum_n x[n] e^{-2 pi i n k / n}, left at position bit_reverse(k) (decimation in frequency).
// n is a power of two.
void fft_forward_bit_reversed(double* re, double* im, std::size_t n);
// x[n] = sum_k X[k] e^{+2 pi i n k / n} (unnormalised: n times the inverse DFT), reading X[k] from
// position bit_reverse(k) and writing x in natural order (decimation in time).
void fft_inverse_from_bit_reversed(double* re, double* im, std::size_t n);
// i with its log2(n) low bits reversed, for every i < n (a table kept per thread for the last n).
const std::uint32_t* bit_reversal_table(std::size_t n);

}  // namespace wasmetrics::kernels
