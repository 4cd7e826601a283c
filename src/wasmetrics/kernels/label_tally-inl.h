// Per-target code of kernels/label_tally (Highway): included once per target by label_tally.cpp
// and by its test through foreach_target.h, hence this guard instead of #pragma once.
#if defined(WASMETRICS_KERNELS_LABEL_TALLY_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef WASMETRICS_KERNELS_LABEL_TALLY_INL_H_
#undef WASMETRICS_KERNELS_LABEL_TALLY_INL_H_
#else
#define WASMETRICS_KERNELS_LABEL_TALLY_INL_H_
#endif

#include <algorithm>
#include <cstdint>
#include <vector>

#include "hwy/highway.h"
#include "wasmetrics/kernels/label_tally.hpp"

HWY_BEFORE_NAMESPACE();
namespace wasmetrics {
namespace kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

#if HWY_TARGET != HWY_SCALAR
// Four vectors of 32-bit masks (0 or all ones) as one vector of byte masks, in lane order. WASM
// SIMD128 has saturating narrows that do it in three ops; Highway 1.0.3 has no two-vector narrow
// to bytes, so other targets take the even halves twice (ConcatEven keeps the lane order).
template <class D8, class V32>
HWY_INLINE hn::Vec<D8> MasksToBytes(D8 d8, V32 m0, V32 m1, V32 m2, V32 m3) {
#if HWY_TARGET == HWY_WASM
  (void)d8;
  return hn::Vec<D8>{
      wasm_i8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(m0.raw, m1.raw), wasm_i16x8_narrow_i32x4(m2.raw, m3.raw))};
#else
  const hn::Repartition<std::uint16_t, D8> d16;
  const auto lo = hn::ConcatEven(d16, hn::BitCast(d16, m1), hn::BitCast(d16, m0));
  const auto hi = hn::ConcatEven(d16, hn::BitCast(d16, m3), hn::BitCast(d16, m2));
  return hn::ConcatEven(d8, hn::BitCast(d8, hi), hn::BitCast(d8, lo));
#endif
}

// Tile thresholds: lane k of group g (of the tile starting at group g0) holds label (N (g0 + g) + k) mod L's.
HWY_INLINE void TileThresholds(const float* HWY_RESTRICT thr, std::int64_t N, std::int64_t L, std::int64_t g0,
                               std::int64_t gn, float* HWY_RESTRICT thr_v) {
  for (std::int64_t g = 0; g < gn; ++g)
    for (std::int64_t k = 0, l = (N * (g0 + g)) % L; k < N; ++k, l = l + 1 == L ? 0 : l + 1) thr_v[g * N + k] = thr[l];
}

// A tile's byte-lane counters (kCounters sets of N per group) added to the per-label totals.
template <int kCounters>
HWY_INLINE void AddTileCounters(const std::uint8_t* HWY_RESTRICT acc, std::int64_t N, std::int64_t L, std::int64_t g0,
                                std::int64_t gn, std::uint64_t* const* totals) {
  for (std::int64_t g = 0; g < gn; ++g) {
    const std::uint8_t* c = acc + kCounters * g * N;
    for (std::int64_t k = 0, l = (N * (g0 + g)) % L; k < N; ++k, l = l + 1 == L ? 0 : l + 1)
      for (int j = 0; j < kCounters; ++j) totals[j][l] += c[j * N + k];
  }
}

// The flags of `out` from what the pass watched: the u32 max of the preds' bits, (logits) the preds'
// min and max, and the u8 max of the kept target bytes.
template <bool kLogits, class D8, class V32, class VF, class V8>
HWY_INLINE void ReportTallyFlags(D8 d8, V32 bits_max, VF lo, VF hi, V8 target_max, LabelTally& out) {
  const hn::Repartition<std::uint32_t, D8> d32;
  const hn::Repartition<float, D8> df;
  const auto NF = static_cast<std::int64_t>(hn::Lanes(df));
  alignas(64) std::uint32_t lanes32[64];  // up to 64 lanes of 32 bits on every target (2048-bit vectors)
  hn::Store(bits_max, d32, lanes32);
  const std::uint32_t bits_top = *std::max_element(lanes32, lanes32 + NF);
  if constexpr (kLogits) {
    out.preds_not_finite |= bits_top >= 0x7f800000u;  // bits of Infinity
    alignas(64) float mn[64], mx[64];
    hn::Store(lo, df, mn);
    hn::Store(hi, df, mx);
    // (NaN makes these meaningless, but then preds_not_finite is set)
    out.preds_outside_unit |= *std::min_element(mn, mn + NF) < 0.0f || *std::max_element(mx, mx + NF) > 1.0f;
  } else {
    (void)lo;
    (void)hi;
    constexpr std::uint32_t kOneBits = 0x3f800000u;  // 1.0f; +0 .. 1 are the bit patterns 0 .. kOneBits
    out.preds_maybe_outside_unit |= bits_top > kOneBits;
  }
  alignas(64) std::uint8_t tm[256];
  hn::Store(target_max, d8, tm);
  out.target_unexpected |= *std::max_element(tm, tm + hn::Lanes(d8)) > 1;
}

// A block of N rows (N = bytes per vector) is L groups of N consecutive elements; lane k of group g
// always belongs to label (N g + k) mod L. The pass walks the memory in order: per group four
// float compares against four threshold vectors, the masks narrowed to bytes and combined with the
// N target bytes into byte-lane counters (one set per group, in a small table that stays in L1).
// After at most 255 blocks the byte lanes are added to the per-label totals. Very wide rows are cut
// into tiles of groups so that the tables stay small. The tail rows take the scalar twin.
template <bool kIgnore, bool kLogits>
void TallyBlocks(const float* HWY_RESTRICT p, const std::uint8_t* HWY_RESTRICT t, std::int64_t rows, std::int64_t L,
                 const float* HWY_RESTRICT thr, int ignore, LabelTally& out) {
  const hn::ScalableTag<std::uint8_t> d8;
  const hn::Repartition<std::uint32_t, decltype(d8)> d32;
  const hn::Repartition<float, decltype(d8)> df;
  using V8 = hn::Vec<decltype(d8)>;
  using V32 = hn::Vec<decltype(d32)>;
  using VF = hn::Vec<decltype(df)>;
  const auto N = static_cast<std::int64_t>(hn::Lanes(d8));
  const auto NF = static_cast<std::int64_t>(hn::Lanes(df));
  constexpr std::int64_t kRun = 255;          // blocks before a byte lane could wrap
  constexpr int kCounters = kIgnore ? 4 : 3;  // pred & target, pred, target[, ignored]
  const std::int64_t blocks = rows / N;
  const std::int64_t stride = N * L;  // elements per block
  const std::int64_t tile = std::min(L, std::max<std::int64_t>(1, 4096 / N));
  // (std::vector and unaligned loads: hwy::AllocateAligned needs libhwy, which WASM builds do not link)
  std::vector<float> thr_v(static_cast<std::size_t>(tile * N));
  std::vector<std::uint8_t> acc(static_cast<std::size_t>(kCounters * tile * N));
  const V8 ignore_v = hn::Set(d8, static_cast<std::uint8_t>(ignore < 0 ? 0 : ignore));
  // u32 max of the preds' bits (probs: > bits(1.0f) unless all in [+0, 1]; logits: of |pred|'s
  // bits, >= bits(Infinity) iff NaN or +/-Infinity)
  V32 bits_max = hn::Zero(d32);
  V8 target_max = hn::Zero(d8);  // u8 max of the kept target bytes
  const V32 abs_mask = hn::Set(d32, 0x7fffffffu);
  VF lo = hn::Zero(df), hi = hn::Set(df, 1.0f);  // logits: min and max of the preds
  const V32 one_bits = hn::Set(d32, 0x3f800000u);
  const V8 one_byte = hn::Set(d8, 1);
  std::uint64_t* totals[4] = {out.pred_and_target.data(), out.pred.data(), out.target.data(), out.ignored.data()};
  for (std::int64_t b0 = 0; b0 < blocks; b0 += kRun) {
    // probabilities: a flagged batch is counted again (logits) or by the general path, stop early
    if (!kLogits && (!hn::AllFalse(d32, hn::Gt(bits_max, one_bits)) || !hn::AllFalse(d8, hn::Gt(target_max, one_byte))))
      break;
    const std::int64_t nb = std::min(kRun, blocks - b0);
    for (std::int64_t g0 = 0; g0 < L; g0 += tile) {
      const std::int64_t gn = std::min(tile, L - g0);
      TileThresholds(thr, N, L, g0, gn, thr_v.data());
      std::fill(acc.data(), acc.data() + kCounters * gn * N, std::uint8_t{0});
      const float* pb = p + b0 * stride + N * g0;
      const std::uint8_t* tb = t + b0 * stride + N * g0;
      for (std::int64_t b = 0; b < nb; ++b, pb += stride, tb += stride) {
        const float* th = thr_v.data();
        std::uint8_t* c = acc.data();
        for (std::int64_t g = 0; g < gn; ++g, th += N, c += kCounters * N) {
          const float* pg = pb + N * g;
          const VF f0 = hn::LoadU(df, pg), f1 = hn::LoadU(df, pg + NF), f2 = hn::LoadU(df, pg + 2 * NF),
                   f3 = hn::LoadU(df, pg + 3 * NF);
          V8 pos;
          if constexpr (kLogits) {
            const V32 a0 = hn::And(hn::BitCast(d32, f0), abs_mask), a1 = hn::And(hn::BitCast(d32, f1), abs_mask),
                      a2 = hn::And(hn::BitCast(d32, f2), abs_mask), a3 = hn::And(hn::BitCast(d32, f3), abs_mask);
            bits_max = hn::Max(bits_max, hn::Max(hn::Max(a0, a1), hn::Max(a2, a3)));
            lo = hn::Min(lo, hn::Min(hn::Min(f0, f1), hn::Min(f2, f3)));
            hi = hn::Max(hi, hn::Max(hn::Max(f0, f1), hn::Max(f2, f3)));
            pos = MasksToBytes(d8, hn::BitCast(d32, hn::VecFromMask(df, hn::Ge(f0, hn::LoadU(df, th)))),
                               hn::BitCast(d32, hn::VecFromMask(df, hn::Ge(f1, hn::LoadU(df, th + NF)))),
                               hn::BitCast(d32, hn::VecFromMask(df, hn::Ge(f2, hn::LoadU(df, th + 2 * NF)))),
                               hn::BitCast(d32, hn::VecFromMask(df, hn::Ge(f3, hn::LoadU(df, th + 3 * NF)))));
          } else {
            bits_max = hn::Max(bits_max, hn::Max(hn::Max(hn::BitCast(d32, f0), hn::BitCast(d32, f1)),
                                                 hn::Max(hn::BitCast(d32, f2), hn::BitCast(d32, f3))));
            pos = MasksToBytes(d8, hn::BitCast(d32, hn::VecFromMask(df, hn::Gt(f0, hn::LoadU(df, th)))),
                               hn::BitCast(d32, hn::VecFromMask(df, hn::Gt(f1, hn::LoadU(df, th + NF)))),
                               hn::BitCast(d32, hn::VecFromMask(df, hn::Gt(f2, hn::LoadU(df, th + 2 * NF)))),
                               hn::BitCast(d32, hn::VecFromMask(df, hn::Gt(f3, hn::LoadU(df, th + 3 * NF)))));
          }
          V8 tv = hn::LoadU(d8, tb + N * g);
          if constexpr (kIgnore) {
            const V8 skip = hn::VecFromMask(d8, hn::Eq(tv, ignore_v));
            hn::StoreU(hn::Sub(hn::LoadU(d8, c + 3 * N), skip), d8, c + 3 * N);
            tv = hn::AndNot(skip, tv);
            pos = hn::AndNot(skip, pos);
          }
          target_max = hn::Max(target_max, tv);
          hn::StoreU(hn::Add(hn::LoadU(d8, c), hn::And(pos, tv)), d8, c);
          hn::StoreU(hn::Sub(hn::LoadU(d8, c + N), pos), d8, c + N);
          hn::StoreU(hn::Add(hn::LoadU(d8, c + 2 * N), tv), d8, c + 2 * N);
        }
      }
      AddTileCounters<kCounters>(acc.data(), N, L, g0, gn, totals);
    }
  }
  ReportTallyFlags<kLogits>(d8, bits_max, lo, hi, target_max, out);
  if (!kLogits && (out.preds_maybe_outside_unit || out.target_unexpected)) return;  // stopped early
  const std::int64_t done = blocks * N;
  scalar::tally_add(p + done * L, t + done * L, rows - done, L, thr, ignore,
                    kLogits ? TallyCompare::logits_greater_equal : TallyCompare::probs_greater, out);
}
#endif  // HWY_TARGET != HWY_SCALAR

// `out` reset for `labels` labels by the caller.
inline HWY_NOINLINE void TallyLabels(const float* preds, const std::uint8_t* target, std::int64_t rows,
                                     std::int64_t labels, const float* thr, int ignore, TallyCompare cmp,
                                     LabelTally& out) {
#if HWY_TARGET == HWY_SCALAR
  // One lane: the byte-lane counters would be one counter; the twin's histogram loop is the kernel.
  scalar::tally_add(preds, target, rows, labels, thr, ignore, cmp, out);
#else
  const bool logits = cmp == TallyCompare::logits_greater_equal;
  if (ignore >= 0) {
    if (logits)
      TallyBlocks<true, true>(preds, target, rows, labels, thr, ignore, out);
    else
      TallyBlocks<true, false>(preds, target, rows, labels, thr, ignore, out);
  } else {
    if (logits)
      TallyBlocks<false, true>(preds, target, rows, labels, thr, ignore, out);
    else
      TallyBlocks<false, false>(preds, target, rows, labels, thr, ignore, out);
  }
#endif
}

}  // namespace HWY_NAMESPACE
}  // namespace kernels
}  // namespace wasmetrics
HWY_AFTER_NAMESPACE();

#endif  // include guard
