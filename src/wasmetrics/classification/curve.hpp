#pragma once
// The one curve state shared by every ROC / precision-recall based metric (ROC,
// PrecisionRecallCurve, AUROC, AveragePrecision and the four *At* metrics), and the one compute of
// the per-class curve points from it.
//
// States (K = classes of the state: 1 for binary and multiclass average='micro' binned, C or L else):
//   exact (thresholds=None): cat states of the scores after sigmoid/softmax, as TorchMetrics keeps
//     preds/target lists:
//       binary      scores float32 [N],    target uint8 [N]           5 bytes per kept sample
//       multiclass  scores float32 [N, C], target int32 [N]           4·C + 4 bytes per kept sample
//       multilabel  scores float32 [N, L], target uint8 [N, L]        5·L bytes per sample
//                   (2 marks an ignored entry, dropped per label at compute as TorchMetrics does)
//   weighted (core/weighted_state.hpp; after an update with sample_weight): exact states also keep
//     sample_weight float32 [N] beside the rows (4 more bytes per row); binned hists hold float64
//     sums of weights.
//   binned (thresholds = int n or a list of T values): hist int64 [K, T+1, 2], Reduction::sum:
//     hist[k][b][t] counts the entries of class k with target bit t whose score is >= exactly b of
//     the (sorted) thresholds; 16·(T+1)·K bytes. One pass per batch (binary search / direct index per
//     score); the per-threshold counts of TorchMetrics' confmat [T, K, 2, 2] are suffix sums of it.
// Precision of the exact state's scores: float32 for float32 (and integer) preds; float64 for
// float64 preds (core/weighted_state.hpp, kKeptScoresState), as TorchMetrics keeps the input's dtype:
// float64 scores closer than float32's resolution stay distinct thresholds (binary 9 bytes per kept
// sample, multiclass 8·C+4, multilabel 9·L). Once a float64 batch is folded in (update, merge or a
// loaded blob) the whole state is float64: the float32 scores are promoted exactly, as torch.cat
// promotes. Curve values (fpr, tpr, precision, recall, areas) are float32 either way, as in
// TorchMetrics; thresholds are the kept scores, so float64 ones for a float64 state.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wasmetrics/classification/input_format.hpp"
#include "wasmetrics/core/options.hpp"
#include "wasmetrics/core/result.hpp"
#include "wasmetrics/core/state.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::classification {

// The curve states' slots (declare_curve_states), in declaration order: binned `hist`, or exact
// `scores` and `target`. Only the declared ones are set. `hist` and `scores` may be widened after
// declaration (float64 weighted sums; float64 kept scores: core/weighted_state.hpp), so they are
// read through var() by dtype, never span().
struct CurveStates {
  StateSlot<std::int64_t> hist;        // binned: [K, T+1, 2]
  StateSlot<float> scores;             // exact: [N] or [N, K]
  StateSlot<std::uint8_t> target_u8;   // exact binary [N] / multilabel [N, L] (kIgnoredTarget: ignored)
  StateSlot<std::int32_t> target_i32;  // exact multiclass [N]
  // The weighted exact state's per-row weights follow the declared states (the engine keeps
  // `sample_weight` last: weighted_state.hpp): their index in a State that has them.
  std::size_t row_weights_at = 0;
};

struct CurveFormat {
  std::string metric;
  Task task = Task::binary;
  std::int64_t classes = 1;  // C (multiclass), L (multilabel), 1 (binary)
  bool binned = false;
  std::vector<float> thresholds;  // binned: float32, in the given order
  std::optional<std::int64_t> ignore_index;
  bool validate = true;
  InputKind kind = InputKind::auto_detect;  // auto | probs | logits
  bool micro = false;                       // multiclass average='micro': one binary problem
  bool int_preds_ok = false;                // BinaryAUROC never validates tensors: integer preds pass
  std::int64_t max_state_bytes = 0;         // exact state budget (option max_state_bytes); 0: none
  CurveStates states;                       // set by declare_curve_states

  // derived
  std::vector<float> sorted_thr;  // ascending
  std::vector<std::int32_t> sorted_to_given;
  bool linspace = false;  // thresholds are linspace(0, 1, T): direct index
  void prepare();
  std::int64_t state_classes() const { return binned && micro ? 1 : classes; }
};

// Options shared by the curve metrics.
OptionSpec thresholds_option();
// The exact state's budget: refused with an Error suggesting `thresholds` before the heap runs out.
OptionSpec max_state_bytes_option();
// Throws (naming the budget and suggesting `thresholds`) when folding `batch` into `into` would take
// the exact state over f.max_state_bytes; nothing is changed then.
void curve_check_budget(const CurveFormat& f, const State& into, const State& batch);
OptionSpec curve_input_kind_option(Task task);
// thresholds, ignore_index, validate_args, input_kind, num_classes/num_labels.
CurveFormat curve_format_from_options(const Options& o, Task task);

// Declares the curve states of `f` (once its options are final: micro shapes the hist) into the
// metric's `layout` and keeps their slots in f.states. They must be the metric's last states.
void declare_curve_states(StateLayout& layout, CurveFormat& f);
// Whether `s` is in the weighted exact layout (per-row sample weights beside the kept rows).
bool has_row_weights(const CurveFormat& f, const State& s);
// Validates one batch (shapes, V4, V2, V3, V1, float preds) and folds it into `s` (a fresh state).
// With `sample_weight` ([N], one per row of preds) `s` is turned into the weighted layout.
void curve_update(const CurveFormat& f, State& s, const TensorView& preds, const TensorView& target,
                  const TensorView* sample_weight = nullptr);

// One class's curve data: exact (distinct thresholds descending with cumulative counts, as
// TorchMetrics' _binary_clf_curve) or binned (counts per threshold, in the given order).
struct ClassCurve {
  bool binned = false;
  bool f64 = false;             // exact: the scores (thr) came from a float64 state
  std::vector<float> fps, tps;  // exact
  std::vector<double> thr;      // exact: the distinct scores (float32 values unless f64)
  std::vector<double> tp, fp;   // binned, per given threshold
  double pos = 0, neg = 0;      // binned totals
  bool recall_ones = false;     // exact PRC: TorchMetrics' "no positive target" rule
};

enum class CurveSel { per_class, micro };
// The curve of class k (per_class) or of the pooled problem (micro: multiclass one-hot flattened,
// multilabel all labels flattened; binary: the only one). Throws when an exact state is empty.
ClassCurve class_curve(const CurveFormat& f, const State& s, std::int64_t k, CurveSel sel);

// Curve points as TorchMetrics returns them (float32 values).
struct Curve3 {
  std::vector<float> a, b;  // PRC: precision, recall; ROC: fpr, tpr
  std::vector<double> thr;  // thresholds (float32 values unless the state is float64)
};
Curve3 prc_points(const ClassCurve& c, const std::vector<float>& given_thr);
Curve3 roc_points(const ClassCurve& c, const std::vector<float>& given_thr);

// torch.trapz(y, x) in float32.
float trapz_f32(const std::vector<float>& y, const std::vector<float>& x);
// -sum((recall[1:] - recall[:-1]) * precision[:-1]) in float32.
float average_precision_f32(const std::vector<float>& precision, const std::vector<float>& recall);
// AUROC (trapz_f32 over roc_points) or average precision (average_precision_f32 over prc_points) of
// the exact curve class_curve(f, s, k, sel) would give, summed in the same order while sweeping the
// sorted keys: bit-identical, without the curve's 12 bytes per distinct score. `positives` is the
// curve's last tps (the 'weighted' average's weight).
struct ExactArea {
  float value;
  double positives;
};
ExactArea exact_area_f32(const CurveFormat& f, const State& s, std::int64_t k, CurveSel sel, bool average_precision);
// BinaryAUROC with max_fpr (McClish correction) from ROC points.
float binary_auroc_f32(const Curve3& roc, std::optional<double> max_fpr);
// _reduce_auroc / _reduce_average_precision: 'macro', 'weighted', 'none'.
Result reduce_scores(const std::vector<float>& res, const std::string& average, const std::vector<double>& weights);
// utilities.compute.interp in float32.
std::vector<float> interp_f32(const std::vector<float>& x, const std::vector<float>& xp, const std::vector<float>& fp);

Result tensor_f32(const std::vector<float>& v);   // squeezed 1-D
Result tensor_f64(const std::vector<double>& v);  // squeezed 1-D
Result matrix_f32(const std::vector<float>& v, std::int64_t rows, std::int64_t cols);

}  // namespace wasmetrics::classification
