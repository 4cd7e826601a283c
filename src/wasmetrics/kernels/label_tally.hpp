#pragma once
// One fused pass over a row-major [rows, labels] batch of float32 probabilities and uint8 0/1
// targets that counts, per label, what the stat scores need — no per-element code array, no
// separate validation passes. The input checks are folded into flags read after the pass: a
// caller that sees one set discards the tally and takes the general path (format_labels), which
// reports errors exactly and handles logits.
//
// A prediction is positive iff pred > thr[label] (probabilities) or pred >= cut[label] (logits, with
// InputFormat::cut_f32, the smallest logit whose sigmoid exceeds the threshold), in float32 as
// format_labels compares float32 preds.
//
// Google Highway (label_tally-inl.h): byte-lane counters over blocks of rows, every target; the
// SCALAR target (the plain WASM build) and the tail rows take scalar::tally_add.
#include <cstdint>
#include <vector>

namespace wasmetrics::kernels {

// When a flag of the probabilities pass is set, the counts (and the other flag) are incomplete:
// the pass stops early.
struct LabelTally {
  // per label; positions whose target equals `ignore` count in `ignored` only
  std::vector<std::uint64_t> pred_and_target;  // pred > thr and target == 1   (tp)
  std::vector<std::uint64_t> pred;             // pred > thr                    (tp + fp)
  std::vector<std::uint64_t> target;           // target == 1                   (tp + fn)
  std::vector<std::uint64_t> ignored;          // target == ignore
  // probs_greater: some pred may lie outside [0, 1] (NaN, +/-Inf, logits; also -0.0).
  bool preds_maybe_outside_unit = false;
  // logits_greater_equal: some pred is NaN or +/-Inf; some pred is outside [0, 1] (-0.0 is inside).
  bool preds_not_finite = false;
  bool preds_outside_unit = false;
  // Some target byte is not 0, 1 or `ignore`.
  bool target_unexpected = false;

  void reset(std::int64_t labels);  // zero counts of `labels` labels, flags clear
};

enum class TallyCompare : std::uint8_t { probs_greater, logits_greater_equal };

// thr: one value per label (thresholds, or logit cuts). ignore: a target byte value in [2, 255]
// whose positions count nowhere, or -1 for none. `out` is reset first.
void tally_labels(const float* preds, const std::uint8_t* target, std::int64_t rows, std::int64_t labels,
                  const float* thr, int ignore, TallyCompare cmp, LabelTally& out);

namespace scalar {
// The scalar twin: adds rows [0, rows) to `out` (sized for `labels` by reset), per element one
// increment of a per-label histogram of the code pred | target << 1 (| 4 when ignored).
void tally_add(const float* preds, const std::uint8_t* target, std::int64_t rows, std::int64_t labels, const float* thr,
               int ignore, TallyCompare cmp, LabelTally& out);
// reset + tally_add: what tally_labels gives, by the portable loop.
void tally_labels(const float* preds, const std::uint8_t* target, std::int64_t rows, std::int64_t labels,
                  const float* thr, int ignore, TallyCompare cmp, LabelTally& out);
}  // namespace scalar

}  // namespace wasmetrics::kernels
