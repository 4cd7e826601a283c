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

#include <array>

#include <xtensor/xindex_view.hpp>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xoperation.hpp>
#include <xtensor/xreducer.hpp>
#include <xtensor/xsort.hpp>
#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/classification/input_format.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/tensor_adapt.hpp"

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
        fail(n, ": a negative `ignore_index` (", *ii_,
             ") is not supported: TorchMetrics' legacy Dice treats it as a "
             "column index from the end (and fails with `index ",
             *ii_, " is out of bounds` once `target` holds it)");
    }
    if (!op.is_null("top_k")) top_k_ = op.get_int("top_k");
    threshold_ = op.get_number("threshold");
    zero_division_ = op.get_number("zero_division");
    global_ = !samplewise_ && avg_ != DiceAvg::samples;
    check_.metric = n;
    check_.ignore_index = ii_;
    if (global_) {
      const std::int64_t k = avg_ == DiceAvg::macro ? num_classes_ : 1;
      tp_ = declare_state<std::int64_t>("tp", Reduction::sum, {k});
      fp_ = declare_state<std::int64_t>("fp", Reduction::sum, {k});
      fn_ = declare_state<std::int64_t>("fn", Reduction::sum, {k});
      batches_ = declare_state<std::int64_t>("batches", Reduction::sum, {});
    } else {
      row_sum_ = declare_state<double>("row_sum", Reduction::sum, {});
      rows_ = declare_state<std::int64_t>("rows", Reduction::sum, {});
    }
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override;

  Result compute_state(const State& s) const override {
    if (!global_) {
      const double rows = static_cast<double>(rows_.value(s));
      if (rows == 0) return Result::scalar(samplewise_ ? std::numeric_limits<double>::quiet_NaN() : 0.0);
      return Result::scalar(row_sum_.value(s) / rows);
    }
    auto tp = tp_.span(s);
    auto fp = fp_.span(s);
    auto fn = fn_.span(s);
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
    const bool ignored_left = ii_ && batches_.value(s) > 0;
    return Result::scalar(ignored_left ? zero_division_ : 0.0);
  }

 private:
  double score(std::int64_t tp, std::int64_t fp, std::int64_t fn) const {
    // in double: counts from a loaded state blob may be anything, and int64 sums could overflow
    const double den = 2.0 * static_cast<double>(tp) + static_cast<double>(fp) + static_cast<double>(fn);
    return den == 0 ? zero_division_ : 2.0 * static_cast<double>(tp) / den;
  }

  struct Inputs;
  struct Layout;
  struct SampleStats;
  Inputs read_inputs(const TensorView& P, const TensorView& T) const;
  void check_shapes(Inputs& b, const TensorView& P, const TensorView& T) const;
  void check_num_classes(const Inputs& b) const;
  void check_top_k(const Inputs& b) const;
  Layout one_hot_layout(const Inputs& b, const TensorView& P) const;
  void check_layout(const Layout& l, const TensorView& P, const TensorView& T) const;
  void count_sample(const Layout& l, std::int64_t i, SampleStats& st) const;
  void fold_sample(const SampleStats& st, State& s, double& row_sum, std::int64_t& rows) const;

  DiceAvg avg_ = DiceAvg::micro;
  bool mdmc_set_ = false, samplewise_ = false, global_ = true;
  std::int64_t num_classes_ = 0;  // 0: not given
  std::optional<std::int64_t> ii_;
  std::optional<std::int64_t> top_k_;
  double threshold_ = 0.5, zero_division_ = 0.0;
  InputFormat check_;  // name + ignore_index for the shared V4/V2 checks
  // global: counts per class ([num_classes] macro, [1] micro) and the updates seen
  StateSlot<std::int64_t> tp_, fp_, fn_, batches_;
  // per sample row: the sum of the rows' scores and their count
  StateSlot<double> row_sum_;
  StateSlot<std::int64_t> rows_;
};

// Shape without size-1 dimensions (torch.squeeze), with a leading 1 kept when `keep_first`.
Shape squeezed(const Shape& s, bool keep_first) {
  Shape out;
  if (keep_first) out.push_back(1);
  for (auto d : s)
    if (d != 1) out.push_back(d);
  return out;
}

// The elements of an input as float64, flat (labels and scores alike: the legacy checks compare
// both with thresholds and class counts).
xt::xtensor<double, 1> flat_doubles(const TensorView& t) {
  return visit_adapted(t, [](const auto& a) -> xt::xtensor<double, 1> { return xt::cast<double>(xt::flatten(a)); });
}

// The batch as TorchMetrics' legacy _input_format_classification sees it.
struct DiceMetric::Inputs {
  bool pf = false;  // float preds
  xt::xtensor<double, 1> p, t;
  Shape ps, ts;  // squeezed shapes
  double tmin = 0, tmax = 0, pmin = 0, pmax = 0;
  DataCase dc = DataCase::binary;
  std::int64_t implied = 0;  // classes implied by the shapes
  bool mc() const { return dc == DataCase::multiclass || dc == DataCase::mdmc; }
};

// The one-hot layout [N, C, X], kept implicit: class ids (multiclass) or 0/1 bits (binary, multilabel).
struct DiceMetric::Layout {
  std::int64_t N = 0, C = 0, X = 1, k = 1;
  bool mc = false;
  xt::xtensor<std::int32_t, 1> tclass;      // [N * X]: target class per (n, x)
  xt::xtensor<std::int32_t, 1> pclass;      // [N * X * k]: the k predicted classes per (n, x)
  xt::xtensor<std::uint8_t, 2> pbit, tbit;  // [N, C]
};

// One sample's counts per class and position, [C, X].
struct DiceMetric::SampleStats {
  xt::xtensor<std::int64_t, 2> tp, fp, fn;
};

// _input_squeeze and _basic_input_validation.
DiceMetric::Inputs DiceMetric::read_inputs(const TensorView& P, const TensorView& T) const {
  const std::string& n = name();
  Inputs b;
  b.pf = is_floating(P.dtype);
  b.p = flat_doubles(P);
  b.t = flat_doubles(T);
  const bool first1 = P.shape[0] == 1;
  b.ps = squeezed(P.shape, first1);
  b.ts = squeezed(T.shape, first1);
  // An empty target beside non-empty preds reaches here (found by fuzz_metrics); the shape checks refuse it.
  if (b.t.size()) {
    b.tmin = xt::amin(b.t)();
    b.tmax = xt::amax(b.t)();
  }
  if (b.tmin < 0) fail(n, ": The `target` has to be a non-negative tensor.");
  if (b.p.size()) {
    b.pmin = xt::amin(b.p)();
    b.pmax = xt::amax(b.p)();
  }
  if (!b.pf && b.pmin < 0) fail(n, ": If `preds` are integers, they have to be non-negative.");
  if (b.ps.empty() || b.ts.empty() || b.ps[0] != b.ts[0])
    fail(n, ": The `preds` and `target` should have the same first dimension.");
  return b;
}

// _check_shape_and_type_consistency: the data case and the implied class count.
void DiceMetric::check_shapes(Inputs& b, const TensorView& P, const TensorView& T) const {
  const std::string& n = name();
  const auto pnd = static_cast<std::int64_t>(b.ps.size()), tnd = static_cast<std::int64_t>(b.ts.size());
  if (pnd == tnd) {
    if (b.ps != b.ts)
      fail(n, ": The `preds` and `target` should have the same shape, got `preds` with shape=", shape_str(P.shape),
           " and `target` with shape=", shape_str(T.shape), ".");
    if (b.pf && b.tmax > 1)
      fail(n, ": If `preds` and `target` are of shape (N, ...) and `preds` are floats, `target` should be binary.");
    b.dc = pnd == 1 ? (b.pf ? DataCase::binary : DataCase::multiclass) : (b.pf ? DataCase::multilabel : DataCase::mdmc);
    b.implied = b.ps[0] ? P.numel() / b.ps[0] : 0;
  } else if (pnd == tnd + 1) {
    if (!b.pf) fail(n, ": If `preds` have one dimension more than `target`, `preds` should be a float tensor.");
    if (Shape(b.ps.begin() + 2, b.ps.end()) != Shape(b.ts.begin() + 1, b.ts.end()))
      fail(n,
           ": If `preds` have one dimension more than `target`, the shape of `preds` should be (N, C, ...), and the "
           "shape of `target` should be (N, ...).");
    b.implied = b.ps[1];
    b.dc = pnd == 2 ? DataCase::multiclass : DataCase::mdmc;
  } else {
    fail(n,
         ": Either `preds` and `target` both should have the (same) shape (N, ...), or `target` should be (N, ...) "
         "and `preds` should be (N, C, ...).");
  }
  if (b.ps != b.ts && b.tmax >= static_cast<double>(b.implied))
    fail(n, ": The highest label in `target` should be smaller than the size of the `C` dimension of `preds`.");
}

void DiceMetric::check_num_classes(const Inputs& b) const {
  const std::string& n = name();
  if (num_classes_ <= 0) return;
  if (b.dc == DataCase::binary) {
    if (num_classes_ > 2) fail(n, ": Your data is binary, but `num_classes` is larger than 2.");
    if (num_classes_ == 2)
      fail(n,
           ": Your data is binary and `num_classes=2`, but `multiclass` is not True. Set it to True if you want to "
           "transform binary data to multi-class format.");
  } else if (b.mc()) {
    if (num_classes_ == 1)
      fail(n,
           ": You have set `num_classes=1`, but predictions are integers. If you want to convert (multi-dimensional) "
           "multi-class data with 2 classes to binary/multi-label, set `multiclass=False`.");
    if (b.tmax >= static_cast<double>(num_classes_))
      fail(n, ": The highest label in `target` should be smaller than `num_classes`.");  // V1 on target
    if (b.ps != b.ts && num_classes_ != b.implied)
      fail(n, ": The size of C dimension of `preds` does not match `num_classes`.");
    if (!b.pf && b.pmax >= static_cast<double>(num_classes_))  // V1 on integer preds
      fail(n, ": Expected `preds` to hold class labels in [0, ", num_classes_, "), but found ", format_number(b.pmax));
  } else if (num_classes_ != b.implied) {
    fail(n, ": The implied number of classes (from shape of inputs) does not match num_classes.");
  }
}

void DiceMetric::check_top_k(const Inputs& b) const {
  const std::string& n = name();
  if (!top_k_) return;
  if (b.dc == DataCase::binary) fail(n, ": You can not use `top_k` parameter with binary data.");
  if (*top_k_ <= 0) fail(n, ": The `top_k` has to be an integer larger than 0.");
  if (!b.pf) fail(n, ": You have set `top_k`, but you do not have probability predictions.");
  if (*top_k_ >= b.implied) fail(n, ": The `top_k` has to be strictly smaller than the `C` dimension of `preds`.");
}

DiceMetric::Layout DiceMetric::one_hot_layout(const Inputs& b, const TensorView& P) const {
  const std::string& n = name();
  Layout l;
  l.mc = b.mc();
  l.N = b.ps[0];
  if (l.mc) {
    if (b.pf) {
      l.C = b.ps[1];
      l.k = top_k_.value_or(1);
    } else {
      l.C = num_classes_ > 0 ? num_classes_ : static_cast<std::int64_t>(std::max(b.pmax, b.tmax)) + 1;
    }
    l.C = std::max<std::int64_t>(2, l.C);
    // Labels become int32 class ids and C sizes per-class arrays: a uint32 label of 4294967295
    // overflowed the cast (found by fuzz_metrics).
    if (b.tmax >= (1 << 24) || (!b.pf && b.pmax >= (1 << 24)) || l.C > (1 << 24))
      fail(n, ": labels must be below ", 1 << 24, ", got a ", !b.pf && b.pmax > b.tmax ? "`preds`" : "`target`",
           " label of ", std::max(b.tmax, b.pf ? 0.0 : b.pmax));
    l.X = l.N ? static_cast<std::int64_t>(b.t.size()) / l.N : 1;
    l.tclass = xt::cast<std::int32_t>(b.t);
    if (b.pf) {
      l.pclass = xt::xtensor<std::int32_t, 1>::from_shape({static_cast<std::size_t>(l.N * l.X * l.k)});
      visit_floats(n, "preds", P, [&](auto p) { top_classes(p.data(), l.N, l.C, l.X, l.k, l.pclass.data()); });
    } else {
      l.pclass = xt::cast<std::int32_t>(b.p);
    }
    return l;
  }
  l.C = b.implied;
  const std::array<std::size_t, 2> nc{static_cast<std::size_t>(l.N), static_cast<std::size_t>(l.C)};
  l.tbit = xt::reshape_view(xt::cast<std::uint8_t>(xt::equal(b.t, 1.0)), nc);
  l.pbit = xt::zeros<std::uint8_t>(nc);
  if (top_k_) {
    // multilabel with top_k: the k best entries along dim 1 of the squeezed preds
    const std::int64_t d1 = b.ps[1], rest = l.C / d1, k = *top_k_;
    std::vector<std::int32_t> best(static_cast<std::size_t>(l.N * rest * k));
    visit_floats(n, "preds", P, [&](auto p) { top_classes(p.data(), l.N, d1, rest, k, best.data()); });
    for (std::int64_t i = 0; i < l.N; ++i)
      for (std::int64_t r = 0; r < rest; ++r)
        for (std::int64_t j = 0; j < k; ++j) l.pbit(i, best[(i * rest + r) * k + j] * rest + r) = 1;
  } else {
    visit_floats(n, "preds", P, [&](auto p) {
      using F = typename decltype(p)::value_type;
      const auto a = xt::adapt(p.data(), p.size(), xt::no_ownership(), nc);
      l.pbit = xt::cast<std::uint8_t>(a >= static_cast<F>(threshold_));
    });
  }
  return l;
}

// The checks that need the layout's class count and extra dimensions.
void DiceMetric::check_layout(const Layout& l, const TensorView& P, const TensorView& T) const {
  const std::string& n = name();
  if (ii_) {
    if (*ii_ >= l.C) fail(n, ": The `ignore_index` ", *ii_, " is not valid for inputs with ", l.C, " classes");
    if (l.C == 1) fail(n, ": You can not use `ignore_index` with binary data.");
  }
  const bool three_d = l.X > 1;
  if (three_d && !mdmc_set_)
    fail(n, ": When your inputs are multi-dimensional multi-class, you have to set the `mdmc_reduce` parameter");
  if (samplewise_ && !three_d)
    fail(n,
         ": mdmc_average='samplewise' needs multi-dimensional inputs ([N, C, X, ...] scores or [N, X, ...] labels); "
         "got shapes ",
         shape_str(P.shape), " and ", shape_str(T.shape),
         " (TorchMetrics' legacy Dice cannot combine per-sample statistics of such inputs)");
  if (global_ && avg_ == DiceAvg::macro && l.C != num_classes_)
    fail(n, ": the inputs have ", l.C, " classes but num_classes=", num_classes_);
}

// Sample i's tp/fp/fn per class and position.
void DiceMetric::count_sample(const Layout& l, std::int64_t i, SampleStats& st) const {
  const std::array<std::size_t, 2> cx{static_cast<std::size_t>(l.C), static_cast<std::size_t>(l.X)};
  st.tp = xt::zeros<std::int64_t>(cx);
  st.fp = xt::zeros<std::int64_t>(cx);
  st.fn = xt::zeros<std::int64_t>(cx);
  if (!l.mc) {
    const auto p = xt::row(l.pbit, i), t = xt::row(l.tbit, i);
    xt::col(st.tp, 0) = xt::cast<std::int64_t>(p & t);
    xt::col(st.fp, 0) = xt::cast<std::int64_t>(p & (1 - t));
    xt::col(st.fn, 0) = xt::cast<std::int64_t>((1 - p) & t);
    return;
  }
  // a scatter by class id: not an elementwise expression
  for (std::int64_t x = 0; x < l.X; ++x) {
    const std::int32_t t = l.tclass(i * l.X + x);
    const std::int32_t* pk = l.pclass.data() + (i * l.X + x) * l.k;
    bool hit = false;
    for (std::int64_t j = 0; j < l.k; ++j) {
      if (pk[j] == t) {
        hit = true;
        ++st.tp(pk[j], x);
      } else {
        ++st.fp(pk[j], x);
      }
    }
    if (!hit) ++st.fn(t, x);
  }
}

// Folds one sample's counts into the state (global) or into the running sum of sample scores.
void DiceMetric::fold_sample(const SampleStats& st, State& s, double& row_sum, std::int64_t& rows) const {
  const auto score_of = [&](const auto& a, const auto& b, const auto& c) {
    const xt::xtensor<double, 1> den = xt::cast<double>(2 * a + b + c);
    return xt::xtensor<double, 1>(xt::where(xt::equal(den, 0.0), zero_division_, 2.0 * xt::cast<double>(a) / den));
  };
  // per position, the sums over classes (micro and samples delete the ignore_index column)
  const auto over_classes = [&](const xt::xtensor<std::int64_t, 2>& m) {
    xt::xtensor<std::int64_t, 1> out = xt::sum(m, {0});
    if (ii_) out -= xt::row(m, *ii_);
    return out;
  };
  if (global_) {
    auto stp = tp_.span(s), sfp = fp_.span(s), sfn = fn_.span(s);
    if (avg_ == DiceAvg::micro) {
      stp[0] += xt::sum(over_classes(st.tp))();
      sfp[0] += xt::sum(over_classes(st.fp))();
      sfn[0] += xt::sum(over_classes(st.fn))();
    } else {
      const xt::xtensor<std::int64_t, 1> a = xt::sum(st.tp, {1}), b = xt::sum(st.fp, {1}), c = xt::sum(st.fn, {1});
      for (std::size_t cl = 0; cl < a.size(); ++cl) {
        stp[cl] += a(cl);
        sfp[cl] += b(cl);
        sfn[cl] += c(cl);
      }
    }
  } else if (!samplewise_) {
    // average='samples' with global mdmc: every (n, x) is a sample
    for (const double v : score_of(over_classes(st.tp), over_classes(st.fp), over_classes(st.fn))) {
      row_sum += v;  // one sample at a time, as the rows accumulate
      ++rows;
    }
  } else if (avg_ == DiceAvg::micro) {
    const xt::xtensor<std::int64_t, 1> a{xt::sum(over_classes(st.tp))()}, b{xt::sum(over_classes(st.fp))()},
        c{xt::sum(over_classes(st.fn))()};
    row_sum += score_of(a, b, c)(0);
    ++rows;
  } else if (avg_ == DiceAvg::macro) {
    // per class over the positions; the ignored class is excluded, not deleted
    auto scores = score_of(xt::eval(xt::sum(st.tp, {1})), xt::eval(xt::sum(st.fp, {1})), xt::eval(xt::sum(st.fn, {1})));
    const auto C = static_cast<std::int64_t>(scores.size());
    const std::int64_t kept = C - (ii_ ? 1 : 0);
    if (ii_) scores(*ii_) = 0.0;  // adding +0 is exact: the sum of the kept classes, in order
    const double acc = xt::sum(scores)();
    row_sum += kept ? acc / static_cast<double>(kept) : zero_division_ * static_cast<double>(C);
    ++rows;
  } else {
    const auto scores = score_of(over_classes(st.tp), over_classes(st.fp), over_classes(st.fn));
    row_sum += xt::sum(scores)() / static_cast<double>(scores.size());
    ++rows;
  }
}

void DiceMetric::update_state(State& s, std::span<const TensorView> in) const {
  const TensorView& P = in[0];
  const TensorView& T = in[1];
  if (P.ndim() < 1 || T.ndim() < 1) fail(name(), ": `preds` and `target` must be at least 1-D [N, ...]");
  check_finite_preds_integral_target(check_, P, T);  // V4, V2
  if (P.numel() == 0 && T.numel() == 0) return;
  Inputs b = read_inputs(P, T);
  check_shapes(b, P, T);
  check_num_classes(b);
  check_top_k(b);
  const Layout l = one_hot_layout(b, P);
  check_layout(l, P, T);
  double row_sum = 0;
  std::int64_t rows = 0;
  SampleStats st;
  for (std::int64_t i = 0; i < l.N; ++i) {
    count_sample(l, i, st);
    fold_sample(st, s, row_sum, rows);
  }
  if (global_) {
    batches_.value(s) += 1;
  } else {
    row_sum_.value(s) += row_sum;
    rows_.value(s) += rows;
  }
}

}  // namespace
}  // namespace classification

WASMETRICS_COLD MetricSpec dice_spec() {
  using classification::DiceMetric;
  return {
      .name = "Dice",
      .family = "classification",
      .doc =
          "Legacy Dice 2tp/(2tp+fp+fn) on TorchMetrics' legacy stat scores (binary, multilabel, multiclass, "
          "multi-dimensional multiclass).",
      .inputs = {{"preds", false, "[N] or [N, ...] probabilities, [N, C, ...] scores, or [N, ...] class labels"},
                 {"target", false, "[N, ...] labels (0/1 for float preds of the target's shape)"}},
      .options =
          {
              {.name = "zero_division",
               .type = OptionType::number,
               .default_value = 0,
               .doc = "score of a class/sample whose denominator 2tp+fp+fn is 0"},
              {.name = "num_classes",
               .type = OptionType::integer,
               .default_value = nullptr,
               .min = 1,
               .nullable = true,
               .doc = "number of classes (required for 'macro'); null: inferred from the data (integer labels: "
                      "max(preds, target) + 1 per update)"},
              {.name = "threshold",
               .type = OptionType::number,
               .default_value = 0.5,
               .doc = "binary/multilabel float preds are positive iff pred >= threshold (no sigmoid)"},
              {.name = "average",
               .type = OptionType::string,
               .default_value = "micro",
               .choices = {"micro", "macro", "samples", "none", "weighted"},
               .nullable = true,
               .doc = "'micro' (pool the counts), 'macro' (mean over classes seen), 'samples' (mean over samples); "
                      "'none'/null and 'weighted' are rejected as in TorchMetrics' Dice"},
              {.name = "mdmc_average",
               .type = OptionType::string,
               .default_value = "global",
               .choices = {"global", "samplewise"},
               .nullable = true,
               .doc = "multi-dimensional multiclass inputs: 'global' flattens the extra dimensions into samples, "
                      "'samplewise' scores each sample and averages; null rejects such inputs"},
              {.name = "ignore_index",
               .type = OptionType::integer,
               .default_value = nullptr,
               .nullable = true,
               .doc = "class (in [0, num_classes)) left out of the score: micro deletes its column, macro excludes it; "
                      "samples are not dropped"},
              {.name = "top_k",
               .type = OptionType::integer,
               .default_value = nullptr,
               .nullable = true,
               .doc = "with float scores: the top_k highest classes count as predicted (must be < C)"},
          },
      .make = [](const Options& o) { return std::make_unique<DiceMetric>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: Dice(average='micro')", "args": {"average": "micro"}, "batches": [{"preds": {"dtype": "int64", "shape": [4], "data": [2, 0, 2, 1]}, "target": {"dtype": "int64", "shape": [4], "data": [1, 1, 2, 0]}}], "expected": {"shape": [], "data": [0.25]}, "atol": 5e-05}
      ])json"),
  };
}

}  // namespace wasmetrics
