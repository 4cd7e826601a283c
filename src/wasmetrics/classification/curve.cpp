#include "wasmetrics/classification/curve.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <sstream>
#include <type_traits>
#include <utility>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/sample_weight.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/kernels/curve_batch.hpp"
#include "wasmetrics/kernels/radix_sort.hpp"

namespace wasmetrics::classification {
namespace {

constexpr std::uint8_t kIgnoredTarget = 2;        // multilabel exact state
constexpr std::int64_t kMaxThresholds = 100'000;  // binned curves: bins per class (1e7 took 30 s to compute)

std::string ignore_index_text(const CurveFormat& f) {
  return f.ignore_index ? " and ignore_index=" + std::to_string(*f.ignore_index) : std::string();
}

// The weighted exact state's per-row weights (float32 [N]), or nullptr while the state is unweighted:
// found by position (CurveStates::row_weights_at), the name only checked.
template <class S>
auto* row_weights_of(const CurveFormat& f, S& s) {
  auto& vars = s.vars();
  using Var = std::remove_reference_t<decltype(vars[0])>;
  if (f.binned || vars.size() <= f.states.row_weights_at) return static_cast<Var*>(nullptr);
  Var& w = vars[f.states.row_weights_at];
  if (w.name != kSampleWeightState)
    fail("internal: ", f.metric, " has state '", w.name, "' where '", kSampleWeightState, "' belongs");
  return &w;
}

// Target labels as int64 (kNotALabel for a non-integral float), with V2 checked.
std::vector<std::int64_t> read_target(const CurveFormat& f, const TensorView& target) {
  std::vector<std::int64_t> out(static_cast<std::size_t>(target.numel()));
  visit_elements(target, [&](auto t) {
    for (std::size_t i = 0; i < t.size(); ++i) {
      std::int64_t v = label_of(t[i]);
      if (v == kNotALabel && f.validate)
        fail(f.metric, ": `target` is a float tensor holding the non-integral value ",
             format_number(static_cast<double>(t[i])), " at flat index ", i,
             "; a target must hold class labels (integers, or floats with integral values)");
      out[i] = v;
    }
  });
  return out;
}

// Preds as doubles (V4 checked); f32 tells whether scores live in float32 (float32 or integer preds).
std::vector<double> read_preds(const CurveFormat& f, const TensorView& preds) {
  std::vector<double> out(static_cast<std::size_t>(preds.numel()));
  visit_elements(preds, [&](auto p) {
    for (std::size_t i = 0; i < p.size(); ++i) {
      double v = static_cast<double>(p[i]);
      if (f.validate && !std::isfinite(v))
        fail(f.metric, ": `preds` holds ", format_number(v), " at flat index ", i,
             "; NaN and +/-Infinity are rejected (float preds must be probabilities or finite logits)");
      out[i] = v;
    }
  });
  return out;
}

inline double sigmoid_of(double x, bool f32) {
  if (f32) return static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(static_cast<float>(x)))));
  return 1.0 / (1.0 + std::exp(-x));
}

// The logits decision (C3) over the values `test` selects; throws for input_kind='probs'.
bool use_logits(const CurveFormat& f, bool any_outside) {
  if (f.kind == InputKind::logits) return true;
  if (f.kind == InputKind::probs) {
    if (any_outside && f.validate) fail(f.metric, ": input_kind='probs' but `preds` holds values outside [0, 1]");
    return false;
  }
  return any_outside;
}

inline bool outside01(double v) { return !(v >= 0 && v <= 1); }

// Row softmax as torch does it on CPU: max, exp(x - max), sum, times 1/sum (in float32 for float32).
void softmax_row(double* row, std::int64_t C, bool f32) {
  if (f32) {
    float m = static_cast<float>(row[0]);
    for (std::int64_t c = 1; c < C; ++c) m = std::max(m, static_cast<float>(row[c]));
    float sum = 0;
    std::vector<float> e(static_cast<std::size_t>(C));
    for (std::int64_t c = 0; c < C; ++c) {
      e[c] = static_cast<float>(std::exp(static_cast<double>(static_cast<float>(row[c]) - m)));
      sum += e[c];
    }
    const float inv = 1.0f / sum;
    for (std::int64_t c = 0; c < C; ++c) row[c] = e[c] * inv;
    return;
  }
  double m = row[0];
  for (std::int64_t c = 1; c < C; ++c) m = std::max(m, row[c]);
  double sum = 0;
  for (std::int64_t c = 0; c < C; ++c) {
    row[c] = std::exp(row[c] - m);
    sum += row[c];
  }
  const double inv = 1.0 / sum;
  for (std::int64_t c = 0; c < C; ++c) row[c] *= inv;
}

// How many (sorted) thresholds are <= v: the histogram bin of score v (preds >= threshold, C1).
inline std::int64_t bin_of(const CurveFormat& f, double v) {
  const auto& t = f.sorted_thr;
  const std::int64_t T = static_cast<std::int64_t>(t.size());
  if (!(v == v)) return 0;  // NaN >= threshold is false
  if (f.linspace && T >= 2) {
    std::int64_t g = v <= 0   ? 0
                     : v >= 1 ? T
                              : static_cast<std::int64_t>(std::floor(v * static_cast<double>(T - 1))) + 1;
    if (g > T) g = T;
    while (g < T && static_cast<double>(t[g]) <= v) ++g;
    while (g > 0 && static_cast<double>(t[g - 1]) > v) --g;
    return g;
  }
  return std::upper_bound(t.begin(), t.end(), v, [](double a, float b) { return a < static_cast<double>(b); }) -
         t.begin();
}

// Fast paths for the common case: float32 probabilities in [+0, 1] with uint8 (binary) or int32
// (multiclass [N, C]) targets in range. One pass checks the batch (kernels/curve_batch: the largest
// float bit pattern and the largest target) and, binned, counts it into a local histogram at the
// same time; exact batches are then copied into the state as they are. Anything else (logits,
// NaN, a bad or ignored target, another dtype or shape) returns false before the state is touched
// and takes the general path, which gives the same state and reports errors as before.

// ignore_index could equal a valid label (0 or 1 binary, 0..C-1 multiclass): the general path
// drops those rows.
bool ignore_hits_labels(const CurveFormat& f, std::int64_t labels) {
  return f.ignore_index && *f.ignore_index >= 0 && *f.ignore_index < labels;
}

// Adds a batch's local counts to the state's int64 histogram.
void add_counts(const CurveFormat& f, State& s, const std::vector<std::int64_t>& counts) {
  std::int64_t* hist = f.states.hist.span(s).data();
  for (std::size_t i = 0; i < counts.size(); ++i) hist[i] += counts[i];
}

// Runs a fused binning pass over [0, n) in chunks whose uint32 counters cannot overflow, summing
// them into `counts`; false as soon as a chunk is not the common case.
template <class Pass>
bool bin_in_chunks(std::size_t n, std::size_t per_item, std::vector<std::int64_t>& counts, Pass pass) {
  constexpr std::size_t kChunkElements = std::size_t{1} << 30;
  std::vector<std::uint32_t> local(counts.size());
  const std::size_t chunk = std::max<std::size_t>(1, kChunkElements / std::max<std::size_t>(per_item, 1));
  for (std::size_t at = 0; at < n; at += chunk) {
    std::fill(local.begin(), local.end(), 0u);
    if (!pass(at, std::min(chunk, n - at), local.data())) return false;
    for (std::size_t i = 0; i < local.size(); ++i) counts[i] += local[i];
  }
  return true;
}

bool binary_f32_u8_update(const CurveFormat& f, State& s, const TensorView& preds, const TensorView& target) {
  if (f.task != Task::binary || preds.dtype != DType::float32 || target.dtype != DType::uint8) return false;
  if (f.kind == InputKind::logits || ignore_hits_labels(f, 2)) return false;
  const float* p = preds.as<float>();
  const std::uint8_t* t = target.as<std::uint8_t>();
  const std::size_t n = static_cast<std::size_t>(preds.numel());
  if (f.binned) {
    const kernels::ThresholdBins bins(f.sorted_thr, f.linspace);
    std::vector<std::int64_t> counts((f.sorted_thr.size() + 1) * 2, 0);
    const bool ok = bin_in_chunks(n, 1, counts, [&](std::size_t at, std::size_t m, std::uint32_t* local) {
      const kernels::BinnedChecks c = kernels::bin_binary(bins, p + at, t + at, m, local);
      return c.max_bits <= kernels::kOneF32Bits && c.max_target <= 1;
    });
    if (!ok) return false;
    add_counts(f, s, counts);
    return true;
  }
  if (kernels::max_bits_f32(p, n) > kernels::kOneF32Bits || kernels::max_u8(t, n) > 1) return false;
  f.states.scores.append(s, std::span<const float>(p, n));
  f.states.target_u8.append(s, std::span<const std::uint8_t>(t, n));
  return true;
}

// Multiclass preds float32 [N, C] (no extra dims) with int32 target [N].
bool multiclass_f32_i32_update(const CurveFormat& f, State& s, const TensorView& preds, const TensorView& target) {
  if (f.task != Task::multiclass || preds.dtype != DType::float32 || target.dtype != DType::int32 || preds.ndim() != 2)
    return false;
  const std::int64_t K = f.classes;
  if (f.kind == InputKind::logits || ignore_hits_labels(f, K)) return false;
  const std::size_t N = static_cast<std::size_t>(preds.shape[0]);
  const float* p = preds.as<float>();
  const std::int32_t* t = target.as<std::int32_t>();
  if (f.binned) {
    const kernels::ThresholdBins bins(f.sorted_thr, f.linspace);
    std::vector<std::int64_t> counts(static_cast<std::size_t>(f.state_classes()) * (f.sorted_thr.size() + 1) * 2, 0);
    const bool has_ii = f.ignore_index.has_value();
    const std::int64_t ii = has_ii ? *f.ignore_index : 0;
    const bool ok =
        bin_in_chunks(N, static_cast<std::size_t>(K), counts, [&](std::size_t at, std::size_t m, std::uint32_t* local) {
          const kernels::BinnedChecks c =
              kernels::bin_multiclass(bins, p + at * K, t + at, m, K, f.micro, has_ii, ii, local);
          return c.max_bits <= kernels::kOneF32Bits && c.max_target < static_cast<std::uint32_t>(K);
        });
    // the preds of ignored rows are not binned but must pass V4 all the same
    if (!ok || (has_ii && kernels::max_bits_f32(p, N * K) > kernels::kOneF32Bits)) return false;
    add_counts(f, s, counts);
    return true;
  }
  // a row labelled ignore_index (outside [0, C) here) fails the range check: general path
  if (kernels::max_bits_f32(p, N * K) > kernels::kOneF32Bits ||
      kernels::max_as_u32(t, N) >= static_cast<std::uint32_t>(K))
    return false;
  f.states.scores.append(s, std::span<const float>(p, N * K));
  f.states.target_i32.append(s, std::span<const std::int32_t>(t, N));
  return true;
}

// A batch's kept scores at the input's precision (curve.hpp): float32 for float32 and integer preds,
// float64 for float64 preds, appended to the fresh batch state's `scores` (then float64).
class KeptScores {
 public:
  explicit KeptScores(bool f32) : f32_(f32) {}
  void reserve(std::size_t n) { f32_ ? f_.reserve(n) : d_.reserve(n); }
  void resize(std::size_t n) { f32_ ? f_.resize(n) : d_.resize(n); }
  void push_back(double v) {
    if (f32_)
      f_.push_back(static_cast<float>(v));
    else
      d_.push_back(v);
  }
  void set(std::size_t i, double v) {
    if (f32_)
      f_[i] = static_cast<float>(v);
    else
      d_[i] = v;
  }
  void append_to(const CurveFormat& f, State& s) const {
    StateVar& v = f.states.scores.var(s);  // float32, or float64 below
    if (f32_) {
      v.append<float>(f_);
      return;
    }
    promote_to_float64(v);  // still empty: the batch state is fresh
    v.append<double>(d_);
  }

 private:
  bool f32_;
  std::vector<float> f_;
  std::vector<double> d_;
};

}  // namespace

// ---- format / options ----

void CurveFormat::prepare() {
  const std::size_t T = thresholds.size();
  sorted_to_given.resize(T);
  std::iota(sorted_to_given.begin(), sorted_to_given.end(), 0);
  std::stable_sort(sorted_to_given.begin(), sorted_to_given.end(),
                   [&](std::int32_t a, std::int32_t b) { return thresholds[a] < thresholds[b]; });
  sorted_thr.resize(T);
  for (std::size_t j = 0; j < T; ++j) sorted_thr[j] = thresholds[sorted_to_given[j]];
}

OptionSpec thresholds_option() {
  return {.name = "thresholds",
          .type = OptionType::number_list,
          .default_value = nullptr,
          .nullable = true,
          .doc =
              "null: exact curve from every score (state grows with the samples); an integer n >= 2: n thresholds "
              "linspace(0, 1, n) in float32; an array of numbers in [0, 1]: those thresholds (binned, constant "
              "memory; a score counts as positive at threshold t iff score >= t)"};
}

// 512 MiB of kept scores: the sort at compute() needs a few times that again, and all of it has to
// fit in the 4 GB the WebAssembly heap can grow to, next to the batch being copied in.
OptionSpec max_state_bytes_option() {
  return {.name = "max_state_bytes",
          .type = OptionType::integer,
          .default_value = std::int64_t{1} << 29,
          .min = 1,
          .max = 3.0 * (1 << 30),
          .doc =
              "thresholds=null only: the most bytes the exact state (every kept score) may hold; an update() "
              "that would exceed it is rejected with an Error (state unchanged). Default 512 MiB (about 100 "
              "million binary samples); binned thresholds need constant memory instead"};
}

void curve_check_budget(const CurveFormat& f, const State& into, const State& batch) {
  if (f.binned || f.max_state_bytes <= 0) return;
  const std::size_t now = into.byte_size();
  std::size_t after = now + batch.byte_size();
  // merge_states promotes float32 kept scores meeting float64 ones (weighted_state.hpp): count them
  // at 8 bytes
  const StateVar& a = f.states.scores.var(into);
  const StateVar& b = f.states.scores.var(batch);
  if (a.dtype != b.dtype) after += (a.dtype == DType::float32 ? a : b).bytes.size();
  if (after <= static_cast<std::size_t>(f.max_state_bytes)) return;
  const char* per = f.task == Task::binary ? "5 bytes per kept sample, 9 for float64 preds"
                    : f.task == Task::multiclass
                        ? "4*num_classes+4 bytes per kept sample, 8*num_classes+4 for float64 preds"
                        : "5*num_labels bytes per sample, 9*num_labels for float64 preds";
  fail(f.metric, ": the exact curve state (thresholds=null, ", per, ") would grow from ", now, " to ", after,
       " bytes, over max_state_bytes=", f.max_state_bytes,
       "; this update was rejected (state unchanged). Use binned thresholds for constant memory, e.g. "
       "`thresholds: 1000`, or raise `maxStateBytes` (the WebAssembly heap holds at most 4 GB)");
}

OptionSpec curve_input_kind_option(Task task) {
  return {.name = "input_kind",
          .type = OptionType::string,
          .default_value = "auto",
          .choices = {"auto", "probs", "logits"},
          .doc = std::string("'auto' (TorchMetrics' rule): float preds are logits (") +
                 (task == Task::multiclass ? "softmax over classes" : "sigmoid") +
                 ") if any kept value of that update() call lies outside [0, 1], else probabilities; 'probs': used "
                 "as given (values outside [0, 1] are an error); 'logits': always " +
                 (task == Task::multiclass ? "softmax" : "sigmoid") + " first"};
}

namespace {

// num_classes / num_labels of a curve: required, at least 2, and small enough for the int32 codes.
std::int64_t curve_class_count(const Options& o, const char* option) {
  if (o.is_null(option)) fail(o.metric(), ": option '", option, "' is required");
  const std::int64_t n = o.get_int(option);
  if (n < 2) fail(o.metric(), ": Expected argument `", option, "` to be an integer larger than 1, but got ", n);
  if (n > std::numeric_limits<std::int32_t>::max() / 2) fail(o.metric(), ": option '", option, "' is too large: ", n);
  return n;
}

}  // namespace

CurveFormat curve_format_from_options(const Options& o, Task task) {
  CurveFormat f;
  f.metric = o.metric();
  f.task = task;
  const Json& all = o.json();
  if (task == Task::multiclass) {
    f.classes = curve_class_count(o, "num_classes");
  } else if (task == Task::multilabel) {
    f.classes = curve_class_count(o, "num_labels");
  }
  const Json& thr = o.raw("thresholds");
  if (thr.is_number()) {
    double n = thr.get<double>();
    if (std::floor(n) != n)
      fail(f.metric,
           ": Expected argument `thresholds` to either be an integer, list of floats or tensor of floats, "
           "but got ",
           json_text(thr));
    if (n < 2)
      fail(f.metric, ": If argument `thresholds` is an integer, expected it to be larger than 1, but got ",
           json_text(thr));
    if (n > kMaxThresholds)
      fail(f.metric, ": option 'thresholds' must be at most ", kMaxThresholds,
           " (each threshold is a bin of every class's "
           "histogram, updated and scanned at every compute(); thresholds=null gives the exact curve), got ",
           json_text(thr));
    const std::int64_t T = static_cast<std::int64_t>(n);
    // torch.linspace(0, 1, T) in float32: start + step*i below the half, end - step*(T-1-i) above
    const float step = 1.0f / static_cast<float>(T - 1);
    for (std::int64_t i = 0; i < T; ++i)
      f.thresholds.push_back(i < T / 2 ? 0.0f + step * static_cast<float>(i)
                                       : 1.0f - step * static_cast<float>(T - 1 - i));
    f.binned = true;
    f.linspace = true;
  } else if (thr.is_array()) {
    if (thr.size() > static_cast<std::size_t>(kMaxThresholds))
      fail(f.metric, ": option 'thresholds' may list at most ", kMaxThresholds,
           " values (each threshold is a bin of every "
           "class's histogram, updated and scanned at every compute(); thresholds=null gives the exact curve), got ",
           thr.size());
    for (std::size_t i = 0; i < thr.size(); ++i) {
      double v = thr[i].get<double>();
      if (!(v >= 0 && v <= 1))
        fail(f.metric,
             ": If argument `thresholds` is a list, expected all elements to be floats in the [0,1] range, "
             "but got ",
             json_text(thr));
      f.thresholds.push_back(static_cast<float>(v));
    }
    f.binned = true;
  }
  if (all.contains("ignore_index") && !o.is_null("ignore_index")) f.ignore_index = o.get_int("ignore_index");
  if (all.contains("validate_args")) f.validate = o.get_bool("validate_args");
  if (all.contains("max_state_bytes")) f.max_state_bytes = o.get_int("max_state_bytes");
  if (all.contains("input_kind")) {
    std::string k = o.get_string("input_kind");
    f.kind = k == "probs" ? InputKind::probs : k == "logits" ? InputKind::logits : InputKind::auto_detect;
  }
  f.prepare();
  return f;
}

// ---- state ----

void declare_curve_states(StateLayout& layout, CurveFormat& f) {
  CurveStates& c = f.states;
  if (f.binned) {
    c.hist = layout.add<std::int64_t>("hist", Reduction::sum,
                                      {f.state_classes(), static_cast<std::int64_t>(f.thresholds.size()) + 1, 2});
    c.row_weights_at = c.hist.index() + 1;
    return;
  }
  std::size_t last = 0;
  switch (f.task) {
    case Task::binary:
      c.scores = layout.add<float>(kKeptScoresState, Reduction::cat, {0});
      c.target_u8 = layout.add<std::uint8_t>("target", Reduction::cat, {0});
      last = c.target_u8.index();
      break;
    case Task::multiclass:
      c.scores = layout.add<float>(kKeptScoresState, Reduction::cat, {0, f.classes});
      c.target_i32 = layout.add<std::int32_t>("target", Reduction::cat, {0});
      last = c.target_i32.index();
      break;
    case Task::multilabel:
      c.scores = layout.add<float>(kKeptScoresState, Reduction::cat, {0, f.classes});
      c.target_u8 = layout.add<std::uint8_t>("target", Reduction::cat, {0, f.classes});
      last = c.target_u8.index();
      break;
  }
  c.row_weights_at = last + 1;
}

bool has_row_weights(const CurveFormat& f, const State& s) { return row_weights_of(f, s) != nullptr; }

// ---- update: the steps of curve_update ----

namespace {

// Shapes (preds [N, C, ...] with target [N, ...] for multiclass; equal shapes otherwise) and the
// float dtype of preds.
void check_update_shapes(const CurveFormat& f, const TensorView& preds, const TensorView& target) {
  const std::int64_t K = f.classes;
  if (f.task == Task::multiclass) {
    if (preds.ndim() != target.ndim() + 1)
      fail(f.metric, ": Expected `preds` to have one more dimension than `target` but got ", preds.ndim(), " and ",
           target.ndim());
    if (target.ndim() < 1)  // 1-D preds with a scalar target: no class dimension (found by fuzz_metrics)
      fail(f.metric,
           ": Expected the shape of `preds` should be (N, C, ...) and the shape of `target` should be (N, ...) "
           "but got ",
           shape_str(preds.shape), " and ", shape_str(target.shape));
    if (preds.shape[1] != K)
      fail(f.metric, ": Expected `preds.shape[1]` to be equal to the number of classes but got ", preds.shape[1],
           " and ", K, ".");
    Shape rest(preds.shape.begin() + 2, preds.shape.end());
    Shape trest(target.shape.begin() + 1, target.shape.end());
    if (preds.shape[0] != target.shape[0] || rest != trest)
      fail(f.metric,
           ": Expected the shape of `preds` should be (N, C, ...) and the shape of `target` should be (N, ...) "
           "but got ",
           shape_str(preds.shape), " and ", shape_str(target.shape));
  } else {
    if (preds.shape != target.shape)
      fail(f.metric, ": Predictions and targets are expected to have the same shape, but got ", shape_str(preds.shape),
           " and ", shape_str(target.shape));
    if (preds.ndim() < (f.task == Task::multilabel ? 2 : 1))
      fail(f.metric, ": `preds` and `target` must be ",
           f.task == Task::multilabel ? "[N, num_labels, ...]" : "[N, ...]", ", got shape ", shape_str(preds.shape));
    if (f.task == Task::multilabel && preds.shape[1] != K)
      fail(f.metric,
           ": Expected both `target.shape[1]` and `preds.shape[1]` to be equal to the number of labels but got ",
           preds.shape[1], " and expected ", K);
  }
  if (!is_floating(preds.dtype) && !f.int_preds_ok)
    fail(f.metric,
         ": Expected argument `preds` to be an floating tensor with probability/logit scores, but got tensor "
         "with dtype ",
         dtype_name(preds.dtype));
}

// V1 (multiclass labels in [0, C)) / V3 (binary and multilabel targets 0 or 1), ignored labels aside.
void check_target_values(const CurveFormat& f, const std::vector<std::int64_t>& t) {
  if (!f.validate) return;
  const std::int64_t K = f.classes;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::int64_t v = t[i];
    if (f.ignore_index && v == *f.ignore_index) continue;
    if (f.task == Task::multiclass) {
      if (v < 0 || v >= K)
        fail(f.metric, ": Expected `target` to hold class labels in [0, ", K, ")", ignore_index_text(f), ", but found ",
             v, " at flat index ", i);
    } else if (v != 0 && v != 1) {
      fail(f.metric, ": Detected the value ", v, " in `target` at flat index ", i, " but expected only the values 0, 1",
           ignore_index_text(f));
    }
  }
}

// Where the general path puts a batch: the fresh batch state `s`, binned (one count, or one
// sample weight, per (class, bin, target bit)) or exact (kept scores and targets, and one weight
// per kept row when weighted). `row_weight` holds one weight per row of preds (empty: unweighted).
class GeneralBatch {
 public:
  GeneralBatch(const CurveFormat& f, State& s, const TensorView& preds, bool weighted, std::vector<double> row_weight)
      : scores(preds.dtype != DType::float64),
        f_(f),
        s_(s),
        weighted_(weighted),
        row_weight_(std::move(row_weight)),
        T1_(static_cast<std::int64_t>(f.thresholds.size()) + 1),
        preds_f32_(preds.dtype != DType::float64) {
    // elements (binary) or rows (multiclass / multilabel, n * X + x) per row of preds
    const std::int64_t N0 = preds.shape.empty() ? 1 : preds.shape[0];
    const std::int64_t K = f.classes;
    per_n_ = N0 == 0 ? 1 : (f.task == Task::binary ? preds.numel() / N0 : (K == 0 ? 1 : preds.numel() / (N0 * K)));
    if (f.binned) {
      if (weighted_)
        whist_ = f.states.hist.var(s).as<double>().data();  // promoted: not the slot's int64
      else
        hist_ = f.states.hist.span(s).data();
    }
  }
  bool f32() const { return preds_f32_; }
  bool ignored(std::int64_t label) const { return f_.ignore_index && label == *f_.ignore_index; }
  // binned: one score of class k with target bit `bit`; `at` is the element (binary) or row whose
  // weight counts
  void count(std::int64_t k, double score, int bit, std::int64_t at) {
    const std::int64_t cell = (k * T1_ + bin_of(f_, score)) * 2 + bit;
    if (weighted_)
      whist_[cell] += weight_of(at);
    else
      ++hist_[cell];
  }
  // exact, weighted: the weight of one kept row
  void keep_weight(std::int64_t at) {
    if (weighted_) kept_weight_.push_back(static_cast<float>(weight_of(at)));
  }
  // exact: the kept scores, the targets and the kept rows' weights into the state
  template <class Target>
  void append(const std::vector<Target>& tg) {
    scores.append_to(f_, s_);
    if constexpr (std::is_same_v<Target, std::int32_t>)
      f_.states.target_i32.append(s_, tg);
    else
      f_.states.target_u8.append(s_, tg);
    if (weighted_) row_weights_of(f_, s_)->template append<float>(kept_weight_);
  }

  KeptScores scores;

 private:
  double weight_of(std::int64_t element_or_row) const {
    return row_weight_[static_cast<std::size_t>(element_or_row / per_n_)];
  }
  const CurveFormat& f_;
  State& s_;
  bool weighted_;
  std::vector<double> row_weight_;
  std::int64_t T1_;
  bool preds_f32_;
  std::int64_t per_n_ = 1;
  std::int64_t* hist_ = nullptr;
  double* whist_ = nullptr;
  std::vector<float> kept_weight_;
};

void update_binary(const CurveFormat& f, GeneralBatch& b, const std::vector<double>& p,
                   const std::vector<std::int64_t>& t) {
  bool outside = false;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!b.ignored(t[i]) && outside01(p[i])) {
      outside = true;
      break;
    }
  const bool logits = use_logits(f, outside);
  const bool f32 = b.f32();
  std::vector<std::uint8_t> tg;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (b.ignored(t[i])) continue;
    const double v = logits ? sigmoid_of(p[i], f32) : p[i];
    const int bit = t[i] == 1 ? 1 : 0;
    if (f.binned) {
      b.count(0, f32 ? static_cast<double>(static_cast<float>(v)) : v, bit, static_cast<std::int64_t>(i));
    } else {
      b.scores.push_back(v);
      tg.push_back(static_cast<std::uint8_t>(bit));
      b.keep_weight(static_cast<std::int64_t>(i));
    }
  }
  if (!f.binned) b.append(tg);
}

// rows[(n * X + x) * K + k] = p[(n * K + k) * X + x]: preds [N, K, X...] as rows x classes.
std::vector<double> class_rows(const std::vector<double>& p, std::int64_t N, std::int64_t K, std::int64_t X) {
  std::vector<double> rows(static_cast<std::size_t>(N * X * K));
  for (std::int64_t n = 0; n < N; ++n)
    for (std::int64_t k = 0; k < K; ++k)
      for (std::int64_t x = 0; x < X; ++x) rows[(n * X + x) * K + k] = p[(n * K + k) * X + x];
  return rows;
}

void update_multiclass(const CurveFormat& f, GeneralBatch& b, const std::vector<double>& p,
                       const std::vector<std::int64_t>& t, std::int64_t N, std::int64_t X) {
  const std::int64_t K = f.classes;
  const std::int64_t R = N * X;
  std::vector<double> rows = class_rows(p, N, K, X);
  // drop ignored rows first, then the logits test and softmax over the kept rows (C4)
  std::vector<std::int64_t> kept;
  kept.reserve(static_cast<std::size_t>(R));
  for (std::int64_t r = 0; r < R; ++r)
    if (!b.ignored(t[r])) kept.push_back(r);
  bool outside = false;
  for (std::int64_t r : kept) {
    for (std::int64_t k = 0; k < K && !outside; ++k) outside = outside01(rows[r * K + k]);
    if (outside) break;
  }
  const bool logits = use_logits(f, outside);
  const bool f32 = b.f32();
  std::vector<std::int32_t> tg;
  if (!f.binned) {
    b.scores.reserve(kept.size() * K);
    tg.reserve(kept.size());
  }
  for (std::int64_t r : kept) {
    double* row = rows.data() + r * K;
    if (logits) softmax_row(row, K, f32);
    const std::int64_t label = t[r];
    if (f.binned) {
      for (std::int64_t k = 0; k < K; ++k) {
        const double v = f32 ? static_cast<double>(static_cast<float>(row[k])) : row[k];
        b.count(f.micro ? 0 : k, v, label == k ? 1 : 0, r);
      }
    } else {
      for (std::int64_t k = 0; k < K; ++k) b.scores.push_back(row[k]);
      tg.push_back(label >= 0 && label < K ? static_cast<std::int32_t>(label) : -1);
      b.keep_weight(r);
    }
  }
  if (!f.binned) b.append(tg);
}

void update_multilabel(const CurveFormat& f, GeneralBatch& b, const std::vector<double>& p,
                       const std::vector<std::int64_t>& t, std::int64_t N, std::int64_t X) {
  const std::int64_t K = f.classes;
  const std::int64_t R = N * X;
  // the logits test looks at the whole tensor, ignored entries included (TorchMetrics'
  // _multilabel_precision_recall_curve_format applies sigmoid before masking)
  bool outside = false;
  for (double v : p)
    if (outside01(v)) {
      outside = true;
      break;
    }
  const bool logits = use_logits(f, outside);
  const bool f32 = b.f32();
  std::vector<std::uint8_t> tg;
  if (!f.binned) {
    b.scores.resize(static_cast<std::size_t>(R * K));
    tg.resize(static_cast<std::size_t>(R * K));
  }
  for (std::int64_t n = 0; n < N; ++n)
    for (std::int64_t k = 0; k < K; ++k)
      for (std::int64_t x = 0; x < X; ++x) {
        const std::int64_t src = (n * K + k) * X + x;
        const std::int64_t dst = (n * X + x) * K + k;
        const double v = logits ? sigmoid_of(p[src], f32) : p[src];
        const std::int64_t label = t[src];
        if (f.binned) {
          if (b.ignored(label)) continue;
          b.count(k, f32 ? static_cast<double>(static_cast<float>(v)) : v, label == 1 ? 1 : 0, n * X + x);
        } else {
          b.scores.set(static_cast<std::size_t>(dst), v);
          tg[dst] = b.ignored(label) ? kIgnoredTarget : label == 1 ? 1 : 0;
        }
      }
  if (!f.binned) {
    for (std::int64_t r = 0; r < R; ++r) b.keep_weight(r);
    b.append(tg);
  }
}

}  // namespace

void curve_update(const CurveFormat& f, State& s, const TensorView& preds, const TensorView& target,
                  const TensorView* sample_weight) {
  check_update_shapes(f, preds, target);
  // Sample weights (one per row of preds, N = preds.shape[0]): read after the shape checks; the
  // state is then in the weighted layout (float64 hist, or a float32 weight beside each kept row).
  std::vector<double> row_weight;
  if (sample_weight) {
    if (preds.ndim() < 1) fail(f.metric, ": `sample_weight` needs `preds` of shape [N, ...], got a scalar");
    row_weight = read_sample_weight(f.metric, *sample_weight, preds.shape[0]);
    // the batch state (fresh) in the weighted layout (weighted_state.hpp)
    if (f.binned)
      promote_counts_to_float64(s);
    else if (!row_weights_of(f, s))  // the fresh batch state: added after the declared states
      s.add(kSampleWeightState, Reduction::cat, DType::float32, {0});
  } else {
    if (binary_f32_u8_update(f, s, preds, target)) return;
    if (multiclass_f32_i32_update(f, s, preds, target)) return;
  }
  const std::vector<double> p = read_preds(f, preds);          // V4
  const std::vector<std::int64_t> t = read_target(f, target);  // V2
  check_target_values(f, t);                                   // V1 / V3
  GeneralBatch b(f, s, preds, sample_weight != nullptr, std::move(row_weight));
  if (f.task == Task::binary) return update_binary(f, b, p, t);
  // multiclass / multilabel: rows r = n * X + x, column k at [(n * K + k) * X + x]
  const std::int64_t N = preds.shape[0];
  const std::int64_t K = f.classes;
  const std::int64_t X = N * K == 0 ? 1 : preds.numel() / (N * K);
  if (f.task == Task::multiclass) return update_multiclass(f, b, p, t, N, X);
  update_multilabel(f, b, p, t, N, X);
}

// ---- curves ----

namespace {

// The sorted (score, label) pairs of one exact curve: class k (per_class) or the pooled problem
// (micro), gathered out of the state straight into descending radix keys (the gather is the
// sort's histogram pass), then sorted. T: the state's score type (float, or double for a float64
// state).
template <class T>
struct SortedExact {
  kernels::DescKeys<kernels::DescKeyOf<T>> pairs;
  double positives = 0;      // labels that are 1
  bool recall_ones = false;  // TorchMetrics' "recall is all ones" flag of this curve
  T score(std::size_t i) const { return kernels::score_of_desc_key(pairs.keys()[i]); }
  // i is the last pair of its run of equal scores (float compare, as the curve's distinct thresholds)
  bool run_end(std::size_t i) const { return i + 1 == pairs.size() || score(i) != score(i + 1); }
};

// Throws when nothing is kept.
template <class T>
SortedExact<T> sorted_exact(const CurveFormat& f, const State& s, std::int64_t k, CurveSel sel) {
  SortedExact<T> out;
  auto& pairs = out.pairs;
  const std::int64_t K = f.classes;
  const StateVar& sv = f.states.scores.var(s);  // float32 or float64: T
  const std::size_t N = static_cast<std::size_t>(sv.shape[0]);
  const T* scores = sv.as<T>().data();
  std::size_t m = 0;  // pairs kept
  std::size_t positives = 0;
  if (f.task == Task::binary) {
    const std::uint8_t* tg = f.states.target_u8.span(s).data();
    auto w = pairs.fill(N);
    for (std::size_t i = 0; i < N; ++i) {
      w.put(i, kernels::desc_key(scores[i]), tg[i]);
      positives += tg[i];
    }
    m = N;
    pairs.finish(w, m);
  } else if (f.task == Task::multiclass) {
    const std::int32_t* tg = f.states.target_i32.span(s).data();
    if (sel == CurveSel::micro) {
      auto w = pairs.fill(N * static_cast<std::size_t>(K));
      for (std::size_t r = 0; r < N; ++r)
        for (std::int64_t j = 0; j < K; ++j, ++m) {
          const std::uint8_t v = tg[r] == j ? 1 : 0;
          w.put(m, kernels::desc_key(scores[m]), v);
          positives += v;
        }
      pairs.finish(w, m);
    } else {
      auto w = pairs.fill(N);
      bool all_zero = true;
      for (std::size_t r = 0; r < N; ++r) {
        const std::uint8_t v = tg[r] == k ? 1 : 0;
        w.put(r, kernels::desc_key(scores[r * K + k]), v);
        positives += v;
        all_zero = all_zero && tg[r] == 0;
      }
      m = N;
      pairs.finish(w, m);
      out.recall_ones = all_zero;  // C14: TorchMetrics tests state[1] == 0, i.e. every target is class 0
    }
  } else {
    const std::uint8_t* tg = f.states.target_u8.span(s).data();
    const bool one = sel == CurveSel::per_class;
    auto w = pairs.fill(one ? N : N * static_cast<std::size_t>(K));
    for (std::size_t r = 0; r < N; ++r)
      for (std::int64_t j = one ? k : 0; j < (one ? k + 1 : K); ++j) {
        const std::uint8_t v = tg[r * K + j];
        if (v == kIgnoredTarget) continue;
        w.put(m++, kernels::desc_key(scores[r * K + j]), v);
        positives += v;
      }
    pairs.finish(w, m);
  }
  if (m == 0)
    fail(f.metric, ": compute() needs at least one sample that is not ignored (TorchMetrics raises here too)");
  out.positives = static_cast<double>(positives);
  if (!(f.task == Task::multiclass && sel == CurveSel::per_class)) out.recall_ones = out.positives == 0;
  pairs.sort();
  return out;
}

// TorchMetrics' _binary_clf_curve: one point per distinct score, with the cumulative counts there.
template <class T>
void build_exact(const SortedExact<T>& e, ClassCurve& c) {
  const std::size_t n = e.pairs.size();
  const auto& labels = e.pairs.labels();
  // sized exactly (growth by doubling would peak at twice its 12 bytes per point, and copy it)
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < n; ++i) distinct += e.run_end(i);
  c.tps.reserve(distinct);
  c.fps.reserve(distinct);
  c.thr.reserve(distinct);
  double tps = 0;
  for (std::size_t i = 0; i < n; ++i) {
    tps += labels[i];
    if (e.run_end(i)) {
      c.tps.push_back(static_cast<float>(tps));
      c.fps.push_back(static_cast<float>(static_cast<double>(i + 1) - tps));
      c.thr.push_back(static_cast<double>(e.score(i)));
    }
  }
  c.recall_ones = e.recall_ones;
  c.f64 = std::is_same_v<T, double>;
}

// Weighted exact curve (the state has a `weight` beside each row): the (score, label, weight)
// triples of class k (per_class) or of the pooled problem (micro), rows of weight 0 dropped (they
// make no threshold, as scikit-learn drops them), sorted by score descending; tps / fps are the
// cumulative sums of the weights (in double) at the end of each run of equal scores.
template <class T>
void build_weighted_exact(const CurveFormat& f, const State& s, std::int64_t k, CurveSel sel, ClassCurve& c) {
  const std::int64_t K = f.classes;
  const StateVar& sv = f.states.scores.var(s);  // float32 or float64: T
  const std::int64_t N = sv.shape[0];
  auto scores = sv.as<T>();
  auto weight = row_weights_of(f, s)->template as<float>();
  std::vector<T> keys;
  std::vector<float> wts;
  std::vector<std::uint8_t> labels;
  auto keep = [&](T key, std::uint8_t label, float w) {
    if (w == 0) return;
    keys.push_back(key);
    labels.push_back(label);
    wts.push_back(w);
  };
  bool any_kept = false;
  if (f.task == Task::binary) {
    auto tg = f.states.target_u8.span(s);
    for (std::int64_t r = 0; r < N; ++r) keep(scores[r], tg[r], weight[r]);
    any_kept = N > 0;
  } else if (f.task == Task::multiclass) {
    auto tg = f.states.target_i32.span(s);
    for (std::int64_t r = 0; r < N; ++r)
      for (std::int64_t j = 0; j < K; ++j)
        if (sel == CurveSel::micro || j == k) keep(scores[r * K + j], tg[r] == j ? 1 : 0, weight[r]);
    any_kept = N > 0;
  } else {
    auto tg = f.states.target_u8.span(s);
    for (std::int64_t r = 0; r < N; ++r)
      for (std::int64_t j = 0; j < K; ++j) {
        if (sel == CurveSel::per_class && j != k) continue;
        const std::uint8_t v = tg[r * K + j];
        if (v == kIgnoredTarget) continue;
        any_kept = true;
        keep(scores[r * K + j], v, weight[r]);
      }
  }
  if (!any_kept)
    fail(f.metric, ": compute() needs at least one sample that is not ignored (TorchMetrics raises here too)");
  if (keys.empty())
    fail(f.metric, ": compute() needs at least one sample of weight > 0 (every sample_weight so far is 0)");
  std::vector<std::uint32_t> order(keys.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return keys[a] > keys[b]; });
  double tps = 0, fps = 0;
  bool any_pos = false;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::uint32_t o = order[i];
    const double w = wts[o];
    if (labels[o]) {
      tps += w;
      any_pos = true;
    } else {
      fps += w;
    }
    if (i + 1 == order.size() || keys[o] != keys[order[i + 1]]) {
      c.tps.push_back(static_cast<float>(tps));
      c.fps.push_back(static_cast<float>(fps));
      c.thr.push_back(static_cast<double>(keys[o]));
    }
  }
  c.recall_ones = !any_pos;
  c.f64 = std::is_same_v<T, double>;
}

template <class T>
void exact_curve(const CurveFormat& f, const State& s, std::int64_t k, CurveSel sel, ClassCurve& c) {
  if (row_weights_of(f, s)) {
    build_weighted_exact<T>(f, s, k, sel, c);
    return;
  }
  build_exact(sorted_exact<T>(f, s, k, sel), c);
}

bool float64_scores(const CurveFormat& f, const State& s) { return f.states.scores.var(s).dtype == DType::float64; }

}  // namespace

ClassCurve class_curve(const CurveFormat& f, const State& s, std::int64_t k, CurveSel sel) {
  ClassCurve c;
  if (f.binned) {
    c.binned = true;
    const std::int64_t T = static_cast<std::int64_t>(f.thresholds.size());
    const std::int64_t T1 = T + 1;
    const std::vector<double> h = counts_of(f.states.hist.var(s));  // int64 counts, or float64 weighted sums
    std::vector<double> hb(static_cast<std::size_t>(T1 * 2), 0.0);
    const std::int64_t SK = f.state_classes();
    // One class's histogram, or all of them summed (micro). Not a scan of every class per class:
    // that was O(classes^2) over a per-class curve (1e6 labels: minutes; found by fuzz_metrics).
    const bool one = sel == CurveSel::per_class && SK > 1;
    for (std::int64_t kk = one ? k : 0; kk < (one ? k + 1 : SK); ++kk)
      for (std::int64_t i = 0; i < T1 * 2; ++i) hb[i] += static_cast<double>(h[kk * T1 * 2 + i]);
    c.tp.assign(static_cast<std::size_t>(T), 0.0);
    c.fp.assign(static_cast<std::size_t>(T), 0.0);
    double sp = 0, sn = 0;  // suffix sums over bins > j
    for (std::int64_t j = T - 1; j >= 0; --j) {
      sn += hb[(j + 1) * 2 + 0];
      sp += hb[(j + 1) * 2 + 1];
      c.tp[f.sorted_to_given[j]] = sp;
      c.fp[f.sorted_to_given[j]] = sn;
    }
    c.pos = sp + hb[1];
    c.neg = sn + hb[0];
    return c;
  }
  if (float64_scores(f, s))
    exact_curve<double>(f, s, k, sel, c);
  else
    exact_curve<float>(f, s, k, sel, c);
  return c;
}

namespace {

template <class T>
ExactArea exact_area(const CurveFormat& f, const State& s, std::int64_t k, CurveSel sel, bool average_precision) {
  const SortedExact<T> e = sorted_exact<T>(f, s, k, sel);
  const std::size_t n = e.pairs.size();
  // Raw pointers, integer counts and each decoded score carried to the next pair: the sweep is
  // one pass over the sorted keys (SortedExact::run_end's rule; counts are exact in double).
  const auto* keys = e.pairs.keys().data();
  const std::uint8_t* labels = e.pairs.labels().data();
  const bool recall_ones = e.recall_ones;
  const double total = e.positives;
  const float tl = static_cast<float>(total);
  const float fl = static_cast<float>(static_cast<double>(n) - total);
  ExactArea out{0.0f, static_cast<double>(tl)};
  double sum = 0;
  if (!average_precision) {
    // trapz_f32 over roc_points: (0, 0), then (fps / fps.back(), tps / tps.back()) per run, in order
    float x0 = 0.0f, y0 = 0.0f;
    std::uint64_t tps = 0;
    T score = kernels::score_of_desc_key(keys[0]);
    for (std::size_t i = 0; i < n; ++i) {
      tps += labels[i];
      if (i + 1 < n) {
        const T next = kernels::score_of_desc_key(keys[i + 1]);
        const bool same = next == score;
        score = next;
        if (same) continue;
      }
      const auto tpd = static_cast<double>(tps);
      const float tp = static_cast<float>(tpd), fp = static_cast<float>(static_cast<double>(i + 1) - tpd);
      const float x1 = fl <= 0 ? 0.0f : fp / fl;
      const float y1 = tl <= 0 ? 0.0f : tp / tl;
      const float dx = x1 - x0;
      const float ys = y1 + y0;
      sum += static_cast<double>(dx * ys);
      x0 = x1;
      y0 = y1;
    }
    out.value = static_cast<float>(sum) / 2.0f;
    return out;
  }
  // average_precision_f32 over prc_points: runs from the last to the first, then (precision 1, recall 0)
  std::uint64_t after = 0;  // positives after index i
  bool have_prev = false;
  float prev_precision = 0.0f, prev_recall = 0.0f;
  T above = 0;  // the score at i + 1 (unused at i = n - 1, the last run's end)
  for (std::size_t i = n; i-- > 0;) {
    const T score = kernels::score_of_desc_key(keys[i]);
    if (i + 1 == n || score != above) {
      const double tps = total - static_cast<double>(after);
      const float tp = static_cast<float>(tps), fp = static_cast<float>(static_cast<double>(i + 1) - tps);
      const float precision = tp / (tp + fp);
      const float recall = recall_ones ? 1.0f : tp / tl;
      if (have_prev) sum += static_cast<double>((recall - prev_recall) * prev_precision);
      prev_precision = precision;
      prev_recall = recall;
      have_prev = true;
    }
    above = score;
    after += labels[i];
  }
  sum += static_cast<double>((0.0f - prev_recall) * prev_precision);
  out.value = -static_cast<float>(sum);
  return out;
}

}  // namespace

ExactArea exact_area_f32(const CurveFormat& f, const State& s, std::int64_t k, CurveSel sel, bool average_precision) {
  if (float64_scores(f, s)) return exact_area<double>(f, s, k, sel, average_precision);
  return exact_area<float>(f, s, k, sel, average_precision);
}

namespace {
inline float safe_div(float a, float b) { return b != 0 ? a / b : 0.0f; }
}  // namespace

Curve3 prc_points(const ClassCurve& c, const std::vector<float>& given_thr) {
  Curve3 out;
  if (c.binned) {
    const std::size_t T = c.tp.size();
    for (std::size_t j = 0; j < T; ++j) {
      const float tp = static_cast<float>(c.tp[j]), fp = static_cast<float>(c.fp[j]);
      out.a.push_back(safe_div(tp, static_cast<float>(c.tp[j] + c.fp[j])));
      out.b.push_back(safe_div(tp, static_cast<float>(c.pos)));
      (void)fp;
    }
    out.a.push_back(1.0f);
    out.b.push_back(0.0f);
    out.thr.assign(given_thr.begin(), given_thr.end());
    return out;
  }
  const std::size_t n = c.tps.size();
  const float last = c.tps[n - 1];
  for (std::size_t i = n; i-- > 0;) {
    out.a.push_back(c.tps[i] / (c.tps[i] + c.fps[i]));
    out.b.push_back(c.recall_ones ? 1.0f : c.tps[i] / last);
    out.thr.push_back(c.thr[i]);
  }
  out.a.push_back(1.0f);
  out.b.push_back(0.0f);
  return out;
}

Curve3 roc_points(const ClassCurve& c, const std::vector<float>& given_thr) {
  Curve3 out;
  if (c.binned) {
    const std::size_t T = c.tp.size();
    for (std::size_t j = T; j-- > 0;) {
      out.a.push_back(safe_div(static_cast<float>(c.fp[j]), static_cast<float>(c.neg)));
      out.b.push_back(safe_div(static_cast<float>(c.tp[j]), static_cast<float>(c.pos)));
      out.thr.push_back(given_thr[j]);
    }
    return out;
  }
  const std::size_t n = c.tps.size();
  const float fl = c.fps[n - 1], tl = c.tps[n - 1];
  out.a.push_back(0.0f);
  out.b.push_back(0.0f);
  out.thr.push_back(1.0);
  for (std::size_t i = 0; i < n; ++i) {
    out.a.push_back(fl <= 0 ? 0.0f : c.fps[i] / fl);
    out.b.push_back(tl <= 0 ? 0.0f : c.tps[i] / tl);
    out.thr.push_back(c.thr[i]);
  }
  return out;
}

float trapz_f32(const std::vector<float>& y, const std::vector<float>& x) {
  double sum = 0;
  for (std::size_t i = 0; i + 1 < y.size(); ++i) {
    const float dx = x[i + 1] - x[i];
    const float s = y[i + 1] + y[i];
    sum += static_cast<double>(dx * s);
  }
  return static_cast<float>(sum) / 2.0f;
}

float average_precision_f32(const std::vector<float>& precision, const std::vector<float>& recall) {
  double sum = 0;
  for (std::size_t i = 0; i + 1 < recall.size(); ++i)
    sum += static_cast<double>((recall[i + 1] - recall[i]) * precision[i]);
  return -static_cast<float>(sum);
}

float binary_auroc_f32(const Curve3& roc, std::optional<double> max_fpr) {
  const auto& fpr = roc.a;
  const auto& tpr = roc.b;
  double fsum = 0, tsum = 0;
  for (float v : fpr) fsum += v;
  for (float v : tpr) tsum += v;
  if (!max_fpr || *max_fpr == 1 || fsum == 0 || tsum == 0) return trapz_f32(tpr, fpr);
  const float max_area = static_cast<float>(*max_fpr);
  const std::int64_t n = static_cast<std::int64_t>(fpr.size());
  // torch.bucketize(max_area, fpr, right=True): how many fpr are <= max_area (fpr ascending)
  const std::int64_t stop = std::upper_bound(fpr.begin(), fpr.end(), max_area) - fpr.begin();
  auto at = [&](std::int64_t i) -> std::int64_t {  // python indexing, IndexError as torch raises it
    if (i >= n || i < -n) fail("IndexError: index ", i, " is out of bounds for dimension 0 with size ", n);
    return i < 0 ? i + n : i;
  };
  const std::int64_t lo = at(stop - 1), hi = at(stop);
  const float weight = (max_area - fpr[lo]) / (fpr[hi] - fpr[lo]);
  // torch.lerp
  const float a = tpr[lo], b = tpr[hi];
  const float interp_tpr = std::fabs(weight) < 0.5f ? a + weight * (b - a) : b - (b - a) * (1.0f - weight);
  std::vector<float> f2(fpr.begin(), fpr.begin() + stop), t2(tpr.begin(), tpr.begin() + stop);
  f2.push_back(max_area);
  t2.push_back(interp_tpr);
  const float partial = trapz_f32(t2, f2);
  const float min_area = 0.5f * (max_area * max_area);
  return 0.5f * (1.0f + (partial - min_area) / (max_area - min_area));
}

Result reduce_scores(const std::vector<float>& res, const std::string& average, const std::vector<double>& weights) {
  if (average == "none") return tensor_f32(res);
  if (average == "macro") {
    double sum = 0;
    std::size_t cnt = 0;
    for (float v : res)
      if (!std::isnan(v)) {
        sum += v;
        ++cnt;
      }
    return Result::scalar(cnt ? static_cast<double>(static_cast<float>(sum / static_cast<double>(cnt)))
                              : std::numeric_limits<double>::quiet_NaN());
  }
  // weighted
  double wsum = 0;
  for (std::size_t i = 0; i < res.size(); ++i)
    if (!std::isnan(res[i])) wsum += static_cast<float>(weights[i]);
  double out = 0;
  for (std::size_t i = 0; i < res.size(); ++i) {
    if (std::isnan(res[i])) continue;
    const float w = wsum != 0 ? static_cast<float>(weights[i]) / static_cast<float>(wsum) : 0.0f;
    out += static_cast<double>(res[i] * w);
  }
  return Result::scalar(static_cast<double>(static_cast<float>(out)));
}

std::vector<float> interp_f32(const std::vector<float>& x, const std::vector<float>& xp, const std::vector<float>& fp) {
  const std::size_t M = xp.size() - 1;
  std::vector<float> m(M), b(M);
  for (std::size_t i = 0; i < M; ++i) {
    m[i] = safe_div(fp[i + 1] - fp[i], xp[i + 1] - xp[i]);
    if (std::isnan(fp[i + 1] - fp[i]) && xp[i + 1] - xp[i] != 0) m[i] = std::numeric_limits<float>::quiet_NaN();
    b[i] = fp[i] - m[i] * xp[i];
  }
  // count of xp <= x (order-free: a sorted copy, NaN never counts)
  std::vector<float> sorted;
  sorted.reserve(xp.size());
  for (float v : xp)
    if (!std::isnan(v)) sorted.push_back(v);
  std::sort(sorted.begin(), sorted.end());
  std::vector<float> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::int64_t idx = std::isnan(x[i]) ? 0 : std::upper_bound(sorted.begin(), sorted.end(), x[i]) - sorted.begin();
    idx -= 1;
    idx = std::clamp<std::int64_t>(idx, 0, static_cast<std::int64_t>(M) - 1);
    out[i] = m[idx] * x[i] + b[idx];
  }
  return out;
}

Result tensor_f32(const std::vector<float>& v) {
  return Result::squeezed(Tensor::vector(std::vector<double>(v.begin(), v.end())));
}

Result tensor_f64(const std::vector<double>& v) { return Result::squeezed(Tensor::vector(v)); }

Result matrix_f32(const std::vector<float>& v, std::int64_t rows, std::int64_t cols) {
  return Result::squeezed(Tensor{std::vector<double>(v.begin(), v.end()), {rows, cols}});
}

}  // namespace wasmetrics::classification
