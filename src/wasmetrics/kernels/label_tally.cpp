// kernels/label_tally: the Highway code (label_tally-inl.h) compiled for every target (natively)
// or for the one static target (WASM), the dispatching entry point, and the scalar twin.
#include "wasmetrics/kernels/hwy_dispatch.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "wasmetrics/kernels/label_tally.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "wasmetrics/kernels/label_tally-inl.h"

#if HWY_ONCE
#include <algorithm>
#include <cstring>

namespace wasmetrics::kernels {

void LabelTally::reset(std::int64_t labels) {
  const auto L = static_cast<std::size_t>(labels);
  pred_and_target.assign(L, 0);
  pred.assign(L, 0);
  target.assign(L, 0);
  ignored.assign(L, 0);
  preds_maybe_outside_unit = false;
  preds_not_finite = false;
  preds_outside_unit = false;
  target_unexpected = false;
}

namespace {

// One element's histogram code: pred | target << 1, or 4 when its target is ignore_index;
// target_bits ORs every kept target byte (> 1 iff one is neither 0 nor 1).
template <bool kIgnore>
inline unsigned element_code(bool pred, unsigned tv, unsigned ignore, unsigned& target_bits) {
  const unsigned code = (pred ? 1u : 0u) | (tv & 1u) << 1;
  if constexpr (kIgnore) {
    const bool skip = tv == ignore;
    target_bits |= skip ? 0u : tv;
    return skip ? 4u : code;
  } else {
    target_bits |= tv;
    return code;
  }
}

// Folds the per-label histograms of a pass into the tally.
template <bool kIgnore>
void fold_histograms(const std::vector<std::uint64_t>& hist, std::int64_t L, int bins, LabelTally& out) {
  for (std::int64_t l = 0; l < L; ++l) {
    const std::uint64_t* h = hist.data() + l * bins;
    out.pred_and_target[l] += h[3];
    out.pred[l] += h[1] + h[3];
    out.target[l] += h[2] + h[3];
    if constexpr (kIgnore) out.ignored[l] += h[4];
  }
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
        ++h[element_code<kIgnore>(bits > thr_bits[l], tv, ignore, target_bits)];
      }
    }
  }
  fold_histograms<kIgnore>(hist, L, kBins, out);
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
      ++h[element_code<kIgnore>(v >= cut[l], tv, ignore, target_bits)];
    }
  }
  fold_histograms<kIgnore>(hist, L, kBins, out);
  out.preds_not_finite |= abs_bits_max >= 0x7f800000u;  // bits of Infinity
  out.preds_outside_unit |= outside;
  out.target_unexpected |= target_bits > 1;
}

void tally_add_impl(const float* p, const std::uint8_t* t, std::int64_t rows, std::int64_t L, const float* thr,
                    int ignore, TallyCompare cmp, LabelTally& out) {
  const auto ii = static_cast<unsigned>(ignore);
  if (cmp == TallyCompare::probs_greater) {
    if (ignore >= 0)
      tally_rows<true>(p, t, rows, L, thr, ii, out);
    else
      tally_rows<false>(p, t, rows, L, thr, 0, out);
  } else {
    if (ignore >= 0)
      tally_rows_logits<true>(p, t, rows, L, thr, ii, out);
    else
      tally_rows_logits<false>(p, t, rows, L, thr, 0, out);
  }
}

}  // namespace

WASMETRICS_HWY_EXPORT(TallyLabels);

void tally_labels(const float* preds, const std::uint8_t* target, std::int64_t rows, std::int64_t labels,
                  const float* thr, int ignore, TallyCompare cmp, LabelTally& out) {
  out.reset(labels);
  WASMETRICS_HWY_CALL(TallyLabels)(preds, target, rows, labels, thr, ignore, cmp, out);
}

namespace scalar {
void tally_add(const float* preds, const std::uint8_t* target, std::int64_t rows, std::int64_t labels, const float* thr,
               int ignore, TallyCompare cmp, LabelTally& out) {
  tally_add_impl(preds, target, rows, labels, thr, ignore, cmp, out);
}
void tally_labels(const float* preds, const std::uint8_t* target, std::int64_t rows, std::int64_t labels,
                  const float* thr, int ignore, TallyCompare cmp, LabelTally& out) {
  out.reset(labels);
  tally_add_impl(preds, target, rows, labels, thr, ignore, cmp, out);
}
}  // namespace scalar

}  // namespace wasmetrics::kernels
#endif  // HWY_ONCE
