#include "wasmetrics/core/state_invariants.hpp"

#include <algorithm>
#include <cmath>

#include "wasmetrics/core/error.hpp"

namespace wasmetrics {

double state_element(const StateVar& v, std::size_t i) {
  double x = 0;
  dispatch_dtype(v.dtype, [&](auto tag) {
    using T = decltype(tag);
    x = static_cast<double>(v.template as<T>()[i]);
  });
  return x;
}

const std::vector<StateInvariant>& state_invariants() {
  using K = InvariantKind;
  static const std::vector<StateInvariant> table = {
      {K::at_most, "numerator", {"denominator"}, "clipped n-gram matches never exceed the candidate's n-grams"},
      {K::at_most, "matching_ngrams", {"preds_ngrams"}, "matching n-grams never exceed the prediction's"},
      {K::at_most, "matching_ngrams", {"target_ngrams"}, "matching n-grams never exceed the reference's"},
      {K::at_most, "intersection", {"union"}, "an intersection is part of its union"},
      {K::at_most, "iou_sum", {"true_positives"}, "each matched segment adds an IoU of at most 1"},
      {K::at_most, "acc_sum", {"count"}, "each sample adds an accuracy of at most 1 to its bin"},
      {K::at_most, "conf_sum", {"count"}, "each sample adds a confidence of at most 1 to its bin"},
      {K::at_most, "f1_score", {"total"}, "each question adds an F1 of at most 1"},
      {K::at_most, "exact_match", {"total"}, "each question adds an exact match of at most 1"},
      {K::sum_is_rows, "pred_counts", {"pred_boxes", "pred_labels"}, "one box and label per counted prediction"},
      {K::sum_is_rows, "target_counts", {"target_boxes", "target_labels"}, "one box and label per counted target"},
      {K::same_rows, "pred_counts", {"target_counts", "float32"}, "one row per image"},
      // (iou_type='segm' keeps masks instead of boxes: the box states may be empty)
      {K::sum_is_rows, "det_counts", {"det_scores", "det_labels"}, "one score and label per counted detection"},
      {K::sum_is_rows, "gt_counts", {"gt_labels", "gt_iscrowd"}, "one label and crowd flag per counted ground truth"},
      {K::same_rows, "det_counts", {"gt_counts"}, "one row per image"},
  };
  return table;
}

bool invariant_applies(const StateInvariant& inv, const State& s) {
  if (!s.find(inv.subject)) return false;
  for (auto other : inv.others)
    if (!s.find(other)) return false;
  return true;
}

namespace {

std::int64_t invariant_rows(const StateVar& v) { return v.shape.empty() ? 1 : v.shape[0]; }

}  // namespace

void check_state_invariants(const State& s, const std::string& metric) {
  for (const StateInvariant& inv : state_invariants()) {
    if (!invariant_applies(inv, s)) continue;
    const StateVar& a = s[inv.subject];
    auto refuse = [&](auto&&... what) {
      fail("state blob of ", metric, ": state '", a.name, "' ", what..., " (", inv.why,
           "; no metric could have saved it)");
    };
    switch (inv.kind) {
      case InvariantKind::at_most: {
        const StateVar& b = s[inv.others[0]];
        if (a.numel() != b.numel()) refuse("has ", a.numel(), " elements but '", b.name, "' has ", b.numel());
        for (std::size_t i = 0; i < static_cast<std::size_t>(a.numel()); ++i) {
          const double x = state_element(a, i), y = state_element(b, i);
          // float sums may round a bound that is reached exactly (IoUs of a partition summing to 1)
          // one ulp over: a relative slack of 1e-9, far below any forged excess of a whole unit
          if (!(x <= y + 1e-9 * std::max(1.0, std::fabs(y))))
            refuse("element ", i, " is ", x, ", more than '", b.name, "' element ", i, " = ", y);
        }
        break;
      }
      case InvariantKind::sum_is_rows: {
        if (a.dtype != DType::int64) refuse("is not a count state");
        long double total = 0;  // counts are checked non-negative before; no overflow in long double
        for (auto c : a.as<std::int64_t>()) total += static_cast<long double>(c);
        for (auto other : inv.others) {
          const StateVar& b = s[other];
          if (total != static_cast<long double>(invariant_rows(b)))
            refuse("counts ", static_cast<double>(total), " in all, but '", b.name, "' has ", invariant_rows(b),
                   " rows");
        }
        break;
      }
      case InvariantKind::same_rows:
        for (auto other : inv.others) {
          const StateVar& b = s[other];
          if (invariant_rows(a) != invariant_rows(b))
            refuse("has ", invariant_rows(a), " rows but '", b.name, "' has ", invariant_rows(b));
        }
        break;
    }
  }
}

}  // namespace wasmetrics
