// Legacy `Dice` (TorchMetrics 1.5.2 classification/dice.py on the legacy stat scores,
// functional/classification/stat_scores.py _stat_scores_update and utilities/checks.py
// _input_format_classification). Quirks kept (QUIRKS.md C20): ignore_index >= num_classes rejected
// at construction; average None/'none' passes the first check and is then rejected ("The `reduce`
// None is not valid."); 'weighted' rejected; ignore_index never drops samples: micro deletes that
// class's column, macro excludes that class; without num_classes the class count of integer
// labels is max(preds, target) + 1 per update (V1 does not apply then); binarization is
// `preds >= threshold` (no sigmoid); macro drops classes with tp + fp + fn == 0.
//
// States (only what compute() reads):
//   mdmc_average != 'samplewise' and average != 'samples' (global):
//     tp, fp, fn  int64 [1] (micro) or [num_classes] (macro), Reduction::sum; batches int64 [] (sum)
//   otherwise (one score per sample row, averaged):
//     row_sum float64 [], rows int64 [], Reduction::sum
//
// Deviations: a negative ignore_index is rejected at construction (TorchMetrics crashes in
// one_hot once a target holds it, and otherwise deletes the wrong columns); mdmc_average='samplewise'
// on inputs without extra dimensions is rejected in update (TorchMetrics fails in compute for
// 'micro' and returns a batching-dependent number otherwise); a float target with integral values
// is accepted (V2); integer preds >= num_classes are rejected (V1; TorchMetrics crashes in one_hot).
#include <algorithm>
#include <cmath>
#include <limits>

#include "wasmetrics/classification/input_format.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace classification {
namespace {

enum class DataCase : std::uint8_t { binary, multiclass, multilabel, mdmc };
enum class DiceAvg : std::uint8_t { micro, macro, samples };

class DiceMetric final : public Metric {
 public:
  explicit DiceMetric(Options o) : Metric(std::move(o)) {
    const Options& op = options();
    const std::string n = name();
    // average: the class accepts micro/macro/samples/none/None, then rejects none/None
    std::string avg = op.is_null("average") ? "None" : op.get_string("average");
    if (avg == "weighted")
      fail(n, ": The `average` has to be one of ('micro', 'macro', 'samples', 'none', None), got weighted.");
    if (avg == "None" || avg == "none") fail(n, ": The `reduce` ", avg, " is not valid.");
    avg_ = avg == "micro" ? DiceAvg::micro : avg == "macro" ? DiceAvg::macro : DiceAvg::samples;
    if (!op.is_null("mdmc_average")) {
      mdmc_set_ = true;
      samplewise_ = op.get_string("mdmc_average") == "samplewise";
    }
    if (!op.is_null("num_classes")) num_classes_ = op.get_int("num_classes");
    if (avg_ == DiceAvg::macro && num_classes_ < 1)
      fail(n, ": When you set `average` as 'macro', you have to provide the number of classes.");
    if (!op.is_null("ignore_index")) {
      ii_ = op.get_int("ignore_index");
      if (num_classes_ > 0 && (!(*ii_ < num_classes_) || num_classes_ == 1))
        fail(n, ": The `ignore_index` ", *ii_, " is not valid for inputs with ", num_classes_, " classes");
      if (*ii_ < 0)
        fail(n, ": a negative `ignore_index` (", *ii_, ") is not supported: TorchMetrics' legacy Dice treats it as a "
             "column index from the end (and fails with `index ", *ii_, " is out of bounds` once `target` holds it)");
    }
    if (!op.is_null("top_k")) top_k_ = op.get_int("top_k");
    threshold_ = op.get_number("threshold");
    zero_division_ = op.get_number("zero_division");
    global_ = !samplewise_ && avg_ != DiceAvg::samples;
    check_.metric = n;
    check_.ignore_index = ii_;
  }

 protected:
  State initial_state() const override {
    State s;
    if (global_) {
      const std::int64_t k = avg_ == DiceAvg::macro ? num_classes_ : 1;
      s.add("tp", Reduction::sum, DType::int64, {k});
      s.add("fp", Reduction::sum, DType::int64, {k});
      s.add("fn", Reduction::sum, DType::int64, {k});
      s.add("batches", Reduction::sum, DType::int64, {});
    } else {
      s.add("row_sum", Reduction::sum, DType::float64, {});
      s.add("rows", Reduction::sum, DType::int64, {});
    }
    return s;
  }

  void update_state(State& s, std::span<const TensorView> in) const override;

  Result compute_state(const State& s) const override {
    if (!global_) {
      const double rows = static_cast<double>(s["rows"].as<std::int64_t>()[0]);
      if (rows == 0) return Result::scalar(samplewise_ ? std::numeric_limits<double>::quiet_NaN() : 0.0);
      return Result::scalar(s["row_sum"].as<double>()[0] / rows);
    }
    auto tp = s["tp"].as<std::int64_t>();
    auto fp = s["fp"].as<std::int64_t>();
    auto fn = s["fn"].as<std::int64_t>();
    if (avg_ == DiceAvg::micro) return Result::scalar(score(tp[0], fp[0], fn[0]));
    double sum = 0;
    std::int64_t kept = 0;
    for (std::int64_t c = 0; c < static_cast<std::int64_t>(tp.size()); ++c) {
      if (ii_ && c == *ii_) continue;
      if (tp[c] == 0 && fp[c] == 0 && fn[c] == 0) continue;  // class never seen: dropped
      sum += score(tp[c], fp[c], fn[c]);
      ++kept;
    }
    if (kept) return Result::scalar(sum / static_cast<double>(kept));
    // only the ignored class left (its stats are -1 after any update): 0/0 weights -> zero_division
    const bool ignored_left = ii_ && s["batches"].as<std::int64_t>()[0] > 0;
    return Result::scalar(ignored_left ? zero_division_ : 0.0);
  }

 private:
  double score(std::int64_t tp, std::int64_t fp, std::int64_t fn) const {
    // in double: counts from a loaded state blob may be anything, and int64 sums could overflow
    const double den = 2.0 * static_cast<double>(tp) + static_cast<double>(fp) + static_cast<double>(fn);
    return den == 0 ? zero_division_ : 2.0 * static_cast<double>(tp) / den;
  }

  DiceAvg avg_ = DiceAvg::micro;
  bool mdmc_set_ = false, samplewise_ = false, global_ = true;
  std::int64_t num_classes_ = 0;  // 0: not given
  std::optional<std::int64_t> ii_;
  std::optional<std::int64_t> top_k_;
  double threshold_ = 0.5, zero_division_ = 0.0;
  InputFormat check_;  // name + ignore_index for the shared V4/V2 checks
};

// Shape without size-1 dimensions (torch.squeeze), with a leading 1 kept when `keep_first`.
Shape squeezed(const Shape& s, bool keep_first) {
  Shape out;
  if (keep_first) out.push_back(1);
  for (auto d : s) if (d != 1) out.push_back(d);
  return out;
}

// Top-k along dim 1 of [N, C, X] scores: the k best classes per (n, x), lower class first on ties.
template <class P>
void top_k_classes(const P* p, std::int64_t N, std::int64_t C, std::int64_t X, std::int64_t k, std::int32_t* out) {
  std::vector<P> vals(static_cast<std::size_t>(k));
  for (std::int64_t n = 0; n < N; ++n)
    for (std::int64_t x = 0; x < X; ++x) {
      std::int32_t* o = out + (n * X + x) * k;
      std::int64_t filled = 0;
      for (std::int64_t c = 0; c < C; ++c) {
        P v = p[(n * C + c) * X + x];
        if (filled == k && !(v > vals[k - 1])) continue;
        std::int64_t j = filled < k ? filled++ : k - 1;
        while (j > 0 && v > vals[j - 1]) { vals[j] = vals[j - 1]; o[j] = o[j - 1]; --j; }
        vals[j] = v;
        o[j] = static_cast<std::int32_t>(c);
      }
    }
}

void DiceMetric::update_state(State& s, std::span<const TensorView> in) const {
  const std::string& n = name();
  const TensorView& P = in[0];
  const TensorView& T = in[1];
  if (P.ndim() < 1 || T.ndim() < 1) fail(n, ": `preds` and `target` must be at least 1-D [N, ...]");
  check_finite_preds_integral_target(check_, P, T);  // V4, V2
  if (P.numel() == 0 && T.numel() == 0) return;
  const bool pf = is_floating(P.dtype);
  const std::vector<double> pv = to_doubles(P);
  const std::vector<double> tv = to_doubles(T);
  // _input_squeeze
  const bool first1 = P.shape[0] == 1;
  const Shape ps = squeezed(P.shape, first1), ts = squeezed(T.shape, first1);
  // _basic_input_validation
  // An empty target beside non-empty preds reaches here (found by fuzz_metrics); the shape checks refuse it.
  double tmin = tv.empty() ? 0 : *std::min_element(tv.begin(), tv.end());
  double tmax = tv.empty() ? 0 : *std::max_element(tv.begin(), tv.end());
  if (tmin < 0) fail(n, ": The `target` has to be a non-negative tensor.");
  double pmin = pv.empty() ? 0 : *std::min_element(pv.begin(), pv.end());
  double pmax = pv.empty() ? 0 : *std::max_element(pv.begin(), pv.end());
  if (!pf && pmin < 0) fail(n, ": If `preds` are integers, they have to be non-negative.");
  if (ps.empty() || ts.empty() || ps[0] != ts[0]) fail(n, ": The `preds` and `target` should have the same first dimension.");
  // _check_shape_and_type_consistency
  const auto pnd = static_cast<std::int64_t>(ps.size()), tnd = static_cast<std::int64_t>(ts.size());
  DataCase dc;
  std::int64_t implied = 0;
  if (pnd == tnd) {
    if (ps != ts)
      fail(n, ": The `preds` and `target` should have the same shape, got `preds` with shape=", shape_str(P.shape),
           " and `target` with shape=", shape_str(T.shape), ".");
    if (pf && tmax > 1)
      fail(n, ": If `preds` and `target` are of shape (N, ...) and `preds` are floats, `target` should be binary.");
    dc = pnd == 1 ? (pf ? DataCase::binary : DataCase::multiclass) : (pf ? DataCase::multilabel : DataCase::mdmc);
    implied = ps[0] ? P.numel() / ps[0] : 0;
  } else if (pnd == tnd + 1) {
    if (!pf) fail(n, ": If `preds` have one dimension more than `target`, `preds` should be a float tensor.");
    if (Shape(ps.begin() + 2, ps.end()) != Shape(ts.begin() + 1, ts.end()))
      fail(n, ": If `preds` have one dimension more than `target`, the shape of `preds` should be (N, C, ...), and the "
           "shape of `target` should be (N, ...).");
    implied = ps[1];
    dc = pnd == 2 ? DataCase::multiclass : DataCase::mdmc;
  } else {
    fail(n, ": Either `preds` and `target` both should have the (same) shape (N, ...), or `target` should be (N, ...) "
         "and `preds` should be (N, C, ...).");
  }
  const bool mc = dc == DataCase::multiclass || dc == DataCase::mdmc;
  if (ps != ts && tmax >= static_cast<double>(implied))
    fail(n, ": The highest label in `target` should be smaller than the size of the `C` dimension of `preds`.");
  if (num_classes_ > 0) {
    if (dc == DataCase::binary) {
      if (num_classes_ > 2) fail(n, ": Your data is binary, but `num_classes` is larger than 2.");
      if (num_classes_ == 2)
        fail(n, ": Your data is binary and `num_classes=2`, but `multiclass` is not True. Set it to True if you want to "
             "transform binary data to multi-class format.");
    } else if (mc) {
      if (num_classes_ == 1)
        fail(n, ": You have set `num_classes=1`, but predictions are integers. If you want to convert (multi-dimensional) "
             "multi-class data with 2 classes to binary/multi-label, set `multiclass=False`.");
      if (tmax >= static_cast<double>(num_classes_))
        fail(n, ": The highest label in `target` should be smaller than `num_classes`.");  // V1 on target
      if (ps != ts && num_classes_ != implied) fail(n, ": The size of C dimension of `preds` does not match `num_classes`.");
      if (!pf && pmax >= static_cast<double>(num_classes_))  // V1 on integer preds
        fail(n, ": Expected `preds` to hold class labels in [0, ", num_classes_, "), but found ", format_number(pmax));
    } else if (num_classes_ != implied) {
      fail(n, ": The implied number of classes (from shape of inputs) does not match num_classes.");
    }
  }
  if (top_k_) {
    if (dc == DataCase::binary) fail(n, ": You can not use `top_k` parameter with binary data.");
    if (*top_k_ <= 0) fail(n, ": The `top_k` has to be an integer larger than 0.");
    if (!pf) fail(n, ": You have set `top_k`, but you do not have probability predictions.");
    if (*top_k_ >= implied) fail(n, ": The `top_k` has to be strictly smaller than the `C` dimension of `preds`.");
  }

  // ---- the one-hot layout [N, C, X], kept implicit ----
  const std::int64_t N = ps[0];
  std::int64_t C = 0, X = 1, k = 1;
  std::vector<std::int32_t> tclass, pclass;   // multiclass: target class per (n, x); k predicted classes per (n, x)
  std::vector<std::uint8_t> pbit, tbit;       // binary / multilabel: [N, C]
  if (mc) {
    if (pf) {
      C = ps[1];
      k = top_k_.value_or(1);
    } else {
      C = num_classes_ > 0 ? num_classes_ : static_cast<std::int64_t>(std::max(pmax, tmax)) + 1;
    }
    C = std::max<std::int64_t>(2, C);
    // Labels become int32 class ids and C sizes per-class arrays: a uint32 label of 4294967295
    // overflowed the cast (found by fuzz_metrics).
    if (tmax >= (1 << 24) || (!pf && pmax >= (1 << 24)) || C > (1 << 24))
      fail(n, ": labels must be below ", 1 << 24, ", got a ", !pf && pmax > tmax ? "`preds`" : "`target`", " label of ",
           std::max(tmax, pf ? 0.0 : pmax));
    X = N ? T.numel() / N : 1;
    tclass.resize(tv.size());
    for (std::size_t i = 0; i < tv.size(); ++i) tclass[i] = static_cast<std::int32_t>(tv[i]);
    pclass.resize(static_cast<std::size_t>(N * X * k));
    if (pf) {
      visit_floats(n, "preds", P, [&](auto p) { top_k_classes(p.data(), N, C, X, k, pclass.data()); });
    } else {
      for (std::size_t i = 0; i < pv.size(); ++i) pclass[i] = static_cast<std::int32_t>(pv[i]);
    }
  } else {
    C = implied;
    pbit.resize(pv.size());
    tbit.resize(tv.size());
    for (std::size_t i = 0; i < tv.size(); ++i) tbit[i] = tv[i] == 1 ? 1 : 0;
    if (top_k_) {
      // multilabel with top_k: the k best entries along dim 1 of the squeezed preds
      const std::int64_t d1 = ps[1];
      const std::int64_t rest = C / d1;
      std::vector<std::int32_t> best(static_cast<std::size_t>(N * rest * *top_k_));
      visit_floats(n, "preds", P, [&](auto p) { top_k_classes(p.data(), N, d1, rest, *top_k_, best.data()); });
      for (std::int64_t i = 0; i < N; ++i)
        for (std::int64_t r = 0; r < rest; ++r)
          for (std::int64_t j = 0; j < *top_k_; ++j)
            pbit[static_cast<std::size_t>((i * d1 + best[(i * rest + r) * *top_k_ + j]) * rest + r)] = 1;
    } else {
      visit_floats(n, "preds", P, [&](auto p) {
        using F = typename decltype(p)::value_type;
        const F thr = static_cast<F>(threshold_);
        for (std::size_t i = 0; i < p.size(); ++i) pbit[i] = p[i] >= thr ? 1 : 0;
      });
    }
  }
  if (ii_) {
    if (*ii_ >= C) fail(n, ": The `ignore_index` ", *ii_, " is not valid for inputs with ", C, " classes");
    if (C == 1) fail(n, ": You can not use `ignore_index` with binary data.");
  }
  const bool three_d = X > 1;
  if (three_d && !mdmc_set_)
    fail(n, ": When your inputs are multi-dimensional multi-class, you have to set the `mdmc_reduce` parameter");
  if (samplewise_ && !three_d)
    fail(n, ": mdmc_average='samplewise' needs multi-dimensional inputs ([N, C, X, ...] scores or [N, X, ...] labels); "
         "got shapes ", shape_str(P.shape), " and ", shape_str(T.shape),
         " (TorchMetrics' legacy Dice cannot combine per-sample statistics of such inputs)");
  if (global_ && avg_ == DiceAvg::macro && C != num_classes_)
    fail(n, ": the inputs have ", C, " classes but num_classes=", num_classes_);

  // per-sample counts [C, X] (one of tp/fp/tn/fn per class and position)
  std::vector<std::int64_t> tp(static_cast<std::size_t>(C * X)), fp(tp.size()), fn(tp.size());
  const bool del = ii_.has_value();  // micro/samples delete the column, macro excludes the class
  auto row_score = [&](std::int64_t a, std::int64_t b, std::int64_t c) {
    const double den = static_cast<double>(2 * a + b + c);
    return den == 0 ? zero_division_ : 2.0 * static_cast<double>(a) / den;
  };
  double row_sum = 0;
  std::int64_t rows = 0;
  for (std::int64_t i = 0; i < N; ++i) {
    std::fill(tp.begin(), tp.end(), 0);
    std::fill(fp.begin(), fp.end(), 0);
    std::fill(fn.begin(), fn.end(), 0);
    if (mc) {
      for (std::int64_t x = 0; x < X; ++x) {
        const std::int32_t t = tclass[static_cast<std::size_t>(i * X + x)];
        const std::int32_t* pk = pclass.data() + (i * X + x) * k;
        bool hit = false;
        for (std::int64_t j = 0; j < k; ++j) {
          if (pk[j] == t) { hit = true; ++tp[pk[j] * X + x]; }
          else ++fp[pk[j] * X + x];
        }
        if (!hit) ++fn[t * X + x];
      }
    } else {
      for (std::int64_t c = 0; c < C; ++c) {
        const std::size_t e = static_cast<std::size_t>(i * C + c);
        if (pbit[e] && tbit[e]) ++tp[c];
        else if (pbit[e]) ++fp[c];
        else if (tbit[e]) ++fn[c];
      }
    }
    auto sum_classes = [&](std::int64_t x, std::int64_t& a, std::int64_t& b, std::int64_t& c) {
      for (std::int64_t cl = 0; cl < C; ++cl) {
        if (del && cl == *ii_) continue;
        a += tp[cl * X + x]; b += fp[cl * X + x]; c += fn[cl * X + x];
      }
    };
    if (global_) {
      auto stp = s["tp"].as<std::int64_t>(), sfp = s["fp"].as<std::int64_t>(), sfn = s["fn"].as<std::int64_t>();
      if (avg_ == DiceAvg::micro) {
        for (std::int64_t x = 0; x < X; ++x) sum_classes(x, stp[0], sfp[0], sfn[0]);
      } else {
        for (std::int64_t cl = 0; cl < C; ++cl)
          for (std::int64_t x = 0; x < X; ++x) {
            stp[cl] += tp[cl * X + x]; sfp[cl] += fp[cl * X + x]; sfn[cl] += fn[cl * X + x];
          }
      }
    } else if (!samplewise_) {
      // average='samples' with global mdmc: every (n, x) is a sample
      for (std::int64_t x = 0; x < X; ++x) {
        std::int64_t a = 0, b = 0, c = 0;
        sum_classes(x, a, b, c);
        row_sum += row_score(a, b, c);
        ++rows;
      }
    } else if (avg_ == DiceAvg::micro) {
      std::int64_t a = 0, b = 0, c = 0;
      for (std::int64_t x = 0; x < X; ++x) sum_classes(x, a, b, c);
      row_sum += row_score(a, b, c);
      ++rows;
    } else if (avg_ == DiceAvg::macro) {
      double acc = 0;
      std::int64_t kept = 0;
      for (std::int64_t cl = 0; cl < C; ++cl) {
        if (ii_ && cl == *ii_) continue;
        std::int64_t a = 0, b = 0, c = 0;
        for (std::int64_t x = 0; x < X; ++x) { a += tp[cl * X + x]; b += fp[cl * X + x]; c += fn[cl * X + x]; }
        acc += row_score(a, b, c);
        ++kept;
      }
      row_sum += kept ? acc / static_cast<double>(kept) : zero_division_ * static_cast<double>(C);
      ++rows;
    } else {
      double acc = 0;
      for (std::int64_t x = 0; x < X; ++x) {
        std::int64_t a = 0, b = 0, c = 0;
        sum_classes(x, a, b, c);
        acc += row_score(a, b, c);
      }
      row_sum += acc / static_cast<double>(X);
      ++rows;
    }
  }
  if (global_) {
    s["batches"].as<std::int64_t>()[0] += 1;
  } else {
    s["row_sum"].as<double>()[0] += row_sum;
    s["rows"].as<std::int64_t>()[0] += rows;
  }
}

}  // namespace
}  // namespace classification

MetricSpec dice_spec() {
  using classification::DiceMetric;
  return {
      .name = "Dice",
      .family = "classification",
      .doc = "Legacy Dice 2tp/(2tp+fp+fn) on TorchMetrics' legacy stat scores (binary, multilabel, multiclass, "
             "multi-dimensional multiclass).",
      .inputs = {{"preds", false, "[N] or [N, ...] probabilities, [N, C, ...] scores, or [N, ...] class labels"},
                 {"target", false, "[N, ...] labels (0/1 for float preds of the target's shape)"}},
      .options =
          {
              {.name = "zero_division", .type = OptionType::number, .default_value = 0,
               .doc = "score of a class/sample whose denominator 2tp+fp+fn is 0"},
              {.name = "num_classes", .type = OptionType::integer, .default_value = nullptr, .min = 1, .nullable = true,
               .doc = "number of classes (required for 'macro'); null: inferred from the data (integer labels: "
                      "max(preds, target) + 1 per update)"},
              {.name = "threshold", .type = OptionType::number, .default_value = 0.5,
               .doc = "binary/multilabel float preds are positive iff pred >= threshold (no sigmoid)"},
              {.name = "average", .type = OptionType::string, .default_value = "micro",
               .choices = {"micro", "macro", "samples", "none", "weighted"}, .nullable = true,
               .doc = "'micro' (pool the counts), 'macro' (mean over classes seen), 'samples' (mean over samples); "
                      "'none'/null and 'weighted' are rejected as in TorchMetrics' Dice"},
              {.name = "mdmc_average", .type = OptionType::string, .default_value = "global",
               .choices = {"global", "samplewise"}, .nullable = true,
               .doc = "multi-dimensional multiclass inputs: 'global' flattens the extra dimensions into samples, "
                      "'samplewise' scores each sample and averages; null rejects such inputs"},
              {.name = "ignore_index", .type = OptionType::integer, .default_value = nullptr, .nullable = true,
               .doc = "class (in [0, num_classes)) left out of the score: micro deletes its column, macro excludes it; "
                      "samples are not dropped"},
              {.name = "top_k", .type = OptionType::integer, .default_value = nullptr, .nullable = true,
               .doc = "with float scores: the top_k highest classes count as predicted (must be < C)"},
          },
      .make = [](const Options& o) { return std::make_unique<DiceMetric>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: Dice(average='micro')", "args": {"average": "micro"}, "batches": [{"preds": {"dtype": "int64", "shape": [4], "data": [2, 0, 2, 1]}, "target": {"dtype": "int64", "shape": [4], "data": [1, 1, 2, 0]}}], "expected": {"shape": [], "data": [0.25]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
