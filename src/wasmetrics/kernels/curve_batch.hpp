#pragma once
// The per-batch passes of the curve metrics' fast paths (float32 preds, uint8 / int32 targets):
// checks that tell whether a batch is the common case (probabilities in [+0, 1], targets in
// range) and the binning of scores into a threshold histogram, fused with those checks.
// Small functions of their own (not inlined into the metric's large update), so that no loop
// shares a function with unrelated SIMD code: V8 spilled such loops' registers in the SIMD build
// (bench/README, W5) and the binned curves were slower there than in the plain build.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace wasmetrics::kernels {

// The bit pattern of 1.0f: a float32 whose bits (as uint32) are <= this is in [+0, 1]; NaN,
// +/-Inf, negatives and -0.0 are above it.
inline constexpr std::uint32_t kOneF32Bits = 0x3f800000u;

// The largest bit pattern (as uint32) among n float32 values (0 when n = 0).
std::uint32_t max_bits_f32(const float* p, std::size_t n);
// The largest of n bytes (0 when n = 0).
std::uint8_t max_u8(const std::uint8_t* t, std::size_t n);
// The largest of n int32 values read as uint32 (negatives are huge), 0 when n = 0.
std::uint32_t max_as_u32(const std::int32_t* t, std::size_t n);

// Sorted float32 thresholds and the count of them <= v (the histogram bin of v, "preds >=
// threshold"). For linspace(0, 1, T) thresholds v * (T - 1) + 1 guesses it and comparisons with
// the neighbours settle it; other lists are searched. Defined for v in [+0, 1] (other values
// get some bin in [0, T]: the fused passes below reject their batch anyway).
class ThresholdBins {
 public:
  ThresholdBins(const std::vector<float>& sorted_thresholds, bool linspace);
  std::int32_t count() const { return T_; }
  std::int32_t operator()(float v) const {
    if (linspace_) {
      float c = v >= 0.0f ? v : 0.0f;  // NaN -> 0: a safe guess; the comparisons below settle it
      c = c <= 1.0f ? c : 1.0f;
      std::int32_t g = static_cast<std::int32_t>(c * scale_) + 1;
      g = g < T_ ? g : T_;
      const float* t = padded_.data();  // t[g] is threshold g - 1; t[0] = -inf, t[T + 1] = +inf
      while (t[g + 1] <= v) ++g;
      while (t[g] > v) --g;
      return g;
    }
    return search(v);
  }

 private:
  std::int32_t search(float v) const;
  std::vector<float> padded_;
  std::int32_t T_;
  bool linspace_;
  float scale_;
};

// What a fused pass saw: the batch is the common case iff max_bits <= kOneF32Bits and the
// targets are in range (binary: max_target <= 1; multiclass: max_target < classes).
struct BinnedChecks {
  std::uint32_t max_bits = 0;
  std::uint32_t max_target = 0;
};

// Binary: hist[bin(p[i]) * 2 + t[i]] += 1 for t[i] in {0, 1} (other targets are counted as 1 and
// reported in max_target). hist has (T + 1) * 2 counters.
BinnedChecks bin_binary(const ThresholdBins& bins, const float* p, const std::uint8_t* t, std::size_t n,
                        std::uint32_t* hist);
// Multiclass [rows, K] with one label per row: hist[(k * (T + 1) + bin(p[r, k])) * 2 + (t[r] == k)]
// (k = 0 for micro). Rows whose label is `ignored` (when has_ignored) are skipped and not checked.
BinnedChecks bin_multiclass(const ThresholdBins& bins, const float* p, const std::int32_t* t, std::size_t rows,
                            std::int64_t K, bool micro, bool has_ignored, std::int64_t ignored, std::uint32_t* hist);

}  // namespace wasmetrics::kernels
