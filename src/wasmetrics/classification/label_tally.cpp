#include "wasmetrics/classification/label_tally.hpp"

#include <algorithm>
#include <cstring>

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace wasmetrics::classification {
namespace {

void reset(LabelTally& out, std::int64_t labels) {
  const auto L = static_cast<std::size_t>(labels);
  out.pred_and_target.assign(L, 0);
  out.pred.assign(L, 0);
  out.target.assign(L, 0);
  out.ignored.assign(L, 0);
  out.preds_maybe_outside_unit = false;
  out.preds_not_finite = false;
  out.preds_outside_unit = false;
  out.target_unexpected = false;
}

// Adds rows [0, rows) to `out`: per element one increment of a per-label histogram of the code
// pred | target << 1 (| 4 when ignored). Probabilities are compared as bit patterns (for floats in
// [+0, 1] the order of the bits is the order of the values; anything else raises the flag).
template <bool kIgnore>
void tally_rows_logits(const float* p, const std::uint8_t* t, std::int64_t rows, std::int64_t L, const float* cut,
                       unsigned ignore, LabelTally& out);

template <bool kIgnore>
void tally_rows(const float* p, const std::uint8_t* t, std::int64_t rows, std::int64_t L, const float* thr,
                unsigned ignore, LabelTally& out) {
  constexpr int kBins = kIgnore ? 8 : 4;
  std::vector<std::uint64_t> hist(static_cast<std::size_t>(L * kBins), 0);
  std::vector<std::uint32_t> thr_bits(static_cast<std::size_t>(L));
  for (std::int64_t l = 0; l < L; ++l) {
    const float v = thr[l] + 0.0f;  // -0 -> +0: the same threshold, and its bits order like the preds'
    std::memcpy(&thr_bits[l], &v, sizeof v);
  }
  std::uint32_t bits_max = 0;  // > bits(1.0f) unless every pred is in [+0, 1]
  unsigned target_bits = 0;    // OR of every kept target byte: > 1 iff one is neither 0 nor 1
  // A flagged batch is counted again (logits) or by the general path: stop early (checked every
  // chunk of ~4096 elements, outside the row loop).
  const std::int64_t chunk = std::max<std::int64_t>(1, 4096 / L);
  for (std::int64_t n0 = 0; n0 < rows && bits_max <= 0x3f800000u && target_bits <= 1; n0 += chunk) {
    const std::int64_t n1 = std::min(rows, n0 + chunk);
    for (std::int64_t n = n0; n < n1; ++n, p += L, t += L) {
      std::uint64_t* h = hist.data();
      for (std::int64_t l = 0; l < L; ++l, h += kBins) {
        std::uint32_t bits;
        std::memcpy(&bits, p + l, sizeof bits);
        const unsigned tv = t[l];
        bits_max = bits > bits_max ? bits : bits_max;
        unsigned code = (bits > thr_bits[l] ? 1u : 0u) | (tv & 1u) << 1;
        if constexpr (kIgnore) {
          const bool skip = tv == ignore;
          target_bits |= skip ? 0u : tv;
          code = skip ? 4u : code;
        } else {
          target_bits |= tv;
        }
        ++h[code];
      }
    }
  }
  for (std::int64_t l = 0; l < L; ++l) {
    const std::uint64_t* h = hist.data() + l * kBins;
    out.pred_and_target[l] += h[3];
    out.pred[l] += h[1] + h[3];
    out.target[l] += h[2] + h[3];
    if constexpr (kIgnore) out.ignored[l] += h[4];
  }
  out.preds_maybe_outside_unit |= bits_max > 0x3f800000u;  // bits of 1.0f
  out.target_unexpected |= target_bits > 1;
}

// The same for logits: pred >= cut (float compare), flags for non-finite preds and for any pred
// outside [0, 1] (-0.0 is inside, as in the logits rule).
template <bool kIgnore>
void tally_rows_logits(const float* p, const std::uint8_t* t, std::int64_t rows, std::int64_t L, const float* cut,
                       unsigned ignore, LabelTally& out) {
  constexpr int kBins = kIgnore ? 8 : 4;
  std::vector<std::uint64_t> hist(static_cast<std::size_t>(L * kBins), 0);
  std::uint32_t abs_bits_max = 0;  // >= bits(Infinity) iff some pred is NaN or +/-Infinity
  bool outside = false;
  unsigned target_bits = 0;
  for (std::int64_t n = 0; n < rows; ++n, p += L, t += L) {
    std::uint64_t* h = hist.data();
    for (std::int64_t l = 0; l < L; ++l, h += kBins) {
      const float v = p[l];
      std::uint32_t bits;
      std::memcpy(&bits, &v, sizeof bits);
      bits &= 0x7fffffffu;
      abs_bits_max = bits > abs_bits_max ? bits : abs_bits_max;
      outside |= !(v >= 0.0f && v <= 1.0f);
      const unsigned tv = t[l];
      unsigned code = (v >= cut[l] ? 1u : 0u) | (tv & 1u) << 1;
      if constexpr (kIgnore) {
        const bool skip = tv == ignore;
        target_bits |= skip ? 0u : tv;
        code = skip ? 4u : code;
      } else {
        target_bits |= tv;
      }
      ++h[code];
    }
  }
  for (std::int64_t l = 0; l < L; ++l) {
    const std::uint64_t* h = hist.data() + l * kBins;
    out.pred_and_target[l] += h[3];
    out.pred[l] += h[1] + h[3];
    out.target[l] += h[2] + h[3];
    if constexpr (kIgnore) out.ignored[l] += h[4];
  }
  out.preds_not_finite |= abs_bits_max >= 0x7f800000u;  // bits of Infinity
  out.preds_outside_unit |= outside;
  out.target_unexpected |= target_bits > 1;
}

void tally_scalar(const float* p, const std::uint8_t* t, std::int64_t rows, std::int64_t L, const float* thr,
                  int ignore, TallyCompare cmp, LabelTally& out) {
  const auto ii = static_cast<unsigned>(ignore);
  if (cmp == TallyCompare::probs_greater) {
    if (ignore >= 0) tally_rows<true>(p, t, rows, L, thr, ii, out);
    else tally_rows<false>(p, t, rows, L, thr, 0, out);
  } else {
    if (ignore >= 0) tally_rows_logits<true>(p, t, rows, L, thr, ii, out);
    else tally_rows_logits<false>(p, t, rows, L, thr, 0, out);
  }
}

#ifdef __wasm_simd128__
// Blocks of 16 rows = L groups of 16 consecutive elements; lane k of group g always belongs to
// label (16 g + k) mod L. The pass walks the memory in order: per group one compare of 4 floats
// against 4 threshold vectors, the masks narrowed to bytes and combined with the 16 target bytes
// into byte-lane counters (one set per group, in a small table that stays in L1). After at most
// 255 blocks the byte lanes are added to the per-label totals. Very wide rows are cut into tiles
// of kTile groups so that the tables stay small.
template <bool kIgnore, bool kLogits>
void tally_simd(const float* p, const std::uint8_t* t, std::int64_t rows, std::int64_t L, const float* thr,
                int ignore, LabelTally& out) {
  constexpr std::int64_t kRun = 255, kTile = 256;
  constexpr int kCounters = kIgnore ? 4 : 3;  // pred & target, pred, target[, ignored]
  const std::int64_t blocks = rows / 16;
  const std::int64_t stride = 16 * L;  // elements per block
  const std::int64_t tile = std::min(L, kTile);
  std::vector<v128_t> thr_v(static_cast<std::size_t>(4 * tile));
  std::vector<v128_t> acc(static_cast<std::size_t>(kCounters * tile));
  const v128_t ignore_v = wasm_i8x16_splat(static_cast<std::int8_t>(ignore));
  const v128_t zero = wasm_i32x4_splat(0);
  v128_t bits_max = zero;    // u32 max of the preds' bits (probs: > bits(1.0f) unless all in [+0, 1];
                             // logits: of |pred|'s bits, >= bits(Infinity) iff NaN or +/-Infinity)
  v128_t target_max = zero;  // u8 max of the kept target bytes
  const v128_t abs_mask = wasm_i32x4_splat(0x7fffffff);
  v128_t lo = wasm_f32x4_splat(0.0f), hi = wasm_f32x4_splat(1.0f);  // logits: min and max of the preds
  alignas(16) std::uint8_t lanes[kCounters][16];
  std::uint64_t* totals[4] = {out.pred_and_target.data(), out.pred.data(), out.target.data(), out.ignored.data()};
  const v128_t one_bits = wasm_i32x4_splat(0x3f800000), one_byte = wasm_i8x16_splat(1);
  for (std::int64_t b0 = 0; b0 < blocks; b0 += kRun) {
    // probabilities: a flagged batch is counted again (logits) or by the general path, stop early
    if (!kLogits && wasm_v128_any_true(wasm_v128_or(wasm_u32x4_gt(bits_max, one_bits), wasm_u8x16_gt(target_max, one_byte))))
      break;
    const std::int64_t nb = std::min(kRun, blocks - b0);
    for (std::int64_t g0 = 0; g0 < L; g0 += tile) {
      const std::int64_t gn = std::min(tile, L - g0);
      for (std::int64_t g = 0; g < gn; ++g) {
        float th[16];
        for (std::int64_t k = 0, l = (16 * (g0 + g)) % L; k < 16; ++k, l = l + 1 == L ? 0 : l + 1) th[k] = thr[l];
        for (int q = 0; q < 4; ++q) thr_v[4 * g + q] = wasm_v128_load(th + 4 * q);
      }
      std::fill(acc.begin(), acc.end(), zero);
      const float* pb = p + b0 * stride + 16 * g0;
      const std::uint8_t* tb = t + b0 * stride + 16 * g0;
      for (std::int64_t b = 0; b < nb; ++b, pb += stride, tb += stride) {
        const v128_t* th = thr_v.data();
        v128_t* c = acc.data();
        for (std::int64_t g = 0; g < gn; ++g, th += 4, c += kCounters) {
          const float* pg = pb + 16 * g;
          const v128_t f0 = wasm_v128_load(pg), f1 = wasm_v128_load(pg + 4), f2 = wasm_v128_load(pg + 8),
                       f3 = wasm_v128_load(pg + 12);
          v128_t pos;
          if constexpr (kLogits) {
            bits_max = wasm_u32x4_max(bits_max, wasm_u32x4_max(wasm_u32x4_max(wasm_v128_and(f0, abs_mask), wasm_v128_and(f1, abs_mask)),
                                                               wasm_u32x4_max(wasm_v128_and(f2, abs_mask), wasm_v128_and(f3, abs_mask))));
            lo = wasm_f32x4_min(lo, wasm_f32x4_min(wasm_f32x4_min(f0, f1), wasm_f32x4_min(f2, f3)));
            hi = wasm_f32x4_max(hi, wasm_f32x4_max(wasm_f32x4_max(f0, f1), wasm_f32x4_max(f2, f3)));
            pos = wasm_i8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(wasm_f32x4_ge(f0, th[0]), wasm_f32x4_ge(f1, th[1])),
                                          wasm_i16x8_narrow_i32x4(wasm_f32x4_ge(f2, th[2]), wasm_f32x4_ge(f3, th[3])));
          } else {
            bits_max = wasm_u32x4_max(bits_max, wasm_u32x4_max(wasm_u32x4_max(f0, f1), wasm_u32x4_max(f2, f3)));
            pos = wasm_i8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(wasm_f32x4_gt(f0, th[0]), wasm_f32x4_gt(f1, th[1])),
                                          wasm_i16x8_narrow_i32x4(wasm_f32x4_gt(f2, th[2]), wasm_f32x4_gt(f3, th[3])));
          }
          v128_t tv = wasm_v128_load(tb + 16 * g);
          if constexpr (kIgnore) {
            const v128_t skip = wasm_i8x16_eq(tv, ignore_v);
            c[3] = wasm_i8x16_sub(c[3], skip);
            tv = wasm_v128_andnot(tv, skip);
            pos = wasm_v128_andnot(pos, skip);
          }
          target_max = wasm_u8x16_max(target_max, tv);
          c[0] = wasm_i8x16_add(c[0], wasm_v128_and(pos, tv));
          c[1] = wasm_i8x16_sub(c[1], pos);
          c[2] = wasm_i8x16_add(c[2], tv);
        }
      }
      for (std::int64_t g = 0; g < gn; ++g) {
        for (int j = 0; j < kCounters; ++j) wasm_v128_store(lanes[j], acc[kCounters * g + j]);
        for (std::int64_t k = 0, l = (16 * (g0 + g)) % L; k < 16; ++k, l = l + 1 == L ? 0 : l + 1)
          for (int j = 0; j < kCounters; ++j) totals[j][l] += lanes[j][k];
      }
    }
  }
  alignas(16) std::uint32_t bm[4];
  wasm_v128_store(bm, bits_max);
  const std::uint32_t bits_top = std::max({bm[0], bm[1], bm[2], bm[3]});
  if constexpr (kLogits) {
    out.preds_not_finite |= bits_top >= 0x7f800000u;  // bits of Infinity
    alignas(16) float mn[4], mx[4];
    wasm_v128_store(mn, lo);
    wasm_v128_store(mx, hi);
    // (NaN makes these meaningless, but then preds_not_finite is set)
    out.preds_outside_unit |= std::min({mn[0], mn[1], mn[2], mn[3]}) < 0.0f || std::max({mx[0], mx[1], mx[2], mx[3]}) > 1.0f;
  } else {
    constexpr std::uint32_t kOneBits = 0x3f800000u;  // 1.0f; +0 .. 1 are the bit patterns 0 .. kOneBits
    out.preds_maybe_outside_unit |= bits_top > kOneBits;
  }
  alignas(16) std::uint8_t tm[16];
  wasm_v128_store(tm, target_max);
  out.target_unexpected |= *std::max_element(tm, tm + 16) > 1;
  const std::int64_t done = blocks * 16;
  tally_scalar(p + done * L, t + done * L, rows - done, L, thr, ignore,
               kLogits ? TallyCompare::logits_greater_equal : TallyCompare::probs_greater, out);
}
#endif

}  // namespace

void tally_labels_scalar(const float* preds, const std::uint8_t* target, std::int64_t rows, std::int64_t labels,
                         const float* thr, int ignore, TallyCompare cmp, LabelTally& out) {
  reset(out, labels);
  tally_scalar(preds, target, rows, labels, thr, ignore, cmp, out);
}

void tally_labels(const float* preds, const std::uint8_t* target, std::int64_t rows, std::int64_t labels,
                  const float* thr, int ignore, TallyCompare cmp, LabelTally& out) {
#ifdef __wasm_simd128__
  reset(out, labels);
  const bool logits = cmp == TallyCompare::logits_greater_equal;
  if (ignore >= 0) {
    if (logits) tally_simd<true, true>(preds, target, rows, labels, thr, ignore, out);
    else tally_simd<true, false>(preds, target, rows, labels, thr, ignore, out);
  } else {
    if (logits) tally_simd<false, true>(preds, target, rows, labels, thr, ignore, out);
    else tally_simd<false, false>(preds, target, rows, labels, thr, ignore, out);
  }
#else
  tally_labels_scalar(preds, target, rows, labels, thr, ignore, cmp, out);
#endif
}

}  // namespace wasmetrics::classification
