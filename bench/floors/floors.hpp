#pragma once
// Floors for bench/run.mjs: the least work any metric over the same bytes must do (read them once,
// scatter them once, radix-sort them, bin them once). Not metrics and not in the registry; they
// return a checksum so the compiler cannot drop the pass. Built into a WebAssembly module of their
// own (bindings.cpp, CMakeLists.txt's wasmetrics_bench_floors), never into the package's.
#include <cstddef>
#include <cstdint>

namespace wasmetrics::kernels {

// Sum of every byte (SIMD with WASMETRICS_SIMD, a scalar loop otherwise).
std::uint64_t read_floor_sum(const std::uint8_t* bytes, std::size_t n);
std::uint64_t read_floor_sum_scalar(const std::uint8_t* bytes, std::size_t n);

// The simple confusion scatter: counts[target * 256 + pred] += 1, no mask, no checks.
std::uint64_t scatter_floor(const std::uint8_t* pred, const std::uint8_t* target, std::size_t n);
// The same scatter over uint16 label maps (twice the bytes): each label's low byte indexes the same
// 256 x 256 table (the bench's maps hold labels below 256), no mask, no checks.
std::uint64_t scatter_floor_u16(const std::uint16_t* pred, const std::uint16_t* target, std::size_t n);

// Sorts float32 scores descending carrying a uint8 label (kernels::radix_sort_desc), in place.
std::uint64_t radix_sort_floor(float* scores, std::uint8_t* labels, std::size_t n);

// radix_sort_floor, then the sweep an exact AUROC cannot skip: one float32 ROC point per distinct
// score (fps / negatives, tps / positives, as TorchMetrics computes them) and its trapezoid, summed
// in float64 in curve order (classification/curve.cpp's sweep does the same, from keys). Returns
// the area: the floor of sort + sweep, which is the work of an exact, bit-identical AUROC.
double roc_sweep_floor(float* scores, std::uint8_t* labels, std::size_t n);

// The five float64 sums a correlation needs of float32 pairs (Σx, Σy, Σx², Σy², Σxy), added into
// one checksum: the per-element arithmetic every moment metric (PearsonCorrCoef, R2Score) must do,
// without checks, dispatch or state. f64x2 with WASMETRICS_SIMD; two scalar accumulators per sum
// otherwise (the plain build's float64 op throughput, not an addition's latency, bounds it).
double moments_floor(const float* x, const float* y, std::size_t n);

// One pass binning scores in [0, 1] into `bins` equal bins by label: hist[bin * 2 + label].
std::uint64_t histogram_floor(const float* scores, const std::uint8_t* labels, std::size_t n, int bins);

}  // namespace wasmetrics::kernels
