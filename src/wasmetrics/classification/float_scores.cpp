#include "wasmetrics/classification/float_scores.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/inputs.hpp"

namespace wasmetrics::classification {
namespace {

// A target element as an integer label (float targets have passed V2 when validating).
template <class T>
inline std::int64_t as_label(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    if (!(v >= -9.0e18 && v <= 9.0e18)) return std::numeric_limits<std::int64_t>::min();
    return static_cast<std::int64_t>(v);
  } else {
    return static_cast<std::int64_t>(v);
  }
}

std::vector<std::int64_t> target_labels(const TensorView& target) {
  return visit_elements(target, [](auto t) {
    std::vector<std::int64_t> out(t.size());
    for (std::size_t i = 0; i < t.size(); ++i) out[i] = as_label(t[i]);
    return out;
  });
}

std::string ignore_index_text(const InputFormat& f) {
  return f.ignore_index ? " and ignore_index=" + std::to_string(*f.ignore_index) : std::string();
}

void require_float_preds(const InputFormat& f, const TensorView& preds) {
  if (!is_floating(preds.dtype))
    fail(f.metric,
         ": Expected argument `preds` to be floating tensor with probabilities/logits but got tensor with dtype ",
         dtype_name(preds.dtype));
}

// V3: binary/multilabel target values in {0, 1, ignore_index}.
void check_binary_target(const InputFormat& f, const std::vector<std::int64_t>& t, const TensorView& raw) {
  if (!f.validate) return;
  for (std::size_t i = 0; i < t.size(); ++i) {
    std::int64_t v = t[i];
    if (v != 0 && v != 1 && !(f.ignore_index && v == *f.ignore_index))
      fail(f.metric, ": Detected the value ", format_number(raw.at(static_cast<std::int64_t>(i))),
           " in `target` at flat index ", i, " but expected only the values 0, 1", ignore_index_text(f));
  }
}

bool outside_unit(double v) { return !(v >= 0 && v <= 1); }

}  // namespace

InputFormat score_format(const Options& o, Task task, LogitsTest test) {
  InputFormat f;
  f.metric = o.metric();
  f.task = task;
  f.logits_test = test;
  if (task != Task::binary) {
    const char* key = task == Task::multiclass ? "num_classes" : "num_labels";
    if (o.is_null(key)) fail(f.metric, ": option '", key, "' is required");
    f.num_classes = o.get_int(key);
    if (f.num_classes < 2)
      fail(f.metric, ": Expected argument `", key, "` to be an integer larger than 1, but got ", f.num_classes);
    if (f.num_classes > std::numeric_limits<std::int32_t>::max() / 2)
      fail(f.metric, ": option '", key, "' is too large: ", f.num_classes);
  }
  if (!o.is_null("ignore_index")) f.ignore_index = o.get_int("ignore_index");
  f.validate = o.get_bool("validate_args");
  return f;
}

double sigmoid_as(double x, bool f32) {
  if (f32) return static_cast<double>(static_cast<float>(1.0 / (1.0 + std::exp(-x))));
  return 1.0 / (1.0 + std::exp(-x));
}

void softmax_row_as(double* row, std::int64_t C, bool f32) {
  double mx = row[0];
  for (std::int64_t c = 1; c < C; ++c) mx = std::max(mx, row[c]);
  if (f32) {
    float sum = 0;
    std::vector<float> e(static_cast<std::size_t>(C));
    for (std::int64_t c = 0; c < C; ++c) {
      e[c] = static_cast<float>(std::exp(static_cast<double>(static_cast<float>(row[c]) - static_cast<float>(mx))));
      sum += e[c];
    }
    for (std::int64_t c = 0; c < C; ++c) row[c] = static_cast<double>(e[c] / sum);
    return;
  }
  double sum = 0;
  for (std::int64_t c = 0; c < C; ++c) {
    row[c] = std::exp(row[c] - mx);
    sum += row[c];
  }
  for (std::int64_t c = 0; c < C; ++c) row[c] /= sum;
}

std::vector<double> unit_linspace(std::int64_t n_bins, bool f32) {
  const std::int64_t steps = n_bins + 1;
  const std::int64_t halfway = steps / 2;
  std::vector<double> out(static_cast<std::size_t>(steps));
  if (f32) {
    const float step = 1.0f / static_cast<float>(n_bins);
    for (std::int64_t i = 0; i < steps; ++i)
      out[i] = i < halfway ? static_cast<double>(step * static_cast<float>(i))
                           : static_cast<double>(1.0f - step * static_cast<float>(steps - i - 1));
  } else {
    const double step = 1.0 / static_cast<double>(n_bins);
    for (std::int64_t i = 0; i < steps; ++i)
      out[i] = i < halfway ? step * static_cast<double>(i) : 1.0 - step * static_cast<double>(steps - i - 1);
  }
  return out;
}

BinaryScores binary_scores(const InputFormat& f, const TensorView& preds, const TensorView& target) {
  if (preds.shape != target.shape)
    fail(f.metric, ": Predictions and targets are expected to have the same shape, but got ", shape_str(preds.shape),
         " and ", shape_str(target.shape));
  require_float_preds(f, preds);
  check_finite_preds_integral_target(f, preds, target);  // V4, V2
  std::vector<std::int64_t> t = target_labels(target);
  check_binary_target(f, t, target);  // V3
  BinaryScores out;
  out.f32 = preds.dtype == DType::float32;
  visit_floats(f.metric, "preds", preds, [&](auto p) {
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (f.ignore_index && t[i] == *f.ignore_index) continue;
      out.p.push_back(static_cast<double>(p[i]));
      out.t.push_back(t[i] == 1 ? 1 : 0);
    }
  });
  const bool logits = std::any_of(out.p.begin(), out.p.end(), outside_unit);
  if (logits)
    for (double& v : out.p) v = sigmoid_as(v, out.f32);
  return out;
}

ClassScores multiclass_scores(const InputFormat& f, const TensorView& preds, const TensorView& target) {
  const std::int64_t C = f.num_classes;
  require_float_preds(f, preds);
  if (preds.ndim() != target.ndim() + 1 || target.ndim() < 1)
    fail(f.metric, ": Expected `preds` of shape (N, C, ...) with float scores and `target` of shape (N, ...), got ",
         shape_str(preds.shape), " and ", shape_str(target.shape));
  if (preds.shape[1] != C)
    fail(f.metric,
         ": If `preds` have one dimension more than `target`, `preds.shape[1]` should be equal to number of "
         "classes (",
         C, "), got preds shape ", shape_str(preds.shape));
  Shape rest(preds.shape.begin() + 2, preds.shape.end());
  Shape trest(target.shape.begin() + 1, target.shape.end());
  if (rest != trest || preds.shape[0] != target.shape[0])
    fail(f.metric,
         ": If `preds` have one dimension more than `target`, the shape of `preds` should be (N, C, ...), and "
         "the shape of `target` should be (N, ...); got ",
         shape_str(preds.shape), " and ", shape_str(target.shape));
  check_finite_preds_integral_target(f, preds, target);  // V4, V2
  std::vector<std::int64_t> t = target_labels(target);
  const bool has_ii = f.ignore_index.has_value();
  for (std::size_t i = 0; i < t.size(); ++i) {  // V1
    if (has_ii && t[i] == *f.ignore_index) continue;
    if (t[i] < 0 || t[i] >= C)
      fail(f.metric, ": Expected `target` to hold class labels in [0, ", C, ")", ignore_index_text(f), ", but found ",
           format_number(target.at(static_cast<std::int64_t>(i))), " at flat index ", i);
  }
  ClassScores out;
  out.C = C;
  out.f32 = preds.dtype == DType::float32;
  const std::int64_t N = target.shape[0];
  const std::int64_t X = N ? target.numel() / N : 1;
  visit_floats(f.metric, "preds", preds, [&](auto p) {
    for (std::int64_t n = 0; n < N; ++n)
      for (std::int64_t x = 0; x < X; ++x) {
        std::int64_t tv = t[static_cast<std::size_t>(n * X + x)];
        if (has_ii && tv == *f.ignore_index) continue;
        for (std::int64_t c = 0; c < C; ++c) out.p.push_back(static_cast<double>(p[(n * C + c) * X + x]));
        out.t.push_back(static_cast<std::int32_t>(tv));
      }
  });
  out.rows = static_cast<std::int64_t>(out.t.size());
  const bool logits = std::any_of(out.p.begin(), out.p.end(), outside_unit);
  if (logits)
    for (std::int64_t r = 0; r < out.rows; ++r) softmax_row_as(out.p.data() + r * C, C, out.f32);
  return out;
}

LabelScores multilabel_scores(const InputFormat& f, const TensorView& preds, const TensorView& target) {
  const std::int64_t L = f.num_classes;
  if (preds.shape != target.shape)
    fail(f.metric, ": Predictions and targets are expected to have the same shape, but got ", shape_str(preds.shape),
         " and ", shape_str(target.shape));
  if (preds.ndim() < 2)
    fail(f.metric, ": `preds` and `target` must be [N, num_labels, ...], got shape ", shape_str(preds.shape));
  if (preds.shape[1] != L)
    fail(f.metric,
         ": Expected both `target.shape[1]` and `preds.shape[1]` to be equal to the number of labels but got ",
         preds.shape[1], " and expected ", L);
  if (!is_floating(preds.dtype))
    fail(f.metric, ": Expected preds tensor to be floating point, but received input with dtype ",
         dtype_name(preds.dtype));
  check_finite_preds_integral_target(f, preds, target);  // V4, V2
  std::vector<std::int64_t> t = target_labels(target);
  check_binary_target(f, t, target);  // V3
  LabelScores out;
  out.L = L;
  out.f32 = preds.dtype == DType::float32;
  const std::int64_t N = preds.shape[0];
  const std::int64_t X = N ? preds.numel() / (N * L) : 1;
  out.rows = N * X;
  out.p.resize(static_cast<std::size_t>(out.rows * L));
  out.t.resize(static_cast<std::size_t>(out.rows * L));
  bool logits = false;
  visit_floats(f.metric, "preds", preds, [&](auto p) {
    for (auto v : p)
      if (outside_unit(static_cast<double>(v))) {
        logits = true;
        break;
      }
    for (std::int64_t n = 0; n < N; ++n)
      for (std::int64_t l = 0; l < L; ++l)
        for (std::int64_t x = 0; x < X; ++x) {
          const std::size_t src = static_cast<std::size_t>((n * L + l) * X + x);
          const std::size_t dst = static_cast<std::size_t>((n * X + x) * L + l);
          double v = static_cast<double>(p[src]);
          if (logits) v = sigmoid_as(v, out.f32);
          if (f.ignore_index && t[src] == *f.ignore_index) {
            out.p[dst] = static_cast<double>(-4 * L);
            out.t[dst] = LabelScores::kIgnored;
          } else {
            out.p[dst] = v;
            out.t[dst] = t[src] == 1 ? 1 : 0;
          }
        }
  });
  return out;
}

std::vector<InputSpec> score_inputs(Task task) {
  if (task == Task::binary)
    return {{"preds", false, "[N, ...] probabilities or logits (sigmoid applied)"},
            {"target", false, "[N, ...] 0/1 labels (or ignore_index)"}};
  return {{"preds", false, "[N, C, ...] probabilities or logits (softmax applied)"},
          {"target", false, "[N, ...] class labels in [0, C) (or ignore_index)"}};
}

}  // namespace wasmetrics::classification
