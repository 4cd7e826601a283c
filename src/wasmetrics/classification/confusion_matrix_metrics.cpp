// The confusion-matrix family: ConfusionMatrix (normalize), JaccardIndex, MatthewsCorrCoef and
// CohenKappa (weights), Binary/Multiclass/Multilabel as TorchMetrics 1.5.2 has them.
//
// States:
//   binary / multilabel: the stat-score state (tp, fp, tn, fn per label, sums; stat_scores.hpp) —
//     a label's 2x2 matrix is [[tn, fp], [fn, tp]];
//   multiclass: confmat int64 [C, C] (rows: target, columns: prediction), Reduction::sum.
// Binary metrics of this family drop ignored entries before the logits test, multilabel ones
// test the whole tensor (C4).
#include <cmath>
#include <limits>
#include <type_traits>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>
#include <xtensor/xreducer.hpp>
#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/classification/count_matrix.hpp"
#include "wasmetrics/classification/input_format.hpp"
#include "wasmetrics/classification/stat_scores.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/sample_weight.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/kernels/confusion_scatter.hpp"

namespace wasmetrics {
namespace classification {

// confusion_matrix_examples.cpp: the examples of the metrics declared here, by name
std::vector<MetricExample> confusion_matrix_examples(const std::string& name);

namespace {

// Integer label maps (preds and target of one shape, W2-style segmentation) take one counting pass
// instead of the general path's widening to int32 class vectors. The batch is taken only when every
// target is a class or ignore_index and every pred a class, where the general path (format_classes)
// counts exactly the same; otherwise these return false and the general path validates and reports
// as before.
bool is_label_map_batch(const InputFormat& f, const TensorView& preds, const TensorView& target) {
  return preds.shape == target.shape && preds.ndim() >= 1 && preds.numel() > 0 && f.top_k == 1 &&
         (f.kind == InputKind::auto_detect || f.kind == InputKind::labels) &&
         // per-batch counts are uint32 (a wasm32 batch is far below 2^32 elements)
         static_cast<std::uint64_t>(preds.numel()) <= std::numeric_limits<std::uint32_t>::max();
}

// uint8: one scatter of every (target, pred) byte pair into a 256 x 256 table; the ignore mask is
// folded in when the table is read.
// Small batches (an annotation tool's per-object update) skip the table: zeroing and reading its
// 64 Ki cells would cost more than the pixels. Checked first, then counted, so a rejected batch
// leaves cm untouched.
constexpr std::size_t kDirectScatterMax = 4096;
bool bincount_uint8_pairs_direct(const InputFormat& f, const std::uint8_t* p, const std::uint8_t* t, std::size_t n,
                                 std::int64_t* cm) {
  const std::int64_t C = f.num_classes, ii = f.ignore_index.value_or(-1);
  for (std::size_t i = 0; i < n; ++i)
    if (p[i] >= C || (t[i] != ii && t[i] >= C)) return false;
  for (std::size_t i = 0; i < n; ++i)
    if (t[i] != ii) cm[t[i] * C + p[i]] += 1;
  return true;
}

bool bincount_uint8_label_maps(const InputFormat& f, const std::uint8_t* p, const std::uint8_t* t, std::size_t n,
                               std::int64_t* cm) {
  const std::int64_t C = f.num_classes;
  if (C > 256) return false;
  if (n <= kDirectScatterMax) return bincount_uint8_pairs_direct(f, p, t, n, cm);
  std::vector<std::uint32_t> table(kernels::kBytePairBins, 0);
  kernels::scatter_byte_pairs(p, t, n, table.data());
  const std::int64_t ii = f.ignore_index.value_or(-1);
  for (std::int64_t tv = 0; tv < 256; ++tv) {
    const std::uint32_t* row = table.data() + (tv << 8);
    const bool ignored = tv == ii, is_class = tv < C;
    for (std::int64_t pv = 0; pv < 256; ++pv) {
      if (row[pv] == 0) continue;
      if ((!ignored && !is_class) || pv >= C) return false;
    }
  }
  for (std::int64_t tv = 0; tv < C; ++tv) {
    if (tv == ii) continue;
    const std::uint32_t* row = table.data() + (tv << 8);
    for (std::int64_t pv = 0; pv < C; ++pv) cm[tv * C + pv] += row[pv];
  }
  return true;
}

// Wider integers (uint16 maps from 16-bit PNGs, int32 from JS, int64): each value maps to a slot
// — target: its class, C for ignore_index (checked first: an ignore_index below C is not a class),
// C + 1 for anything else; pred: its class or C — and the slot pair is scattered
// into a (C + 2) x (C + 1) table. Any count in the invalid row or column sends the batch to the
// general path. Up to 1024 classes (a 4 MiB table); more take the general path.
template <class T>
bool bincount_int_label_maps(const InputFormat& f, const T* p, const T* t, std::size_t n, std::int64_t* cm) {
  const std::int64_t C = f.num_classes;
  if (C > 1024) return false;
  const auto uC = static_cast<std::uint64_t>(C);
  const std::uint64_t cols = uC + 1;
  const bool has_ii = f.ignore_index.has_value();
  const std::int64_t ii = f.ignore_index.value_or(0);
  const auto target_slot = [&](std::int64_t tv) {
    return has_ii && tv == ii ? uC : static_cast<std::uint64_t>(tv) < uC ? static_cast<std::uint64_t>(tv) : uC + 1;
  };
  const auto pred_slot = [&](std::int64_t pv) {
    return static_cast<std::uint64_t>(pv) < uC ? static_cast<std::uint64_t>(pv) : uC;
  };
  std::vector<std::uint32_t> table((uC + 2) * cols, 0);
  if constexpr (sizeof(T) <= 2) {
    // 8/16-bit values: the slots come from two lookup tables over every value of the type (at most
    // 65536 entries, built once per batch), so the pass is two loads, an add and the increment.
    constexpr std::size_t kValues = std::size_t{1} << (8 * sizeof(T));
    using Unsigned = std::make_unsigned_t<T>;
    std::vector<std::uint32_t> row_of(kValues), col_of(kValues);
    for (std::size_t u = 0; u < kValues; ++u) {
      const auto v = static_cast<std::int64_t>(static_cast<T>(static_cast<Unsigned>(u)));
      row_of[u] = static_cast<std::uint32_t>(target_slot(v) * cols);
      col_of[u] = static_cast<std::uint32_t>(pred_slot(v));
    }
    for (std::size_t i = 0; i < n; ++i)
      ++table[row_of[static_cast<Unsigned>(t[i])] + col_of[static_cast<Unsigned>(p[i])]];
  } else {
    for (std::size_t i = 0; i < n; ++i)
      ++table[target_slot(static_cast<std::int64_t>(t[i])) * cols + pred_slot(static_cast<std::int64_t>(p[i]))];
  }
  for (std::uint64_t k = 0; k < cols; ++k)
    if (table[(uC + 1) * cols + k] != 0) return false;  // a target neither a class nor ignore_index
  for (std::uint64_t r = 0; r <= uC; ++r)
    if (table[r * cols + uC] != 0) return false;  // a pred that is not a class
  for (std::uint64_t r = 0; r < uC; ++r)
    for (std::uint64_t k = 0; k < uC; ++k) cm[r * uC + k] += table[r * cols + k];
  return true;
}

bool bincount_label_maps(const InputFormat& f, const TensorView& preds, const TensorView& target, std::int64_t* cm) {
  // floats (scores or float labels) and bool take the general path
  if (preds.dtype != target.dtype || is_floating(preds.dtype) || preds.dtype == DType::bool_ ||
      !is_label_map_batch(f, preds, target))
    return false;
  const auto n = static_cast<std::size_t>(preds.numel());
  return dispatch_dtype(preds.dtype, [&]<class T>(T) {
    const auto* p = static_cast<const T*>(preds.data);
    const auto* t = static_cast<const T*>(target.data);
    if constexpr (std::is_floating_point_v<T>)
      return false;
    else if constexpr (std::is_same_v<T, std::uint8_t>)
      return bincount_uint8_label_maps(f, p, t, n, cm);
    else
      return bincount_int_label_maps(f, p, t, n, cm);
  });
}

constexpr double kUndefinedScore = std::numeric_limits<double>::quiet_NaN();

enum class CmKind : std::uint8_t { confusion_matrix, jaccard, mcc, kappa };

// The family's matrices as [M, n, n]: multiclass one [C, C] (rows: target); binary one [2, 2];
// multilabel one [2, 2] per label, each [[tn, fp], [fn, tp]].
using Matrices = xt::xtensor<double, 3>;
using Square = xt::xtensor<double, 2>;

// TorchMetrics' _matthews_corrcoef_reduce on one square matrix (n x n, row = target).
double mcc_of(const Square& cm) {
  const std::size_t n = cm.shape()[0];
  if (n == 2) {
    const double tn = cm(0, 0), fp = cm(0, 1), fn = cm(1, 0), tp = cm(1, 1);
    if (tp + tn != 0 && fp + fn == 0) return 1.0;
    if (tp + tn == 0 && fp + fn != 0) return -1.0;
  }
  const xt::xtensor<double, 1> tk = xt::sum(cm, {1});  // per target class
  const xt::xtensor<double, 1> pk = xt::sum(cm, {0});  // per predicted class
  const double c = xt::sum(xt::diagonal(cm))(), s = xt::sum(tk)();
  const double tkpk = xt::sum(tk * pk)(), pk2 = xt::sum(pk * pk)(), tk2 = xt::sum(tk * tk)();
  const double num = c * s - tkpk;
  const double den = (s * s - pk2) * (s * s - tk2);
  if (den == 0 && n == 2) {
    // TorchMetrics' eps formula, in float32 as it computes it
    const float tn = static_cast<float>(cm(0, 0)), fp = static_cast<float>(cm(0, 1)), fn = static_cast<float>(cm(1, 0)),
                tp = static_cast<float>(cm(1, 1));
    float a = 0, b = 0;
    if (fn == 0 && tn == 0) {
      a = tp;
      b = fp;
    } else if (fp == 0 && tn == 0) {
      a = tp;
      b = fn;
    } else if (tp == 0 && fn == 0) {
      a = tn;
      b = fp;
    } else if (tp == 0 && fp == 0) {
      a = tn;
      b = fn;
    }
    const float eps = std::numeric_limits<float>::epsilon();
    const float fnum = std::sqrt(eps) * (a - b);
    const float fden = (tp + fp + eps) * (tp + fn + eps) * (tn + fp + eps) * (tn + fn + eps);
    return static_cast<double>(fnum / std::sqrt(fden));
  }
  if (den == 0) return 0.0;
  return num / std::sqrt(den);
}

// TorchMetrics' _cohen_kappa_reduce: 1 - Σ w·observed / Σ w·expected, expected = outer(row sums,
// column sums) / total. Full sums run over the flattened matrix (row-major order).
double kappa_of(const Square& cm, const std::string& weights) {
  const std::size_t n = cm.shape()[0];
  const xt::xtensor<double, 1> sum1 = xt::sum(cm, {1}), sum0 = xt::sum(cm, {0});
  const double total = xt::sum(xt::flatten(cm))();
  const Square expected = xt::view(sum1, xt::all(), xt::newaxis()) * xt::view(sum0, xt::newaxis(), xt::all()) / total;
  const auto index = xt::arange<double>(static_cast<double>(n));
  const Square d = xt::view(index, xt::all(), xt::newaxis()) - xt::view(index, xt::newaxis(), xt::all());
  Square w;
  if (weights == "linear")
    w = xt::abs(d);
  else if (weights == "quadratic")
    w = d * d;
  else
    w = xt::where(xt::equal(d, 0.0), 0.0, 1.0);
  const double a = xt::sum(xt::flatten(Square(w * cm)))(), b = xt::sum(xt::flatten(Square(w * expected)))();
  return 1 - a / b;
}

class ConfusionFamilyMetric final : public Metric {
 public:
  ConfusionFamilyMetric(Options o, Task task, CmKind kind) : Metric(std::move(o)), kind_(kind) {
    const Options& op = options();
    format_ =
        input_format_from_options(op, task, task == Task::binary ? LogitsTest::kept_entries : LogitsTest::whole_tensor);
    layout_.k = task == Task::binary ? 1 : format_.num_classes;
    layout_.per_sample = false;
    const Json& all = op.json();
    if (all.contains("normalize") && !op.is_null("normalize")) normalize_ = op.get_string("normalize");
    if (all.contains("weights") && !op.is_null("weights")) weights_ = op.get_string("weights");
    if (all.contains("average")) average_ = op.is_null("average") ? "none" : op.get_string("average");
    if (all.contains("zero_division")) {
      if (op.is_string("zero_division")) {
        zero_division_ = kUndefinedScore;
      } else {
        zero_division_ = op.get_number("zero_division");
        if (zero_division_ != 0 && zero_division_ != 1)
          fail(name(), ": Expected argument `zero_division` to be 0, 1 or 'nan', but got ", zero_division_, ".");
      }
    }
    if (format_.task == Task::multiclass)
      confmat_ = declare_state<std::int64_t>("confmat", Reduction::sum, {format_.num_classes, format_.num_classes});
    else
      declare_stat_states(state_layout(), layout_);
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    if (const TensorView* w = sample_weight_of(in)) {
      // weighted: the general formatting path, cells as float64 sums of the rows' weights
      promote_counts_to_float64(s);  // the weighted layout (core/weighted_state.hpp)
      if (format_.task != Task::multiclass) {
        LabelCodes b = format_labels(format_, in[0], in[1]);
        count_stats_weighted(b, read_sample_weight(name(), *w, b.n), layout_, s);
        return;
      }
      ClassLabels b = format_classes(format_, in[0], in[1]);
      const std::vector<double> wv = read_sample_weight(name(), *w, b.n);
      auto cm = confmat_.var(s).as<double>();  // promoted above: not the slot's int64
      const std::int64_t C = format_.num_classes;
      for (std::int64_t n = 0; n < b.n; ++n)
        for (std::int64_t x = 0; x < b.extra; ++x) {
          const std::int32_t t = b.target[n * b.extra + x], p = b.preds[n * b.extra + x];
          if (t < 0 || p < 0) continue;  // ignored (or invalid with validate_args=false)
          cm[static_cast<std::size_t>(t * C + p)] += wv[static_cast<std::size_t>(n)];
        }
      return;
    }
    if (format_.task != Task::multiclass) {
      count_stats(format_labels(format_, in[0], in[1]), layout_, s);
      return;
    }
    auto cm = confmat_.span(s);
    if (bincount_label_maps(format_, in[0], in[1], cm.data())) return;
    ClassLabels b = format_classes(format_, in[0], in[1]);
    const std::int64_t C = format_.num_classes;
    const std::size_t n = b.target.size();
    for (std::size_t i = 0; i < n; ++i) {
      const std::int32_t t = b.target[i], p = b.preds[i];
      if (t < 0 || p < 0) continue;  // ignored (or invalid with validate_args=false)
      ++cm[static_cast<std::size_t>(t * C + p)];
    }
  }

  Result compute_state(const State& s) const override {
    const Matrices mats = matrices(s);
    switch (kind_) {
      case CmKind::confusion_matrix:
        return confusion_matrix(mats);
      case CmKind::mcc:  // multilabel: the per-label 2x2 matrices summed first
        return Result::scalar(mcc_of(xt::sum(mats, {0})));
      case CmKind::kappa:
        return Result::scalar(kappa_of(xt::view(mats, 0, xt::all(), xt::all()), weights_));
      case CmKind::jaccard:
        return jaccard(mats);
    }
    return Result();
  }

 private:
  Matrices matrices(const State& s) const {
    if (format_.task == Task::multiclass) {  // int64 counts, or float64 weighted sums
      const std::int64_t C = format_.num_classes;
      return xt::view(count_matrix(confmat_.var(s), C, C), xt::newaxis(), xt::all(), xt::all());
    }
    const std::int64_t L = layout_.k;
    const auto& n = layout_.counts;  // tp, fp, tn, fn
    const CountMatrix cells =
        xt::concatenate(xt::xtuple(count_matrix(n[2].var(s), L, 1), count_matrix(n[1].var(s), L, 1),
                                   count_matrix(n[3].var(s), L, 1), count_matrix(n[0].var(s), L, 1)),
                        1);  // [L, 4]
    return xt::reshape_view(cells, {static_cast<std::size_t>(L), std::size_t{2}, std::size_t{2}});
  }

  Result confusion_matrix(const Matrices& mats) const {
    Matrices out = mats;
    if (normalize_ == "true" || normalize_ == "pred" || normalize_ == "all") {
      // the sums are evaluated before they broadcast (a lazy keep_dims reducer does not broadcast right)
      Matrices sums;
      if (normalize_ == "true")  // per target class
        sums = xt::sum(mats, {2}, xt::keep_dims);
      else if (normalize_ == "pred")  // per predicted class
        sums = xt::sum(mats, {1}, xt::keep_dims);
      else
        sums = xt::sum(mats, {1, 2}, xt::keep_dims);
      out = mats / sums;
      out = xt::where(xt::isnan(out), 0.0, out);  // C10: NaN -> 0
    }
    Tensor t;
    t.data.assign(out.begin(), out.end());
    const auto n = static_cast<std::int64_t>(mats.shape()[1]);
    if (format_.task == Task::multilabel)
      t.shape = {static_cast<std::int64_t>(mats.shape()[0]), 2, 2};
    else
      t.shape = {n, n};
    return Result(std::move(t));
  }

  Result jaccard(const Matrices& mats) const {
    const double zd = zero_division_;
    const bool nan_zd = std::isnan(zd);
    if (format_.task == Task::binary) {
      const double tp = mats(0, 1, 1), fp = mats(0, 0, 1), fn = mats(0, 1, 0);
      return Result::scalar(fp + fn + tp != 0 ? tp / (fp + fn + tp) : zd);
    }
    const bool ml = format_.task == Task::multilabel;
    // per class: num (tp), denom (tp + fp + fn), support, presence
    xt::xtensor<double, 1> num, den, support, seen;
    if (ml) {
      const auto tp = xt::view(mats, xt::all(), 1, 1), fp = xt::view(mats, xt::all(), 0, 1),
                 fn = xt::view(mats, xt::all(), 1, 0);
      num = tp;
      den = tp + fp + fn;
      support = tp + fn;
    } else {
      const auto m = xt::view(mats, 0, xt::all(), xt::all());
      const xt::xtensor<double, 1> row = xt::sum(m, {1}), col = xt::sum(m, {0});
      num = xt::diagonal(m);
      den = row + col - num;
      support = row;
      seen = row + col;
    }
    const auto K = static_cast<std::int64_t>(num.size());
    const bool ii_in = format_.ignore_index && *format_.ignore_index >= 0 && *format_.ignore_index < K;
    const std::int64_t ii = ii_in ? *format_.ignore_index : -1;
    if (average_ == "micro") {
      const double a = xt::sum(num)();
      double b = xt::sum(den)();
      if (ii_in) b -= den(static_cast<std::size_t>(ii));
      return Result::scalar(b != 0 ? a / b : zd);
    }
    const xt::xtensor<double, 1> score = xt::where(xt::not_equal(den, 0.0), num / den, zd);
    if (average_ == "none") return Result::squeezed(Tensor::vector({score.begin(), score.end()}));
    xt::xtensor<double, 1> w;
    if (average_ == "weighted") {
      w = support;
    } else {  // macro: ignore_index and (multiclass) classes never seen weigh 0
      w = xt::ones<double>({static_cast<std::size_t>(K)});
      if (!ml) w = xt::where(xt::equal(seen, 0.0), 0.0, w);
      if (ii_in) w(static_cast<std::size_t>(ii)) = 0.0;
    }
    if (nan_zd) w = xt::where(xt::isnan(score), 0.0, w);
    const double wsum = xt::sum(w)();
    // 'nan' zero_division: a zero weight leaves its class out; TorchMetrics: NaN when no weight at all
    const xt::xtensor<double, 1> terms =
        nan_zd ? xt::eval(xt::where(xt::equal(w, 0.0), 0.0, w * score / wsum)) : xt::eval(w * score / wsum);
    return Result::scalar(wsum == 0 ? kUndefinedScore : xt::sum(terms)());
  }

  CmKind kind_;
  InputFormat format_;
  StatLayout layout_;                // binary / multilabel: the stat-score counts
  StateSlot<std::int64_t> confmat_;  // multiclass: [C, C], rows target, columns prediction
  std::string normalize_ = "none";
  std::string weights_ = "none";
  std::string average_ = "binary";
  double zero_division_ = 0;
};

// ---- schemas ----

OptionSpec normalize_option() {
  return {.name = "normalize",
          .type = OptionType::string,
          .default_value = nullptr,
          .choices = {"true", "pred", "all", "none"},
          .nullable = true,
          .doc =
              "'true': rows sum to 1; 'pred': columns sum to 1; 'all': the matrix sums to 1; 'none'/null: counts "
              "(a row/column summing to 0 gives zeros)"};
}

OptionSpec weights_option() {
  return {.name = "weights",
          .type = OptionType::string,
          .default_value = nullptr,
          .choices = {"linear", "quadratic", "none"},
          .nullable = true,
          .doc = "disagreement weights: null/'none' (unweighted kappa), 'linear' |i-j|, 'quadratic' (i-j)^2"};
}

OptionSpec jaccard_average_option(Task task) {
  return {.name = "average",
          .type = OptionType::string,
          .default_value = "macro",
          .choices = {"micro", "macro", "weighted", "none"},
          .nullable = true,
          .doc = std::string("reduction over ") + (task == Task::multilabel ? "labels" : "classes") +
                 ": 'micro' (pooled intersection over pooled union), 'macro' (mean of per-class IoU" +
                 (task == Task::multiclass ? ", classes never seen and ignore_index dropped" : "") +
                 "), 'weighted' (by support), 'none'/null (one IoU per class)"};
}

OptionSpec jaccard_zero_division_option() {
  return {.name = "zero_division",
          .type = OptionType::number_or_string,
          .default_value = 0,
          .choices = {"nan"},
          .doc =
              "IoU of a class whose union is empty: 0, 1, or 'nan' (the class then drops out of macro/weighted "
              "averages)"};
}

WASMETRICS_COLD MetricSpec cm_spec(std::string name, Task task, CmKind kind, std::string doc) {
  auto examples = confusion_matrix_examples(name);
  std::vector<OptionSpec> opts;
  if (task == Task::multiclass) opts.push_back(num_classes_option());
  if (task == Task::multilabel) opts.push_back(num_labels_option());
  if (task != Task::multiclass) opts.push_back(threshold_option(task));
  if (kind == CmKind::jaccard && task != Task::binary) opts.push_back(jaccard_average_option(task));
  opts.push_back(ignore_index_option());
  if (kind == CmKind::confusion_matrix) opts.push_back(normalize_option());
  if (kind == CmKind::kappa) opts.push_back(weights_option());
  opts.push_back(validate_args_option());
  if (kind == CmKind::jaccard) opts.push_back(jaccard_zero_division_option());
  opts.push_back(input_kind_option(task));
  return {
      .name = std::move(name),
      .family = "classification",
      .doc = std::move(doc),
      .inputs = with_sample_weight(classification_inputs(task)),
      .options = std::move(opts),
      .make = [task, kind](const Options& o) { return std::make_unique<ConfusionFamilyMetric>(o, task, kind); },
      .examples = std::move(examples),
  };
}

}  // namespace
}  // namespace classification

using classification::CmKind;
using classification::Task;

#define WASMETRICS_CM_SPEC(id, Name, task, kind, doc) \
  WASMETRICS_COLD MetricSpec id##_spec() { return classification::cm_spec(Name, task, kind, doc); }

WASMETRICS_CM_SPEC(binary_confusion_matrix, "BinaryConfusionMatrix", Task::binary, CmKind::confusion_matrix,
                   "2x2 confusion matrix [[tn, fp], [fn, tp]] (rows: target).")
WASMETRICS_CM_SPEC(multiclass_confusion_matrix, "MulticlassConfusionMatrix", Task::multiclass, CmKind::confusion_matrix,
                   "C x C confusion matrix (rows: target, columns: prediction).")
WASMETRICS_CM_SPEC(multilabel_confusion_matrix, "MultilabelConfusionMatrix", Task::multilabel, CmKind::confusion_matrix,
                   "One 2x2 confusion matrix [[tn, fp], [fn, tp]] per label.")
WASMETRICS_CM_SPEC(binary_jaccard_index, "BinaryJaccardIndex", Task::binary, CmKind::jaccard,
                   "Jaccard index (IoU) tp/(tp+fp+fn) of binary predictions.")
WASMETRICS_CM_SPEC(multiclass_jaccard_index, "MulticlassJaccardIndex", Task::multiclass, CmKind::jaccard,
                   "Jaccard index (IoU) per class from the confusion matrix, averaged.")
WASMETRICS_CM_SPEC(multilabel_jaccard_index, "MultilabelJaccardIndex", Task::multilabel, CmKind::jaccard,
                   "Jaccard index (IoU) per label, averaged.")
WASMETRICS_CM_SPEC(binary_matthews_corr_coef, "BinaryMatthewsCorrCoef", Task::binary, CmKind::mcc,
                   "Matthews correlation coefficient of binary predictions.")
WASMETRICS_CM_SPEC(multiclass_matthews_corr_coef, "MulticlassMatthewsCorrCoef", Task::multiclass, CmKind::mcc,
                   "Matthews correlation coefficient of multiclass predictions.")
WASMETRICS_CM_SPEC(multilabel_matthews_corr_coef, "MultilabelMatthewsCorrCoef", Task::multilabel, CmKind::mcc,
                   "Matthews correlation coefficient of the summed per-label 2x2 matrices.")
WASMETRICS_CM_SPEC(binary_cohen_kappa, "BinaryCohenKappa", Task::binary, CmKind::kappa,
                   "Cohen's kappa of binary predictions (optionally weighted).")
WASMETRICS_CM_SPEC(multiclass_cohen_kappa, "MulticlassCohenKappa", Task::multiclass, CmKind::kappa,
                   "Cohen's kappa of multiclass predictions (optionally linear/quadratic weighted).")

#undef WASMETRICS_CM_SPEC

}  // namespace wasmetrics
