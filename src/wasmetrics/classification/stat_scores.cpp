#include "wasmetrics/classification/stat_scores.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>
#include <xtensor/xreducer.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/classification/count_matrix.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/kernels/label_tally.hpp"

namespace wasmetrics::classification {

namespace {
constexpr const char* kNames[4] = {"tp", "fp", "tn", "fn"};
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

void declare_stat_states(StateLayout& states, StatLayout& layout) {
  for (int j = 0; j < 4; ++j) {
    if (layout.per_sample)
      layout.counts[j] = states.add<std::int64_t>(kNames[j], Reduction::cat, {0, layout.k});
    else
      layout.counts[j] = states.add<std::int64_t>(kNames[j], Reduction::sum, {layout.k});
  }
}

namespace {

// The multiclass passes count tp, fp and fn per class and the valid (kept) elements per row: tn
// is the rest. `Out`: Counts or WeightedCounts.
template <class Out, class V>
void fill_true_negatives(Out& out, const std::vector<V>& valid) {
  for (std::int64_t r = 0; r < out.rows; ++r)
    for (std::int64_t c = 0; c < out.k; ++c) {
      const std::int64_t i = r * out.k + c;
      out.c[2][i] = valid[static_cast<std::size_t>(r)] - out.c[0][i] - out.c[1][i] - out.c[3][i];
    }
}

// Writes a batch's counts: global -> added to the [k] sums; per sample -> appended as rows.
struct Counts {
  std::int64_t rows, k;
  std::vector<std::int64_t> c[4];  // tp, fp, tn, fn, each [rows, k]
  Counts(std::int64_t r, std::int64_t kk) : rows(r), k(kk) {
    for (auto& v : c) v.assign(static_cast<std::size_t>(r * kk), 0);
  }
  void store(State& s, const StatLayout& layout) const {
    for (int j = 0; j < 4; ++j) {
      const StateSlot<std::int64_t>& slot = layout.counts[j];
      if (layout.per_sample) {
        slot.append(s, std::span<const std::int64_t>(c[j]));
      } else {
        auto dst = slot.span(s);
        for (std::int64_t r = 0; r < rows; ++r)
          for (std::int64_t i = 0; i < k; ++i) dst[i] += c[j][r * k + i];
      }
    }
  }
};

}  // namespace

void count_stats(const LabelCodes& b, const StatLayout& layout, State& s) {
  const std::int64_t N = b.n, L = b.labels, X = b.extra;
  Counts out(layout.per_sample ? N : 1, L);
  const std::uint8_t* code = b.code.data();
  if (X == 1 && !layout.per_sample) {
    // [N, L] codes: one histogram of 5 codes per label over all rows, stored once.
    std::vector<std::int64_t> h(static_cast<std::size_t>(L) * 5, 0);
    for (std::int64_t n = 0; n < N; ++n, code += L)
      for (std::int64_t l = 0; l < L; ++l) ++h[l * 5 + code[l]];
    for (std::int64_t l = 0; l < L; ++l) {
      out.c[0][l] += h[l * 5 + 3];  // pred 1, target 1
      out.c[1][l] += h[l * 5 + 1];  // pred 1, target 0
      out.c[2][l] += h[l * 5 + 0];  // pred 0, target 0
      out.c[3][l] += h[l * 5 + 2];  // pred 0, target 1
    }
    out.store(s, layout);
    return;
  }
  for (std::int64_t n = 0; n < N; ++n) {
    const std::int64_t row = layout.per_sample ? n : 0;
    for (std::int64_t l = 0; l < L; ++l) {
      std::int64_t h[5] = {0, 0, 0, 0, 0};
      const std::uint8_t* cp = code + (n * L + l) * X;
      for (std::int64_t x = 0; x < X; ++x) ++h[cp[x]];
      const std::int64_t at = row * L + l;
      out.c[0][at] += h[3];  // pred 1, target 1
      out.c[1][at] += h[1];  // pred 1, target 0
      out.c[2][at] += h[0];  // pred 0, target 0
      out.c[3][at] += h[2];  // pred 0, target 1
    }
  }
  out.store(s, layout);
}

bool count_stats_fused(const InputFormat& f, const TensorView& preds, const TensorView& target,
                       const StatLayout& layout, State& s) {
  if (layout.per_sample || f.task == Task::multiclass) return false;
  if (preds.dtype != DType::float32 || target.dtype != DType::uint8) return false;
  if (f.kind == InputKind::labels) return false;
  if (preds.shape != target.shape) return false;
  std::int64_t L = 1;
  if (f.task == Task::multilabel) {
    if (preds.ndim() != 2 || preds.shape[1] != f.num_classes) return false;
    L = f.num_classes;
  } else if (preds.ndim() < 1) {
    return false;
  }
  const std::int64_t numel = preds.numel();
  if (numel == 0 || static_cast<std::int64_t>(f.thr_f32.size()) != L || layout.k != L) return false;
  int ignore = -1;  // an ignore_index no byte can equal changes nothing
  if (f.ignore_index) {
    const std::int64_t ii = *f.ignore_index;
    if (ii == 0 || ii == 1) return false;
    if (ii >= 2 && ii <= 255) ignore = static_cast<int>(ii);
  }
  const std::int64_t rows = numel / L;
  const float* p = preds.as<float>();
  const std::uint8_t* t = target.as<std::uint8_t>();
  kernels::LabelTally tally;
  bool counted = false;
  if (f.kind != InputKind::logits) {
    kernels::tally_labels(p, t, rows, L, f.thr_f32.data(), ignore, kernels::TallyCompare::probs_greater, tally);
    if (tally.target_unexpected) return false;  // to report (or to skip, validate_args=false): general path
    counted = !tally.preds_maybe_outside_unit;
    if (!counted && f.kind == InputKind::probs) return false;
  }
  if (!counted) {
    // input_kind='logits', or a pred outside [0, 1] (the logits rule): count again against the logit
    // cuts; NaN/Inf (to report) and a batch whose only "outlier" was -0.0 (probs) go the general way.
    kernels::tally_labels(p, t, rows, L, f.cut_f32.data(), ignore, kernels::TallyCompare::logits_greater_equal, tally);
    if (tally.target_unexpected || tally.preds_not_finite) return false;
    if (f.kind == InputKind::auto_detect && !tally.preds_outside_unit) return false;
  }
  auto tp = layout.counts[0].span(s), fp = layout.counts[1].span(s), tn = layout.counts[2].span(s),
       fn = layout.counts[3].span(s);
  for (std::int64_t l = 0; l < L; ++l) {
    const auto a = static_cast<std::int64_t>(tally.pred_and_target[l]), p = static_cast<std::int64_t>(tally.pred[l]),
               t = static_cast<std::int64_t>(tally.target[l]),
               kept = rows - static_cast<std::int64_t>(tally.ignored[l]);
    tp[l] += a;
    fp[l] += p - a;
    fn[l] += t - a;
    tn[l] += kept - t - p + a;
  }
  return true;
}

void count_stats(const ClassLabels& b, std::int64_t C, const StatLayout& layout, State& s) {
  const std::int64_t N = b.n, X = b.extra, K = b.k;
  const std::int64_t rows = layout.per_sample ? N : 1;
  Counts out(rows, C);
  std::vector<std::int64_t> valid(static_cast<std::size_t>(rows), 0);
  for (std::int64_t n = 0; n < N; ++n) {
    const std::int64_t row = layout.per_sample ? n : 0;
    std::int64_t* tp = out.c[0].data() + row * C;
    std::int64_t* fp = out.c[1].data() + row * C;
    std::int64_t* fn = out.c[3].data() + row * C;
    const std::int32_t* t = b.target.data() + n * X;
    std::int64_t v = 0;
    if (K == 1) {
      const std::int32_t* p = b.preds.data() + n * X;
      for (std::int64_t x = 0; x < X; ++x) {
        const std::int32_t tv = t[x];
        if (tv == ClassLabels::kIgnoredClass) continue;
        ++v;
        const std::int32_t pv = p[x];
        if (pv == tv) {
          ++tp[tv];
          continue;
        }
        if (tv >= 0) ++fn[tv];
        if (pv >= 0) ++fp[pv];
      }
    } else {
      const std::int32_t* p = b.preds.data() + n * X * K;
      for (std::int64_t x = 0; x < X; ++x) {
        const std::int32_t tv = t[x];
        if (tv == ClassLabels::kIgnoredClass) continue;
        ++v;
        bool hit = false;
        for (std::int64_t j = 0; j < K; ++j) {
          const std::int32_t c = p[x * K + j];
          if (c == tv) {
            ++tp[c];
            hit = true;
          } else {
            ++fp[c];
          }
        }
        if (!hit && tv >= 0) ++fn[tv];
      }
    }
    valid[static_cast<std::size_t>(row)] += v;
  }
  fill_true_negatives(out, valid);
  out.store(s, layout);
}

// ---- weighted counts ----

namespace {

// A batch's weighted counts: global -> added to the [k] float64 sums; per sample -> appended rows.
struct WeightedCounts {
  std::int64_t rows, k;
  std::vector<double> c[4];  // tp, fp, tn, fn, each [rows, k]
  WeightedCounts(std::int64_t r, std::int64_t kk) : rows(r), k(kk) {
    for (auto& v : c) v.assign(static_cast<std::size_t>(r * kk), 0.0);
  }
  void store(State& s, const StatLayout& layout) const {
    for (int j = 0; j < 4; ++j) {
      StateVar& var = layout.counts[j].var(s);  // float64 (promoted): not the slot's int64
      if (layout.per_sample) {
        var.append(std::span<const double>(c[j]));
      } else {
        auto dst = var.as<double>();
        for (std::int64_t i = 0; i < k; ++i) dst[i] += c[j][i];
      }
    }
  }
};

}  // namespace

void count_stats_weighted(const LabelCodes& b, std::span<const double> w, const StatLayout& layout, State& s) {
  const std::int64_t N = b.n, L = b.labels, X = b.extra;
  WeightedCounts out(layout.per_sample ? N : 1, L);
  constexpr int kSlot[4] = {2, 1, 3, 0};  // code (pred | target << 1) -> tn, fp, fn, tp
  for (std::int64_t n = 0; n < N; ++n) {
    const double wn = w[static_cast<std::size_t>(n)];
    const std::int64_t row = layout.per_sample ? n : 0;
    for (std::int64_t l = 0; l < L; ++l) {
      const std::uint8_t* cp = b.code.data() + (n * L + l) * X;
      for (std::int64_t x = 0; x < X; ++x)
        if (cp[x] != LabelCodes::kIgnored) out.c[kSlot[cp[x]]][row * L + l] += wn;
    }
  }
  out.store(s, layout);
}

void count_stats_weighted(const ClassLabels& b, std::int64_t C, std::span<const double> w, const StatLayout& layout,
                          State& s) {
  const std::int64_t N = b.n, X = b.extra, K = b.k;
  const std::int64_t rows = layout.per_sample ? N : 1;
  WeightedCounts out(rows, C);
  std::vector<double> valid(static_cast<std::size_t>(rows), 0.0);
  for (std::int64_t n = 0; n < N; ++n) {
    const double wn = w[static_cast<std::size_t>(n)];
    const std::int64_t row = layout.per_sample ? n : 0;
    double* tp = out.c[0].data() + row * C;
    double* fp = out.c[1].data() + row * C;
    double* fn = out.c[3].data() + row * C;
    const std::int32_t* t = b.target.data() + n * X;
    const std::int32_t* p = b.preds.data() + n * X * K;
    for (std::int64_t x = 0; x < X; ++x) {
      const std::int32_t tv = t[x];
      if (tv == ClassLabels::kIgnoredClass) continue;
      valid[static_cast<std::size_t>(row)] += wn;
      bool hit = false;
      for (std::int64_t j = 0; j < K; ++j) {
        const std::int32_t c = p[x * K + j];
        if (c == tv) {
          tp[c] += wn;
          hit = true;
        } else if (c >= 0) {
          fp[c] += wn;
        }
      }
      if (!hit && tv >= 0) fn[tv] += wn;
    }
  }
  fill_true_negatives(out, valid);
  out.store(s, layout);
}

// ---- reduction: the counts as float64 [rows, k] matrices, the scores as xtensor expressions ----

namespace {

struct StatMatrices {
  CountMatrix tp, fp, tn, fn;  // [rows, k]
};

// Elementwise num / den, `zd` where den == 0 (TorchMetrics' _safe_divide).
template <class N, class D>
CountMatrix divide_cells(const N& num, const D& den, double zd) {
  const CountMatrix d = den;
  return xt::where(xt::not_equal(d, 0.0), num / d, zd);
}

// The score of every (row, class) cell. `multiclass` selects TorchMetrics' multiclass accuracy/hamming
// (tp / (tp + fn)) over the binary/multilabel one ((tp + tn) / all).
CountMatrix score_of(const ReduceOptions& r, bool multiclass, const StatMatrices& c) {
  const double zd = r.zero_division;
  switch (r.score) {
    case Score::accuracy:
    case Score::hamming: {
      CountMatrix accuracy =
          multiclass ? divide_cells(c.tp, c.tp + c.fn, 0.0) : divide_cells(c.tp + c.tn, c.tp + c.tn + c.fp + c.fn, 0.0);
      if (r.score == Score::hamming) accuracy = 1.0 - accuracy;
      return accuracy;
    }
    case Score::precision:
      return divide_cells(c.tp, c.tp + c.fp, zd);
    case Score::recall:
      return divide_cells(c.tp, c.tp + c.fn, zd);
    case Score::f1:
    case Score::fbeta: {
      const double b2 = r.score == Score::f1 ? 1.0 : r.beta * r.beta;
      return divide_cells((1 + b2) * c.tp, (1 + b2) * c.tp + b2 * c.fn + c.fp, zd);
    }
    case Score::specificity:
      return divide_cells(c.tn, c.tn + c.fp, 0.0);
    case Score::npv:
      return divide_cells(c.tn, c.tn + c.fn, zd);
    case Score::stat_scores:
      break;
  }
  return xt::full_like(c.tp, kNaN);
}

// The counts summed over classes, one column per row ([rows, 1]): micro/binary/samples pool first.
StatMatrices pooled(const StatMatrices& c) {
  return {xt::sum(c.tp, {1}, xt::keep_dims), xt::sum(c.fp, {1}, xt::keep_dims), xt::sum(c.tn, {1}, xt::keep_dims),
          xt::sum(c.fn, {1}, xt::keep_dims)};
}

// Which scores TorchMetrics passes top_k to _adjust_weights_safe_divide for (C7).
bool uses_top_k(Score s) {
  return s == Score::accuracy || s == Score::precision || s == Score::recall || s == Score::npv;
}

// One value per row: micro/binary/samples score the pooled counts; macro/weighted average the
// per-class scores with TorchMetrics' _adjust_weights_safe_divide weights.
xt::xtensor<double, 1> reduce_rows(const ReduceOptions& r, const StatMatrices& c) {
  const bool mc = r.task == Task::multiclass;
  if (r.average == Average::binary || r.average == Average::micro || r.average == Average::samples)
    return xt::view(score_of(r, mc && r.average == Average::micro, pooled(c)), xt::all(), 0);
  const bool nan_zd = std::isnan(r.zero_division);
  const CountMatrix s = score_of(r, mc, c);
  CountMatrix w;
  if (r.average == Average::weighted) {
    w = c.tp + c.fn;
  } else if (mc) {  // a class absent from preds and target (top_k: from target) weighs 0
    const CountMatrix seen =
        (uses_top_k(r.score) ? r.top_k : 1) == 1 ? CountMatrix(c.tp + c.fp + c.fn) : CountMatrix(c.tp + c.fn);
    w = xt::where(xt::equal(seen, 0.0), 0.0, 1.0);
  } else {
    w = xt::ones_like(s);
  }
  if (nan_zd) w = xt::where(xt::isnan(s), 0.0, w);  // scikit-learn: a NaN score drops out of the average
  const xt::xtensor<double, 1> wsum = xt::sum(w, {1});
  // a zero weight leaves its class out (its score may be NaN)
  const xt::xtensor<double, 1> mean =
      xt::sum(xt::where(xt::not_equal(w, 0.0), w * s / xt::view(wsum, xt::all(), xt::newaxis()), 0.0), {1});
  return xt::where(xt::equal(wsum, 0.0), nan_zd ? kNaN : 0.0, mean);
}

// StatScores: [tp, fp, tn, fn, support] per row and class, reduced over classes by `average`.
Result stat_scores_result(const StatMatrices& c, const StatLayout& layout, const ReduceOptions& r) {
  const std::size_t R = c.tp.shape()[0], K = c.tp.shape()[1];
  const CountMatrix support = c.tp + c.fn;
  const xt::xtensor<double, 3> vals = xt::stack(xt::xtuple(c.tp, c.fp, c.tn, c.fn, support), 2);  // [R, K, 5]
  Tensor out;
  if (r.average == Average::samples) {
    // mean over samples of each sample's counts summed over labels (rows x labels pooled in order)
    xt::xtensor<double, 1> acc = xt::sum(xt::reshape_view(vals, {R * K, std::size_t{5}}), {0});
    if (R)
      acc /= static_cast<double>(R);
    else
      acc.fill(kNaN);
    out.data.assign(acc.begin(), acc.end());
    out.shape = {5};
    return Result::squeezed(std::move(out));
  }
  if (r.average == Average::none) {
    out.data.assign(vals.begin(), vals.end());
  } else {
    xt::xtensor<double, 2> acc;  // [R, 5]
    if (r.average == Average::weighted) {
      CountMatrix share;  // support / the row's support (multilabel samplewise: every row's, TorchMetrics' w.sum())
      if (r.task == Task::multilabel && layout.per_sample && r.samplewise)
        share = support / xt::sum(xt::flatten(support))();
      else
        share = support / CountMatrix(xt::sum(support, {1}, xt::keep_dims));  // evaluated, then broadcast
      acc = xt::sum(vals * xt::view(share, xt::all(), xt::all(), xt::newaxis()), {1});
    } else {
      acc = xt::sum(vals, {1});
      if (r.average == Average::macro) acc /= static_cast<double>(K);
    }
    out.data.assign(acc.begin(), acc.end());
  }
  if (r.samplewise) out.shape.push_back(static_cast<std::int64_t>(R));
  if (r.average == Average::none) out.shape.push_back(static_cast<std::int64_t>(K));
  out.shape.push_back(5);
  if (r.task == Task::binary) {  // binary stat scores are .squeeze()d
    Shape sq;
    for (auto d : out.shape)
      if (d != 1) sq.push_back(d);
    out.shape = sq;
  }
  return Result::squeezed(std::move(out));
}

}  // namespace

Result reduce_stats(const State& st, const StatLayout& layout, const ReduceOptions& r) {
  // int64 counts, or float64 sums of sample weights (weighted layout), as [rows, k] matrices
  const std::int64_t K = layout.k;
  const auto& n = layout.counts;
  const std::int64_t R = layout.per_sample ? n[0].var(st).shape[0] : 1;
  const StatMatrices c{count_matrix(n[0].var(st), R, K), count_matrix(n[1].var(st), R, K),
                       count_matrix(n[2].var(st), R, K), count_matrix(n[3].var(st), R, K)};
  if (r.score == Score::stat_scores) return stat_scores_result(c, layout, r);

  Tensor out;
  if (r.average == Average::none) {
    const CountMatrix s = score_of(r, r.task == Task::multiclass, c);
    out.data.assign(s.begin(), s.end());
  } else {
    const xt::xtensor<double, 1> v = reduce_rows(r, c);
    if (r.average == Average::samples) {
      // mean over samples; 'nan' zero_division drops undefined samples
      const bool nan_zd = std::isnan(r.zero_division);
      xt::xtensor<bool, 1> kept = xt::ones<bool>(v.shape());
      if (nan_zd) kept = !xt::isnan(v);
      const double n = xt::sum(xt::cast<double>(kept))();
      const double sum = xt::sum(xt::where(kept, v, 0.0))();
      return Result::scalar(n > 0 ? sum / n : (nan_zd ? kNaN : 0.0));
    }
    out.data.assign(v.begin(), v.end());
  }
  if (r.samplewise) out.shape.push_back(R);
  if (r.average == Average::none) out.shape.push_back(K);
  return Result::squeezed(std::move(out));
}

}  // namespace wasmetrics::classification
