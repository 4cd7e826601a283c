#pragma once
// One fused pass over a row-major [rows, labels] batch of float32 probabilities and uint8 0/1
// targets that counts, per label, what the stat scores need — no per-element code array, no
// separate validation passes. The input checks are folded into two flags read after the pass:
// a caller that sees either one set discards the tally and takes the general path
// (format_labels), which reports errors exactly and handles logits.
//
// A prediction is positive iff pred > thr[label] (probabilities) or pred >= cut[label] (logits, with
// InputFormat::cut_f32, the smallest logit whose sigmoid exceeds the threshold), in float32 as
// format_labels compares float32 preds.
#include <cstdint>
#include <vector>

namespace wasmetrics::classification {

// When a flag of the probabilities pass is set, the counts are incomplete (the pass stops early).
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
};

enum class TallyCompare : std::uint8_t { probs_greater, logits_greater_equal };

// thr: one value per label (thresholds, or logit cuts). ignore: a target byte value in [2, 255]
// whose positions count nowhere, or -1 for none.
// Uses WebAssembly SIMD when compiled with it, else tally_labels_scalar.
void tally_labels(const float* preds, const std::uint8_t* target, std::int64_t rows, std::int64_t labels,
                  const float* thr, int ignore, TallyCompare cmp, LabelTally& out);
// The portable loop (native and plain WASM builds, and the SIMD pass's tail rows).
void tally_labels_scalar(const float* preds, const std::uint8_t* target, std::int64_t rows, std::int64_t labels,
                         const float* thr, int ignore, TallyCompare cmp, LabelTally& out);

}  // namespace wasmetrics::classification
