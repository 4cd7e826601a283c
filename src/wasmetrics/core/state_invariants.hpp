#pragma once
// Cross-field invariants of metric states: totals that must agree between two or more states of one
// metric, declared once, here, by the state names the metric declares, and checked by one helper
// (check_state_invariants) on every loaded blob (core/state_blob.cpp decode_state): a checksum
// proves nothing against a forger, and a state whose totals disagree gives a wrong number, or an
// Error at every later compute() of whatever merged it.
//
// An invariant applies to a state that declares every state it names (the names are the metrics'
// own, unique to their family). Declared (state_invariants.cpp has the table):
//   BLEUScore            numerator <= denominator (clipped n-gram matches <= candidate n-grams)
//   CHRFScore            matching_ngrams <= preds_ngrams, matching_ngrams <= target_ngrams
//   MeanIoU              intersection <= union (per class)
//   PanopticQuality      iou_sum <= true_positives (each matched segment's IoU is at most 1)
//   CalibrationError     acc_sum <= count, conf_sum <= count (per bin: accuracy and confidence <= 1)
//   SQuAD                f1_score <= total, exact_match <= total (one score <= 1 per question)
//   IoU metrics          sum(pred_counts) = rows of pred_boxes, pred_labels; sum(target_counts) =
//                        rows of target_boxes, target_labels; pred_counts, target_counts, float32:
//                        one row per image
//   MeanAveragePrecision sum(det_counts) = rows of det_scores, det_labels; sum(gt_counts) = rows
//                        of gt_labels, gt_iscrowd; det_counts, gt_counts: one row per image
// Per-sample row states (preds, scores, target, indexes, sample_weight; per-sample tp/fp/tn/fn),
// counts and class targets are checked by state_blob.cpp itself. States with no cross-field
// invariant, and why, are listed in docs/GUARANTEES.md ("Forged state blobs").
#include <string>
#include <string_view>
#include <vector>

#include "wasmetrics/core/state.hpp"

namespace wasmetrics {

enum class InvariantKind {
  at_most,      // subject[i] <= bound[i], element-wise (same number of elements)
  sum_is_rows,  // the sum of the int64 counts `subject` = the rows (dim 0) of each other state
  same_rows,    // subject and every other state have as many rows
};

struct StateInvariant {
  InvariantKind kind;
  std::string_view subject;
  std::vector<std::string_view> others;  // at_most: the one bound
  std::string_view why;                  // said in the refusal
};

// The element of `v` at flat index `i` as a double, whatever its dtype (the blob checks read states
// of every dtype through this one function).
double state_element(const StateVar& v, std::size_t i);

// Every declared invariant.
const std::vector<StateInvariant>& state_invariants();
// Whether `s` declares every state `inv` names (so the invariant applies to it).
bool invariant_applies(const StateInvariant& inv, const State& s);
// Throws an Error naming the metric, the states and the totals when `s` breaks an invariant.
void check_state_invariants(const State& s, const std::string& metric);

}  // namespace wasmetrics
