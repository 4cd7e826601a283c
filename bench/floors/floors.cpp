#include "floors.hpp"

#include <algorithm>
#include <span>
#include <vector>

#include "wasmetrics/kernels/radix_sort.hpp"

#if defined(WASMETRICS_SIMD) && defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace wasmetrics::kernels {

std::uint64_t read_floor_sum_scalar(const std::uint8_t* bytes, std::size_t n) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += bytes[i];
  return sum;
}

std::uint64_t read_floor_sum(const std::uint8_t* bytes, std::size_t n) {
#if defined(WASMETRICS_SIMD) && defined(__wasm_simd128__)
  // 16 bytes per load, widened pairwise into four u32 lanes; a block of 4096 loads cannot overflow.
  std::uint64_t total = 0;
  std::size_t i = 0;
  while (n - i >= 16) {
    const std::size_t block_end = i + std::min<std::size_t>((n - i) / 16, 4096) * 16;
    v128_t acc = wasm_i32x4_splat(0);
    for (; i < block_end; i += 16) {
      const v128_t v = wasm_v128_load(bytes + i);
      acc = wasm_i32x4_add(acc, wasm_u32x4_extadd_pairwise_u16x8(wasm_u16x8_extadd_pairwise_u8x16(v)));
    }
    total += static_cast<std::uint64_t>(wasm_u32x4_extract_lane(acc, 0)) + wasm_u32x4_extract_lane(acc, 1) +
             wasm_u32x4_extract_lane(acc, 2) + wasm_u32x4_extract_lane(acc, 3);
  }
  return total + read_floor_sum_scalar(bytes + i, n - i);
#else
  return read_floor_sum_scalar(bytes, n);
#endif
}

std::uint64_t scatter_floor(const std::uint8_t* pred, const std::uint8_t* target, std::size_t n) {
  std::vector<std::uint32_t> counts(256 * 256, 0);
  for (std::size_t i = 0; i < n; ++i) ++counts[target[i] * 256u + pred[i]];
  std::uint64_t check = 0;
  for (std::size_t k = 0; k < counts.size(); ++k) check += counts[k] * (k & 0xff);
  return check;
}

std::uint64_t scatter_floor_u16(const std::uint16_t* pred, const std::uint16_t* target, std::size_t n) {
  std::vector<std::uint32_t> counts(256 * 256, 0);
  for (std::size_t i = 0; i < n; ++i) ++counts[(target[i] & 0xffu) * 256u + (pred[i] & 0xffu)];
  std::uint64_t check = 0;
  for (std::size_t k = 0; k < counts.size(); ++k) check += counts[k] * (k & 0xff);
  return check;
}

std::uint64_t radix_sort_floor(float* scores, std::uint8_t* labels, std::size_t n) {
  radix_sort_desc(std::span<float>(scores, n), std::span<std::uint8_t>(labels, n));
  return n ? labels[0] + labels[n - 1] : 0;
}

std::uint64_t histogram_floor(const float* scores, const std::uint8_t* labels, std::size_t n, int bins) {
  std::vector<std::uint32_t> hist(static_cast<std::size_t>(bins) * 2, 0);
  const float scale = static_cast<float>(bins - 1);
  for (std::size_t i = 0; i < n; ++i) {
    const int b = std::clamp(static_cast<int>(scores[i] * scale), 0, bins - 1);
    ++hist[static_cast<std::size_t>(b) * 2 + (labels[i] & 1)];
  }
  std::uint64_t check = 0;
  for (std::size_t k = 0; k < hist.size(); ++k) check += hist[k] * k;
  return check;
}

double roc_sweep_floor(float* scores, std::uint8_t* labels, std::size_t n) {
  radix_sort_desc(std::span<float>(scores, n), std::span<std::uint8_t>(labels, n));
  std::uint64_t positives = 0;  // the metric counts these while it gathers its keys
  for (std::size_t i = 0; i < n; ++i) positives += labels[i];
  const float tl = static_cast<float>(positives);
  const float fl = static_cast<float>(n - positives);
  float x0 = 0.0f, y0 = 0.0f;
  double sum = 0;
  std::uint64_t tps = 0;
  for (std::size_t i = 0; i < n; ++i) {
    tps += labels[i];
    if (i + 1 < n && scores[i + 1] == scores[i]) continue;
    const float tp = static_cast<float>(tps), fp = static_cast<float>(i + 1 - tps);
    const float x1 = fl <= 0 ? 0.0f : fp / fl;
    const float y1 = tl <= 0 ? 0.0f : tp / tl;
    sum += static_cast<double>((x1 - x0) * (y1 + y0));
    x0 = x1;
    y0 = y1;
  }
  return sum / 2;
}

double moments_floor(const float* x, const float* y, std::size_t n) {
  std::size_t i = 0;
  double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
#if defined(WASMETRICS_SIMD) && defined(__wasm_simd128__)
  v128_t ax = wasm_f64x2_splat(0), ay = ax, axx = ax, ayy = ax, axy = ax;
  for (; i + 4 <= n; i += 4) {
    const v128_t x0 = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(x + i));
    const v128_t x1 = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(x + i + 2));
    const v128_t y0 = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(y + i));
    const v128_t y1 = wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(y + i + 2));
    ax = wasm_f64x2_add(ax, wasm_f64x2_add(x0, x1));
    ay = wasm_f64x2_add(ay, wasm_f64x2_add(y0, y1));
    axx = wasm_f64x2_add(axx, wasm_f64x2_add(wasm_f64x2_mul(x0, x0), wasm_f64x2_mul(x1, x1)));
    ayy = wasm_f64x2_add(ayy, wasm_f64x2_add(wasm_f64x2_mul(y0, y0), wasm_f64x2_mul(y1, y1)));
    axy = wasm_f64x2_add(axy, wasm_f64x2_add(wasm_f64x2_mul(x0, y0), wasm_f64x2_mul(x1, y1)));
  }
  const v128_t all = wasm_f64x2_add(wasm_f64x2_add(wasm_f64x2_add(ax, ay), wasm_f64x2_add(axx, ayy)), axy);
  sx = wasm_f64x2_extract_lane(all, 0) + wasm_f64x2_extract_lane(all, 1);
#else
  double sx1 = 0, sy1 = 0, sxx1 = 0, syy1 = 0, sxy1 = 0;
  for (; i + 2 <= n; i += 2) {
    const double x0 = x[i], x1 = x[i + 1], y0 = y[i], y1 = y[i + 1];
    sx += x0;
    sx1 += x1;
    sy += y0;
    sy1 += y1;
    sxx += x0 * x0;
    sxx1 += x1 * x1;
    syy += y0 * y0;
    syy1 += y1 * y1;
    sxy += x0 * y0;
    sxy1 += x1 * y1;
  }
  sx += sx1 + sy1 + sxx1 + syy1 + sxy1;
#endif
  for (; i < n; ++i) {
    const double a = x[i], b = y[i];
    sx += a;
    sy += b;
    sxx += a * a;
    syy += b * b;
    sxy += a * b;
  }
  return sx + sy + sxx + syy + sxy;
}

}  // namespace wasmetrics::kernels
