#pragma once
// The stat-score state shared by Accuracy, Precision, Recall, F1/FBeta, Specificity,
// NegativePredictiveValue, HammingDistance and StatScores (Binary*, Multiclass*, Multilabel*):
//
//   tp, fp, tn, fn   int64 (float64 sums of sample weights once weighted), one count per class (multiclass), label
//   (multilabel) or 1 (binary)
//     global (multidim_average='global', average != 'samples'): shape [K], Reduction::sum
//     per sample (multidim_average='samplewise', or multilabel average='samples'):
//                    shape [n, K], Reduction::cat (one row per sample, over all batches)
//
// The layout depends only on the input format (StatLayout::key()), never on `average` or on
// which score is computed, so every metric of the family with the same format can share one
// update. Ignored positions (target == ignore_index) count nowhere.
#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "wasmetrics/classification/input_format.hpp"
#include "wasmetrics/core/result.hpp"
#include "wasmetrics/core/state.hpp"

namespace wasmetrics::classification {

struct StatLayout {
  std::int64_t k = 1;       // classes / labels / 1
  bool per_sample = false;  // cat rows [n, k] instead of sums [k]
  // tp, fp, tn, fn, in that order: set by declare_stat_states. int64 counts, float64 sums once a
  // weighted batch widened them, so the weighted paths and reduce_stats read them through var().
  std::array<StateSlot<std::int64_t>, 4> counts;
};

// Declares tp, fp, tn, fn (in that order, shaped by `layout`) into the metric's `states` and keeps
// their slots in `layout.counts`; every function below reads the state through them.
void declare_stat_states(StateLayout& states, StatLayout& layout);
// Weighted layout (core/weighted_state.hpp): the same states as float64 sums of sample weights.
// count_stats_weighted folds a batch whose row n (of b.n) weighs w[n] into such states.
void count_stats_weighted(const LabelCodes& b, std::span<const double> w, const StatLayout& layout, State& s);
void count_stats_weighted(const ClassLabels& b, std::int64_t num_classes, std::span<const double> w,
                          const StatLayout& layout, State& s);
// Folds one formatted batch into fresh stat states.
void count_stats(const LabelCodes& b, const StatLayout& layout, State& s);
void count_stats(const ClassLabels& b, std::int64_t num_classes, const StatLayout& layout, State& s);
// Binary / multilabel fast path: one fused pass (label_tally.hpp) over float32 preds and uint8
// targets, [N] or [N, L], global layout; a second pass against the logit cuts when the batch turns
// out to hold logits. Returns false, with `s` untouched, whenever the batch is not one it provably
// counts exactly as format_labels + count_stats would (other dtypes or shapes, ignore_index 0/1,
// label preds, NaN/Inf, unexpected targets): the caller then takes that path.
bool count_stats_fused(const InputFormat& f, const TensorView& preds, const TensorView& target,
                       const StatLayout& layout, State& s);

enum class Score : std::uint8_t { stat_scores, accuracy, precision, recall, f1, fbeta, specificity, npv, hamming };
enum class Average : std::uint8_t { binary, micro, macro, weighted, none, samples };

struct ReduceOptions {
  Task task = Task::binary;
  Score score = Score::accuracy;
  Average average = Average::binary;
  bool samplewise = false;  // multidim_average='samplewise'
  double beta = 1.0;
  double zero_division = 0.0;  // NaN: scikit-learn's np.nan (drops out of averages)
  std::int64_t top_k = 1;
};

Result reduce_stats(const State& s, const StatLayout& layout, const ReduceOptions& r);

}  // namespace wasmetrics::classification
