#include "wasmetrics/classification/input_format.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <sstream>
#include <type_traits>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/error_code.hpp"
#include "wasmetrics/core/inputs.hpp"

namespace wasmetrics::classification {
namespace {

std::string fmt_num(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  std::ostringstream s;
  s.precision(9);
  s << v;
  return s.str();
}

// ---- sigmoid cut: smallest x with sigmoid(x) > t, searched over the ordered bit patterns ----
inline float sigmoid_f32(float x) { return static_cast<float>(1.0 / (1.0 + std::exp(-static_cast<double>(x)))); }
inline double sigmoid_f64(double x) { return 1.0 / (1.0 + std::exp(-x)); }

template <class F, class I, class Sig, class Thr>
F logit_cut(Sig sig, Thr t) {
  // ordered key <-> value
  auto to_key = [](F v) -> std::int64_t {
    I b;
    std::memcpy(&b, &v, sizeof b);  // not std::bit_cast: Emscripten 3.1.6's libc++ lacks it
    using U = std::make_unsigned_t<I>;
    constexpr U sign = U(1) << (sizeof(I) * 8 - 1);
    U u = static_cast<U>(b);
    if (u & sign) return -static_cast<std::int64_t>(u & ~sign);
    return static_cast<std::int64_t>(u);
  };
  auto from_key = [](std::int64_t k) -> F {
    using U = std::make_unsigned_t<I>;
    constexpr U sign = U(1) << (sizeof(I) * 8 - 1);
    U u = k >= 0 ? static_cast<U>(k) : (static_cast<U>(-k) | sign);
    I bits = static_cast<I>(u);
    F out;
    std::memcpy(&out, &bits, sizeof out);
    return out;
  };
  F hi_v = std::numeric_limits<F>::max();
  F lo_v = std::numeric_limits<F>::lowest();
  if (!(sig(hi_v) > t)) return std::numeric_limits<F>::quiet_NaN();
  if (sig(lo_v) > t) return -std::numeric_limits<F>::infinity();
  std::int64_t lo = to_key(lo_v), hi = to_key(hi_v);  // sig(lo) <= t < sig(hi)
  // distances in uint64: the key range of float64 spans more than int64 can hold
  auto gap = [](std::int64_t a, std::int64_t b) {
    return static_cast<std::uint64_t>(b) - static_cast<std::uint64_t>(a);
  };
  while (gap(lo, hi) > 1) {
    std::int64_t mid = static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + gap(lo, hi) / 2);
    if (sig(from_key(mid)) > t)
      hi = mid;
    else
      lo = mid;
  }
  return from_key(hi);
}

const char* task_word(Task t) {
  switch (t) {
    case Task::binary:
      return "binary";
    case Task::multiclass:
      return "multiclass";
    case Task::multilabel:
      return "multilabel";
  }
  return "?";
}

// ---- checks shared by every task (V4, V2) ----

template <class T>
void check_finite_preds(const InputFormat& f, const T* p, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i)
    if (!std::isfinite(p[i]))
      fail_as(ErrorCode::E_NON_FINITE, "preds", f.metric, ": `preds` holds ", fmt_num(static_cast<double>(p[i])),
              " at flat index ", i,
              "; NaN and +/-Infinity are rejected (float preds must be probabilities or finite logits)");
}

template <class T>
void check_integral_target(const InputFormat& f, const T* t, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i)
    if (label_of(t[i]) == kNotALabel)
      fail_as(ErrorCode::E_INPUT, "target", f.metric, ": `target` is a float tensor holding the non-integral value ",
              fmt_num(static_cast<double>(t[i])), " at flat index ", i,
              "; a target must hold class labels (integers, or floats with integral values)");
}

void check_v4_v2(const InputFormat& f, const TensorView& preds, const TensorView& target) {
  if (!f.validate) return;
  if (preds.dtype == DType::float32) check_finite_preds(f, preds.as<float>(), preds.numel());
  if (preds.dtype == DType::float64) check_finite_preds(f, preds.as<double>(), preds.numel());
  if (target.dtype == DType::float32) check_integral_target(f, target.as<float>(), target.numel());
  if (target.dtype == DType::float64) check_integral_target(f, target.as<double>(), target.numel());
}

std::string ignore_text(const InputFormat& f) {
  return f.ignore_index ? " and ignore_index=" + std::to_string(*f.ignore_index) : std::string();
}

// ---- binary / multilabel ----

enum class Mode { labels, probs, logits };

template <class P, class T>
void fill_codes(const InputFormat& f, const P* p, const T* t, std::int64_t N, std::int64_t L, std::int64_t X, Mode mode,
                std::uint8_t* out) {
  const bool has_ii = f.ignore_index.has_value();
  const std::int64_t ii = has_ii ? *f.ignore_index : 0;
  if (X == 1) {
    // [N, L] (the common multilabel layout): one loop over rows with a per-label binarizer
    // table, instead of choosing the binarizer and running a 1-element loop per (n, l).
    auto run_rows = [&](auto binarize) {
      for (std::int64_t n = 0, i = 0; n < N; ++n) {
        for (std::int64_t l = 0; l < L; ++l, ++i) {
          const std::int64_t tv = label_of(t[i]);
          out[i] = ((has_ii && tv == ii) || (tv != 0 && tv != 1))
                       ? LabelCodes::kIgnored
                       : static_cast<std::uint8_t>((binarize(p[i], l) ? 1 : 0) | (tv << 1));
        }
      }
    };
    if (mode == Mode::labels || !std::is_floating_point_v<P>) {
      run_rows([](P v, std::int64_t) { return v != P(0); });
    } else if constexpr (std::is_same_v<P, float>) {
      const float* cut = mode == Mode::probs ? f.thr_f32.data() : f.cut_f32.data();
      if (mode == Mode::probs)
        run_rows([cut](P v, std::int64_t l) { return v > cut[l]; });
      else
        run_rows([cut](P v, std::int64_t l) { return v >= cut[l]; });
    } else {
      const double* cut = mode == Mode::probs ? f.thresholds.data() : f.cut_f64.data();
      if (mode == Mode::probs)
        run_rows([cut](P v, std::int64_t l) { return static_cast<double>(v) > cut[l]; });
      else
        run_rows([cut](P v, std::int64_t l) { return static_cast<double>(v) >= cut[l]; });
    }
    return;
  }
  std::int64_t i = 0;
  for (std::int64_t n = 0; n < N; ++n) {
    for (std::int64_t l = 0; l < L; ++l) {
      // per-label binarizer, chosen outside the element loop
      auto run = [&](auto binarize) {
        for (std::int64_t x = 0; x < X; ++x, ++i) {
          std::int64_t tv = label_of(t[i]);
          std::uint8_t code;
          if ((has_ii && tv == ii) || (tv != 0 && tv != 1))
            code = LabelCodes::kIgnored;
          else
            code = static_cast<std::uint8_t>((binarize(p[i]) ? 1 : 0) | (tv << 1));
          out[i] = code;
        }
      };
      if (mode == Mode::labels || !std::is_floating_point_v<P>) {
        run([](P v) { return v != P(0); });
      } else if (mode == Mode::probs) {
        if constexpr (std::is_same_v<P, float>) {
          const float thr = f.thr_f32[l];
          run([thr](P v) { return v > thr; });
        } else {
          const double thr = f.thresholds[l];
          run([thr](P v) { return static_cast<double>(v) > thr; });
        }
      } else {
        if constexpr (std::is_same_v<P, float>) {
          const float cut = f.cut_f32[l];
          run([cut](P v) { return v >= cut; });
        } else {
          const double cut = f.cut_f64[l];
          run([cut](P v) { return static_cast<double>(v) >= cut; });
        }
      }
    }
  }
}

}  // namespace

void check_finite_preds_integral_target(const InputFormat& f, const TensorView& preds, const TensorView& target) {
  check_v4_v2(f, preds, target);
}

std::string format_number(double v) { return fmt_num(v); }

void InputFormat::prepare() {
  thr_f32.clear();
  cut_f32.clear();
  cut_f64.clear();
  // One bisection per distinct threshold: a single threshold is repeated for every label, and
  // there may be 2^24 labels (fuzz_metrics found that bisecting each one took minutes).
  std::map<double, std::pair<float, double>> cuts;
  for (double t : thresholds) {
    float tf = static_cast<float>(t);
    auto [it, fresh] = cuts.try_emplace(t);
    if (fresh)
      it->second = {logit_cut<float, std::int32_t>(sigmoid_f32, tf), logit_cut<double, std::int64_t>(sigmoid_f64, t)};
    thr_f32.push_back(tf);
    cut_f32.push_back(it->second.first);
    cut_f64.push_back(it->second.second);
  }
}

std::string InputFormat::key() const {
  std::ostringstream s;
  s.precision(17);
  s << task_word(task) << "|C=" << num_classes << "|thr=";
  for (double t : thresholds) s << t << ",";
  s << "|ii=" << (ignore_index ? std::to_string(*ignore_index) : "none") << "|k=" << top_k << "|sw=" << samplewise
    << "|kind=" << static_cast<int>(kind) << "|val=" << validate << "|lt=" << static_cast<int>(logits_test);
  return s.str();
}

namespace {

// format_labels' shape and dtype checks (as TorchMetrics), before any value is read.
void check_label_shapes(const InputFormat& f, const TensorView& preds, const TensorView& target) {
  const bool ml = f.task == Task::multilabel;
  if (preds.shape != target.shape)
    fail_as(ErrorCode::E_SHAPE, "preds", f.metric,
            ": Predictions and targets are expected to have the same shape, but got ", shape_str(preds.shape), " and ",
            shape_str(target.shape));
  if (ml) {
    if (preds.ndim() < 2)
      fail_as(ErrorCode::E_SHAPE, "preds", f.metric, ": `preds` and `target` must be [N, num_labels, ...], got shape ",
              shape_str(preds.shape));
    if (preds.shape[1] != f.num_classes)
      fail_as(ErrorCode::E_SHAPE, "preds", f.metric,
              ": Expected both `target.shape[1]` and `preds.shape[1]` to be equal to the number of labels but got ",
              preds.shape[1], " and expected ", f.num_classes);
    if (f.samplewise && preds.ndim() < 3)
      fail_as(ErrorCode::E_SHAPE, "preds", f.metric,
              ": Expected input to be at least 3D when multidim_average is set to `samplewise`, got shape ",
              shape_str(preds.shape));
  } else {
    if (preds.ndim() < 1)
      fail_as(ErrorCode::E_SHAPE, "preds", f.metric,
              ": `preds` and `target` must be at least 1-D [N, ...], got a scalar");
    if (f.samplewise && preds.ndim() < 2)
      fail_as(ErrorCode::E_SHAPE, "preds", f.metric,
              ": Expected input to be at least 2D when multidim_average is set to `samplewise`, got shape ",
              shape_str(preds.shape));
  }
  const bool pf = is_floating(preds.dtype);
  if (!pf && (f.kind == InputKind::probs || f.kind == InputKind::logits))
    fail_as(ErrorCode::E_DTYPE, "preds", f.metric, ": input_kind='", f.kind == InputKind::probs ? "probs" : "logits",
            "' needs float `preds`, got ", dtype_name(preds.dtype));
}

// V3: target in {0, 1, ignore_index}.
void check_label_target(const InputFormat& f, const TensorView& target) {
  const bool has_ii = f.ignore_index.has_value();
  const std::int64_t ii = has_ii ? *f.ignore_index : 0;
  visit_elements(target, [&](auto t) {
    for (std::size_t i = 0; i < t.size(); ++i) {
      std::int64_t v = label_of(t[i]);
      if (v != 0 && v != 1 && !(has_ii && v == ii))
        fail_as(ErrorCode::E_LABEL_RANGE, "target", f.metric, ": Detected the value ",
                fmt_num(static_cast<double>(t[i])), " in `target` at flat index ", i,
                " but expected only the values 0, 1", ignore_text(f));
    }
  });
}

// How `preds` are read: labels (int preds, or input_kind='labels'), probabilities, or logits.
Mode label_mode(const InputFormat& f, const TensorView& preds, const TensorView& target) {
  const bool pf = is_floating(preds.dtype);
  const bool has_ii = f.ignore_index.has_value();
  const std::int64_t ii = has_ii ? *f.ignore_index : 0;
  Mode mode = Mode::labels;
  if (pf && f.kind != InputKind::labels) {
    if (f.kind == InputKind::logits) {
      mode = Mode::logits;
    } else {
      // the logits rule (C3/C4): any value outside [0, 1] in this call -> sigmoid
      bool outside = visit_elements(preds, [&](auto p) {
        if (f.logits_test == LogitsTest::whole_tensor) {
          for (auto v : p)
            if (!(v >= 0 && v <= 1)) return true;
          return false;
        }
        return visit_elements(target, [&](auto t) {
          for (std::size_t i = 0; i < p.size(); ++i)
            if (!(has_ii && label_of(t[i]) == ii) && !(p[i] >= 0 && p[i] <= 1)) return true;
          return false;
        });
      });
      if (f.kind == InputKind::probs) {
        if (outside && f.validate)
          fail_as(ErrorCode::E_INPUT, "preds", f.metric,
                  ": input_kind='probs' but `preds` holds values outside [0, 1]");
        mode = Mode::probs;
      } else {
        mode = outside ? Mode::logits : Mode::probs;
      }
    }
  }
  return mode;
}

// Label preds in {0, 1}.
void check_label_preds(const InputFormat& f, const TensorView& preds) {
  visit_elements(preds, [&](auto p) {
    for (std::size_t i = 0; i < p.size(); ++i)
      if (!(p[i] == 0 || p[i] == 1))
        fail_as(ErrorCode::E_LABEL_RANGE, "preds", f.metric, ": Detected the value ",
                fmt_num(static_cast<double>(p[i])), " in `preds` at flat index ", i,
                " but expected only the values 0 and 1 since `preds` is a label tensor");
  });
}

}  // namespace

LabelCodes format_labels(const InputFormat& f, const TensorView& preds, const TensorView& target) {
  check_label_shapes(f, preds, target);
  check_v4_v2(f, preds, target);  // V4, V2

  LabelCodes out;
  out.n = preds.shape[0];
  out.labels = f.task == Task::multilabel ? f.num_classes : 1;
  std::int64_t numel = preds.numel();
  out.extra = out.n * out.labels == 0 ? 1 : numel / (out.n * out.labels);
  out.code.resize(static_cast<std::size_t>(numel));
  if (numel == 0) return out;

  if (f.validate) check_label_target(f, target);
  const Mode mode = label_mode(f, preds, target);
  if (mode == Mode::labels && f.validate) check_label_preds(f, preds);
  visit_elements(preds, [&](auto p) {
    visit_elements(target, [&](auto t) {
      fill_codes(f, p.data(), t.data(), out.n, out.labels, out.extra, mode, out.code.data());
    });
  });
  return out;
}

// ---- multiclass ----

namespace {

// format_classes' shape checks (as TorchMetrics): true when `preds` are [N, C, ...] scores, false
// for labels of `target`'s shape.
bool check_class_shapes(const InputFormat& f, const TensorView& preds, const TensorView& target) {
  const std::int64_t C = f.num_classes;
  const bool pf = is_floating(preds.dtype);
  bool scores;  // preds are [N, C, ...] scores
  if (preds.ndim() == target.ndim() + 1) {
    if (!pf)
      fail_as(ErrorCode::E_DTYPE, "preds", f.metric,
              ": If `preds` have one dimension more than `target`, `preds` should be a float tensor.");
    // 1-D preds with a scalar target have no class dimension to read (found by fuzz_metrics).
    if (target.ndim() < 1)
      fail_as(ErrorCode::E_SHAPE, "preds", f.metric,
              ": If `preds` have one dimension more than `target`, the shape of `preds` should be (N, C, ...), and "
              "the shape of `target` should be (N, ...); got ",
              shape_str(preds.shape), " and ", shape_str(target.shape));
    if (preds.shape[1] != C)
      fail_as(ErrorCode::E_SHAPE, "preds", f.metric,
              ": If `preds` have one dimension more than `target`, `preds.shape[1]` should be equal to number of "
              "classes (",
              C, "), got preds shape ", shape_str(preds.shape));
    Shape rest(preds.shape.begin() + 2, preds.shape.end());
    Shape trest(target.shape.begin() + (target.ndim() ? 1 : 0), target.shape.end());
    if (target.ndim() < 1 || rest != trest || preds.shape[0] != target.shape[0])
      fail_as(ErrorCode::E_SHAPE, "preds", f.metric,
              ": If `preds` have one dimension more than `target`, the shape of `preds` should be (N, C, ...), and "
              "the shape of `target` should be (N, ...); got ",
              shape_str(preds.shape), " and ", shape_str(target.shape));
    if (f.samplewise && preds.ndim() < 3)
      fail_as(ErrorCode::E_SHAPE, "preds", f.metric,
              ": If `preds` have one dimension more than `target`, the shape of `preds` should be at least 3D when "
              "multidim_average is set to `samplewise`");
    if (f.kind == InputKind::labels)
      fail_as(ErrorCode::E_SHAPE, "preds", f.metric,
              ": input_kind='labels' needs `preds` of the same shape as `target`, got ", shape_str(preds.shape),
              " and ", shape_str(target.shape));
    scores = true;
  } else if (preds.ndim() == target.ndim()) {
    if (preds.shape != target.shape)
      fail_as(ErrorCode::E_SHAPE, "preds", f.metric,
              ": The `preds` and `target` should have the same shape, got `preds` with shape=", shape_str(preds.shape),
              " and `target` with shape=", shape_str(target.shape), ".");
    if (preds.ndim() < 1)
      fail_as(ErrorCode::E_SHAPE, "preds", f.metric,
              ": `preds` and `target` must be at least 1-D [N, ...], got scalars");
    if (f.samplewise && preds.ndim() < 2)
      fail_as(ErrorCode::E_SHAPE, "preds", f.metric,
              ": When `preds` and `target` have the same shape, the shape of `preds` should be at least 2D when "
              "multidim_average is set to `samplewise`");
    if (f.kind == InputKind::probs || f.kind == InputKind::logits)
      fail_as(ErrorCode::E_SHAPE, "preds", f.metric, ": input_kind='", f.kind == InputKind::probs ? "probs" : "logits",
              "' needs `preds` of shape [N, C, ...] (one more dimension than `target`), got ", shape_str(preds.shape),
              " and ", shape_str(target.shape));
    scores = false;
  } else {
    fail_as(ErrorCode::E_SHAPE, "preds", f.metric,
            ": Either `preds` and `target` both should have the (same) shape (N, ...), or `target` should be "
            "(N, ...) and `preds` should be (N, C, ...); got ",
            shape_str(preds.shape), " and ", shape_str(target.shape));
  }
  if (f.top_k > 1 && !scores)
    fail_as(ErrorCode::E_SHAPE, "preds", f.metric, ": top_k=", f.top_k,
            " needs `preds` of scores, shape [N, C, ...]; got label preds of shape ", shape_str(preds.shape));

  return scores;
}

// input_kind='probs': every score in [0, 1].
void check_probs_in_unit_range(const InputFormat& f, const TensorView& preds) {
  visit_elements(preds, [&](auto p) {
    for (auto v : p)
      if (!(v >= 0 && v <= 1))
        fail_as(ErrorCode::E_INPUT, "preds", f.metric, ": input_kind='probs' but `preds` holds ", fmt_num(v),
                ", outside [0, 1]");
  });
}

// `target` as class codes (V1 on target): ignore_index -> kIgnoredClass, out of [0, C) -> an error,
// or kInvalidClass when not validating.
void read_class_targets(const InputFormat& f, const TensorView& target, std::vector<std::int32_t>& codes) {
  const std::int64_t C = f.num_classes;
  const bool has_ii = f.ignore_index.has_value();
  const std::int64_t ii = has_ii ? *f.ignore_index : 0;
  visit_elements(target, [&](auto t) {
    for (std::size_t i = 0; i < t.size(); ++i) {
      std::int64_t v = label_of(t[i]);
      if (has_ii && v == ii) {
        codes[i] = ClassLabels::kIgnoredClass;
        continue;
      }
      if (v < 0 || v >= C) {
        if (f.validate)
          fail_as(ErrorCode::E_LABEL_RANGE, "target", f.metric, ": Expected `target` to hold class labels in [0, ", C,
                  ")", ignore_text(f), ", but found ", fmt_num(static_cast<double>(t[i])), " at flat index ", i);
        codes[i] = ClassLabels::kInvalidClass;
        continue;
      }
      codes[i] = static_cast<std::int32_t>(v);
    }
  });
}

// Label preds as class codes (V1 on preds: a class in [0, C), or ignore_index).
void read_class_preds(const InputFormat& f, const TensorView& preds, std::vector<std::int32_t>& codes) {
  const std::int64_t C = f.num_classes;
  const bool has_ii = f.ignore_index.has_value();
  const std::int64_t ii = has_ii ? *f.ignore_index : 0;
  visit_elements(preds, [&](auto p) {
    for (std::size_t i = 0; i < p.size(); ++i) {
      std::int64_t v = label_of(p[i]);
      if (v < 0 || v >= C) {
        if (f.validate && !(has_ii && v == ii))
          fail_as(ErrorCode::E_LABEL_RANGE, "preds", f.metric, ": Expected `preds` to hold class labels in [0, ", C,
                  ")", ignore_text(f), ", but found ", fmt_num(static_cast<double>(p[i])), " at flat index ", i);
        codes[i] = ClassLabels::kInvalidClass;
        continue;
      }
      codes[i] = static_cast<std::int32_t>(v);
    }
  });
}

}  // namespace

ClassLabels format_classes(const InputFormat& f, const TensorView& preds, const TensorView& target) {
  const bool scores = check_class_shapes(f, preds, target);
  check_v4_v2(f, preds, target);  // V4, V2
  if (scores && f.kind == InputKind::probs && f.validate) check_probs_in_unit_range(f, preds);

  ClassLabels out;
  out.n = target.ndim() ? target.shape[0] : 1;
  const std::int64_t nt = target.numel();
  out.extra = out.n ? nt / out.n : 1;
  out.k = scores ? f.top_k : 1;
  out.target.resize(static_cast<std::size_t>(nt));
  out.preds.resize(static_cast<std::size_t>(nt * out.k));
  if (nt == 0) return out;

  read_class_targets(f, target, out.target);
  if (scores) {
    visit_floats(f.metric, "preds", preds,
                 [&](auto p) { top_classes(p.data(), out.n, f.num_classes, out.extra, out.k, out.preds.data()); });
  } else {
    read_class_preds(f, preds, out.preds);
  }
  return out;
}

// ---- options ----

OptionSpec threshold_option(Task task) {
  if (task == Task::multilabel)
    return {.name = "threshold",
            .type = OptionType::number_list,
            .default_value = 0.5,
            .min = 0.0,
            .max = 1.0,
            .doc =
                "probability threshold: a number, or an array of num_labels numbers (one per label); a prediction "
                "is positive iff pred > threshold (strict, compared in float32 for float32 preds)"};
  return {.name = "threshold",
          .type = OptionType::number,
          .default_value = 0.5,
          .min = 0.0,
          .max = 1.0,
          .doc =
              "probability threshold; a prediction is positive iff pred > threshold (strict, compared in float32 "
              "for float32 preds)"};
}

OptionSpec num_classes_option() {
  return {.name = "num_classes",
          .type = OptionType::integer,
          .default_value = nullptr,
          .max = 1 << 24,
          .doc =
              "number of classes (required, >= 2; at most 2^24: states and results hold a value per class, "
              "confusion matrices one per pair of classes)"};
}

OptionSpec num_labels_option() {
  return {.name = "num_labels",
          .type = OptionType::integer,
          .default_value = nullptr,
          .max = 1 << 24,
          .doc = "number of labels (required, >= 2)"};
}

OptionSpec top_k_option() {
  return {.name = "top_k",
          .type = OptionType::integer,
          .default_value = 1,
          .min = 1,
          .doc = "a prediction is correct if the target is among the top_k highest scores (needs [N, C, ...] scores)"};
}

OptionSpec multidim_average_option() {
  return {.name = "multidim_average",
          .type = OptionType::string,
          .default_value = "global",
          .choices = {"global", "samplewise"},
          .doc =
              "'global': extra dimensions are flattened into the batch; 'samplewise': one value per sample over its "
              "extra dimensions"};
}

OptionSpec ignore_index_option() {
  return {.name = "ignore_index",
          .type = OptionType::integer,
          .default_value = nullptr,
          .nullable = true,
          .doc = "target value whose positions are ignored (any integer, e.g. -1, 0, 255)"};
}

OptionSpec validate_args_option() {
  return {.name = "validate_args",
          .type = OptionType::boolean,
          .default_value = true,
          .doc =
              "check every input value (NaN/Inf preds, non-integral float targets, labels out of range); false "
              "skips the value scans (invalid values then never count as a hit)"};
}

OptionSpec input_kind_option(Task task) {
  if (task == Task::multiclass)
    return {.name = "input_kind",
            .type = OptionType::string,
            .default_value = "auto",
            .choices = {"auto", "probs", "logits", "labels"},
            .doc =
                "'auto': [N, C, ...] float preds are scores (argmax/top-k), same-shape preds are class labels; "
                "'probs'/'logits': preds must be [N, C, ...] scores ('probs' also checks [0, 1]); 'labels': preds "
                "are class labels of the target's shape"};
  return {.name = "input_kind",
          .type = OptionType::string,
          .default_value = "auto",
          .choices = {"auto", "probs", "logits", "labels"},
          .doc =
              "'auto' (TorchMetrics' rule): integer preds are 0/1 labels; float preds are logits (sigmoid) if any "
              "value of that update() call lies outside [0, 1], else probabilities; 'probs': thresholded as given "
              "(values outside [0, 1] are an error); 'logits': always sigmoid first; 'labels': preds are 0/1"};
}

InputFormat input_format_from_options(const Options& o, Task task, LogitsTest test) {
  InputFormat f;
  f.metric = o.metric();
  f.task = task;
  f.logits_test = test;
  const Json& all = o.json();
  auto has = [&](const char* k) { return all.contains(k); };
  if (task == Task::multiclass) {
    if (o.is_null("num_classes"))
      fail_as(ErrorCode::E_OPTION, "num_classes", f.metric, ": option 'num_classes' is required");
    f.num_classes = o.get_int("num_classes");
    if (f.num_classes < 2)
      fail_as(ErrorCode::E_OPTION, "num_classes", f.metric,
              ": Expected argument `num_classes` to be an integer larger than 1, but got ", f.num_classes);
    if (f.num_classes > std::numeric_limits<std::int32_t>::max() / 2)
      fail_as(ErrorCode::E_OPTION, "num_classes", f.metric, ": option 'num_classes' is too large: ", f.num_classes);
    if (has("top_k")) {
      f.top_k = o.get_int("top_k");
      if (f.top_k > f.num_classes)
        fail_as(ErrorCode::E_OPTION, "top_k", f.metric,
                ": Expected argument `top_k` to be smaller or equal to `num_classes` but got ", f.top_k, " and ",
                f.num_classes);
    }
  } else if (task == Task::multilabel) {
    if (o.is_null("num_labels"))
      fail_as(ErrorCode::E_OPTION, "num_labels", f.metric, ": option 'num_labels' is required");
    f.num_classes = o.get_int("num_labels");
    if (f.num_classes < 2)
      fail_as(ErrorCode::E_OPTION, "num_labels", f.metric,
              ": Expected argument `num_labels` to be an integer larger than 1, but got ", f.num_classes);
    // Per-label thresholds are allocated below: 2^31 labels would be 16 GiB (found by fuzz_input_format).
    if (f.num_classes > (1 << 24))
      fail_as(ErrorCode::E_OPTION, "num_labels", f.metric, ": option 'num_labels' must be at most ", 1 << 24, ", got ",
              f.num_classes);
  }
  if (task != Task::multiclass) {
    std::vector<double> t = has("threshold") ? o.get_numbers("threshold") : std::vector<double>{0.5};
    if (o.raw("threshold").is_array() && task == Task::multilabel &&
        static_cast<std::int64_t>(t.size()) != f.num_classes)
      fail_as(ErrorCode::E_OPTION, "threshold", f.metric,
              ": option 'threshold' must hold one value per label: expected ", f.num_classes,
              " values (num_labels), got ", t.size());
    // Copy first: libc++ (Emscripten) reads the fill value after reallocating, so an alias of t[0] dangles.
    if (t.size() == 1) t = std::vector<double>(static_cast<std::size_t>(f.num_classes), t[0]);
    f.thresholds = std::move(t);
  }
  if (has("ignore_index") && !o.is_null("ignore_index")) f.ignore_index = o.get_int("ignore_index");
  if (has("multidim_average")) f.samplewise = o.get_string("multidim_average") == "samplewise";
  if (has("validate_args")) f.validate = o.get_bool("validate_args");
  if (has("input_kind")) {
    std::string k = o.get_string("input_kind");
    f.kind = k == "probs"    ? InputKind::probs
             : k == "logits" ? InputKind::logits
             : k == "labels" ? InputKind::labels
                             : InputKind::auto_detect;
  }
  f.prepare();
  return f;
}

std::vector<InputSpec> classification_inputs(Task task) {
  switch (task) {
    case Task::binary:
      return {{"preds", false, "[N, ...] probabilities, logits or 0/1 labels"},
              {"target", false, "[N, ...] 0/1 labels (or ignore_index)"}};
    case Task::multiclass:
      return {{"preds", false, "[N, C, ...] scores (argmax / top-k) or [N, ...] class labels"},
              {"target", false, "[N, ...] class labels in [0, C) (or ignore_index)"}};
    case Task::multilabel:
      return {{"preds", false, "[N, L, ...] probabilities, logits or 0/1 labels"},
              {"target", false, "[N, L, ...] 0/1 labels (or ignore_index)"}};
  }
  return {};
}

}  // namespace wasmetrics::classification
