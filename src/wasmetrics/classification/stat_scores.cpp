#include "wasmetrics/classification/stat_scores.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/kernels/label_tally.hpp"

namespace wasmetrics::classification {

namespace {
constexpr const char* kNames[4] = {"tp", "fp", "tn", "fn"};
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

void add_stat_states(State& s, const StatLayout& layout) {
  for (const char* name : kNames) {
    if (layout.per_sample)
      s.add(name, Reduction::cat, DType::int64, {0, layout.k});
    else
      s.add(name, Reduction::sum, DType::int64, {layout.k});
  }
}

namespace {

// Writes a batch's counts: global -> added to the [k] sums; per sample -> appended as rows.
struct Counts {
  std::int64_t rows, k;
  std::vector<std::int64_t> c[4];  // tp, fp, tn, fn, each [rows, k]
  Counts(std::int64_t r, std::int64_t kk) : rows(r), k(kk) {
    for (auto& v : c) v.assign(static_cast<std::size_t>(r * kk), 0);
  }
  void store(State& s, bool per_sample) const {
    for (int j = 0; j < 4; ++j) {
      StateVar& var = s[kNames[j]];
      if (per_sample) {
        var.append(std::span<const std::int64_t>(c[j]));
      } else {
        auto dst = var.as<std::int64_t>();
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
    out.store(s, layout.per_sample);
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
  out.store(s, layout.per_sample);
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
  auto tp = s["tp"].as<std::int64_t>(), fp = s["fp"].as<std::int64_t>(), tn = s["tn"].as<std::int64_t>(),
       fn = s["fn"].as<std::int64_t>();
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
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < C; ++c) {
      const std::int64_t i = r * C + c;
      out.c[2][i] = valid[static_cast<std::size_t>(r)] - out.c[0][i] - out.c[1][i] - out.c[3][i];
    }
  out.store(s, layout.per_sample);
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
  void store(State& s, bool per_sample) const {
    for (int j = 0; j < 4; ++j) {
      StateVar& var = s[kNames[j]];
      if (per_sample) {
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
  out.store(s, layout.per_sample);
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
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < C; ++c) {
      const std::int64_t i = r * C + c;
      out.c[2][i] = valid[static_cast<std::size_t>(r)] - out.c[0][i] - out.c[1][i] - out.c[3][i];
    }
  out.store(s, layout.per_sample);
}

// ---- reduction ----

namespace {

double safe_div(double num, double den, double zd) { return den != 0 ? num / den : zd; }

// The score of one set of counts. `multiclass` selects TorchMetrics' multiclass accuracy/hamming
// (tp / (tp + fn)) over the binary/multilabel one ((tp + tn) / all).
double score_of(const ReduceOptions& r, bool multiclass, double tp, double fp, double tn, double fn) {
  const double zd = r.zero_division;
  switch (r.score) {
    case Score::accuracy:
      return multiclass ? safe_div(tp, tp + fn, 0) : safe_div(tp + tn, tp + tn + fp + fn, 0);
    case Score::hamming:
      return 1 - (multiclass ? safe_div(tp, tp + fn, 0) : safe_div(tp + tn, tp + tn + fp + fn, 0));
    case Score::precision:
      return safe_div(tp, tp + fp, zd);
    case Score::recall:
      return safe_div(tp, tp + fn, zd);
    case Score::f1:
    case Score::fbeta: {
      const double b2 = r.score == Score::f1 ? 1.0 : r.beta * r.beta;
      return safe_div((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp, zd);
    }
    case Score::specificity:
      return safe_div(tn, tn + fp, 0);
    case Score::npv:
      return safe_div(tn, tn + fn, zd);
    case Score::stat_scores:
      break;
  }
  return kNaN;
}

// Which scores TorchMetrics passes top_k to _adjust_weights_safe_divide for (C7).
bool uses_top_k(Score s) {
  return s == Score::accuracy || s == Score::precision || s == Score::recall || s == Score::npv;
}

struct RowView {
  const double* tp;
  const double* fp;
  const double* tn;
  const double* fn;
};

// Reduces one row (k classes) to a scalar by micro/macro/weighted/binary.
double reduce_row(const ReduceOptions& r, const RowView& v, std::int64_t k) {
  const bool mc = r.task == Task::multiclass;
  if (r.average == Average::binary || r.average == Average::micro || r.average == Average::samples) {
    double tp = 0, fp = 0, tn = 0, fn = 0;
    for (std::int64_t c = 0; c < k; ++c) {
      tp += v.tp[c];
      fp += v.fp[c];
      tn += v.tn[c];
      fn += v.fn[c];
    }
    return score_of(r, mc && r.average == Average::micro, tp, fp, tn, fn);
  }
  // macro / weighted (_adjust_weights_safe_divide)
  const bool nan_zd = std::isnan(r.zero_division);
  const std::int64_t top_k = uses_top_k(r.score) ? r.top_k : 1;
  std::vector<double> w(static_cast<std::size_t>(k)), s(static_cast<std::size_t>(k));
  double wsum = 0;
  for (std::int64_t c = 0; c < k; ++c) {
    const double tp = static_cast<double>(v.tp[c]), fp = static_cast<double>(v.fp[c]),
                 tn = static_cast<double>(v.tn[c]), fn = static_cast<double>(v.fn[c]);
    s[c] = score_of(r, mc, tp, fp, tn, fn);
    double wc;
    if (r.average == Average::weighted)
      wc = tp + fn;
    else if (mc && (top_k == 1 ? tp + fp + fn == 0 : tp + fn == 0))
      wc = 0;
    else
      wc = 1;
    if (nan_zd && std::isnan(s[c])) wc = 0;  // scikit-learn: a NaN score drops out of the average
    w[c] = wc;
    wsum += wc;
  }
  if (wsum == 0) return nan_zd ? kNaN : 0.0;
  double out = 0;
  for (std::int64_t c = 0; c < k; ++c)
    if (w[c] != 0) out += w[c] * s[c] / wsum;
  return out;
}

}  // namespace

Result reduce_stats(const State& st, const StatLayout& layout, const ReduceOptions& r) {
  // int64 counts, or float64 sums of sample weights (weighted layout), read as doubles
  const std::vector<double> tp = counts_of(st["tp"]), fp = counts_of(st["fp"]), tn = counts_of(st["tn"]),
                            fn = counts_of(st["fn"]);
  const std::int64_t K = layout.k;
  const std::int64_t R = layout.per_sample ? st["tp"].shape[0] : 1;
  auto row = [&](std::int64_t i) {
    return RowView{tp.data() + i * K, fp.data() + i * K, tn.data() + i * K, fn.data() + i * K};
  };
  const bool nan_zd = std::isnan(r.zero_division);

  if (r.score == Score::stat_scores) {
    // [tp, fp, tn, fn, support] per row, reduced over classes by `average`
    auto vals = [&](std::int64_t i, std::int64_t c, int j) -> double {
      const std::int64_t at = i * K + c;
      switch (j) {
        case 0:
          return tp[at];
        case 1:
          return fp[at];
        case 2:
          return tn[at];
        case 3:
          return fn[at];
        default:
          return tp[at] + fn[at];
      }
    };
    Tensor out;
    auto reduce_one = [&](std::int64_t i, std::vector<double>& dst) {
      if (r.average == Average::none) {
        for (std::int64_t c = 0; c < K; ++c)
          for (int j = 0; j < 5; ++j) dst.push_back(vals(i, c, j));
        return;
      }
      double acc[5] = {0, 0, 0, 0, 0};
      if (r.average == Average::weighted) {
        double W = 0;
        if (r.task == Task::multilabel && layout.per_sample && r.samplewise) {
          for (std::int64_t q = 0; q < R * K; ++q) W += tp[q] + fn[q];  // TorchMetrics: w.sum()
        } else {
          for (std::int64_t c = 0; c < K; ++c) W += vals(i, c, 4);
        }
        for (std::int64_t c = 0; c < K; ++c) {
          const double f = vals(i, c, 4) / W;
          for (int j = 0; j < 5; ++j) acc[j] += vals(i, c, j) * f;
        }
      } else {
        for (std::int64_t c = 0; c < K; ++c)
          for (int j = 0; j < 5; ++j) acc[j] += vals(i, c, j);
        if (r.average == Average::macro)
          for (double& a : acc) a /= static_cast<double>(K);
      }
      dst.insert(dst.end(), acc, acc + 5);
    };
    if (r.average == Average::samples) {
      // mean over samples of each sample's counts summed over labels
      double acc[5] = {0, 0, 0, 0, 0};
      for (std::int64_t i = 0; i < R; ++i) {
        for (std::int64_t c = 0; c < K; ++c)
          for (int j = 0; j < 5; ++j) acc[j] += vals(i, c, j);
      }
      for (double& a : acc) a = R ? a / static_cast<double>(R) : kNaN;
      out.data.assign(acc, acc + 5);
      out.shape = {5};
      return Result::squeezed(std::move(out));
    }
    for (std::int64_t i = 0; i < R; ++i) reduce_one(i, out.data);
    if (r.samplewise) out.shape.push_back(R);
    if (r.average == Average::none) out.shape.push_back(K);
    out.shape.push_back(5);
    if (r.task == Task::binary) {  // binary stat scores are .squeeze()d
      Shape sq;
      for (auto d : out.shape)
        if (d != 1) sq.push_back(d);
      out.shape = sq;
    }
    return Result::squeezed(std::move(out));
  }

  Tensor out;
  if (r.average == Average::samples) {
    double sum = 0;
    std::int64_t n = 0;
    for (std::int64_t i = 0; i < R; ++i) {
      double v = reduce_row(r, row(i), K);
      if (nan_zd && std::isnan(v)) continue;
      sum += v;
      ++n;
    }
    return Result::scalar(n ? sum / static_cast<double>(n) : (nan_zd ? kNaN : 0.0));
  }
  for (std::int64_t i = 0; i < R; ++i) {
    if (r.average == Average::none) {
      RowView v = row(i);
      for (std::int64_t c = 0; c < K; ++c)
        out.data.push_back(score_of(r, r.task == Task::multiclass, static_cast<double>(v.tp[c]),
                                    static_cast<double>(v.fp[c]), static_cast<double>(v.tn[c]),
                                    static_cast<double>(v.fn[c])));
    } else {
      out.data.push_back(reduce_row(r, row(i), K));
    }
  }
  if (r.samplewise) out.shape.push_back(R);
  if (r.average == Average::none) out.shape.push_back(K);
  return Result::squeezed(std::move(out));
}

}  // namespace wasmetrics::classification
