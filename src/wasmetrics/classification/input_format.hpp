#pragma once
// The "input format" stage shared by every classification metric: validation (shapes, V4, V2, V3,
// V1 in that order), the logits rule (C3/C4), thresholds (C1, per label), ignore_index and
// argmax/top-k. It turns one batch of raw (preds, target) into a compact, typed, dtype-free form
// that the counting kernels read:
//
//   binary / multilabel -> LabelCodes:  one byte per element, same [N, L, X] order as the input,
//                          code = pred | target << 1 (0..3), or kIgnored.
//   multiclass          -> ClassLabels: target class per position [N, X] (kIgnoredClass where the
//                          target equals ignore_index) and the k predicted classes per position
//                          [N, X, k] (argmax for k = 1, best first).
//
// X is the product of the extra dimensions "..." (1 when there are none). One allocation per
// batch, the loops run over typed pointers with the dtype dispatched once outside them.
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "wasmetrics/core/options.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::classification {

enum class Task : std::uint8_t { binary, multiclass, multilabel };
enum class InputKind : std::uint8_t { auto_detect, probs, logits, labels };

// Where the "are these logits?" test looks (C4): at the whole preds tensor (stat scores, exact
// match, multilabel confusion matrix) or only at the entries whose target is not ignore_index
// (binary confusion-matrix family, curves, calibration, hinge).
enum class LogitsTest : std::uint8_t { whole_tensor, kept_entries };

struct InputFormat {
  std::string metric;  // for messages
  Task task = Task::binary;
  std::int64_t num_classes = 1;    // multiclass: C; multilabel: L; binary: 1
  std::vector<double> thresholds;  // binary: 1 value; multilabel: L values
  std::optional<std::int64_t> ignore_index;
  std::int64_t top_k = 1;   // multiclass only
  bool samplewise = false;  // needs at least one extra dimension
  InputKind kind = InputKind::auto_detect;
  bool validate = true;
  LogitsTest logits_test = LogitsTest::whole_tensor;

  // Derived once by prepare(): per-label thresholds as float32, and the smallest logit whose
  // sigmoid (rounded to the preds' type) is > threshold, so a logits batch is thresholded
  // without a sigmoid per element and with exactly the outcome of `sigmoid(x) > t`.
  std::vector<float> thr_f32;
  std::vector<float> cut_f32;  // NaN: no logit passes
  std::vector<double> cut_f64;
  void prepare();

  // A string equal for every pair of formats that produce identical formatted batches:
  // metrics whose formats share this key can share one update (collections).
  std::string key() const;
};

struct LabelCodes {
  static constexpr std::uint8_t kIgnored = 4;
  std::int64_t n = 0, labels = 1, extra = 1;
  std::vector<std::uint8_t> code;  // [n, labels, extra]
};

struct ClassLabels {
  static constexpr std::int32_t kIgnoredClass = -1;
  static constexpr std::int32_t kInvalidClass = -2;  // out of range, only with validate_args=false
  std::int64_t n = 0, extra = 1, k = 1;
  std::vector<std::int32_t> target;  // [n, extra]
  std::vector<std::int32_t> preds;   // [n, extra, k]
};

LabelCodes format_labels(const InputFormat& f, const TensorView& preds, const TensorView& target);

// V4 (float preds finite) and V2 (float target integral) on one batch's raw inputs, with the
// messages format_labels/format_classes use; nothing when !f.validate. For metrics that read the
// scores themselves (calibration, hinge, ranking, legacy Dice).
void check_finite_preds_integral_target(const InputFormat& f, const TensorView& preds, const TensorView& target);
// A number as the messages print it ("NaN", "Infinity", 9 significant digits).
std::string format_number(double v);

// A target/preds element as an integer label; kNotALabel for a non-integral or non-finite float.
inline constexpr std::int64_t kNotALabel = std::numeric_limits<std::int64_t>::min();
template <class T>
inline std::int64_t label_of(T v) {
  if constexpr (std::is_floating_point_v<T>) {
    if (!(v >= -9.0e18 && v <= 9.0e18) || std::floor(v) != v) return kNotALabel;
    return static_cast<std::int64_t>(v);
  } else {
    return static_cast<std::int64_t>(v);
  }
}
ClassLabels format_classes(const InputFormat& f, const TensorView& preds, const TensorView& target);

// The k best classes along dim 1 of [N, C, X] scores, per (n, x): out[(n * X + x) * k + j], higher
// score first, lower class first on ties (format_classes' top_k, legacy Dice's top_k).
template <class P>
void top_classes(const P* p, std::int64_t N, std::int64_t C, std::int64_t X, std::int64_t k, std::int32_t* out) {
  if (k == 1) {
    std::vector<P> best(static_cast<std::size_t>(X));
    for (std::int64_t n = 0; n < N; ++n) {
      const P* base = p + n * C * X;
      std::int32_t* o = out + n * X;
      for (std::int64_t x = 0; x < X; ++x) {
        best[x] = base[x];
        o[x] = 0;
      }
      for (std::int64_t c = 1; c < C; ++c) {
        const P* row = base + c * X;
        for (std::int64_t x = 0; x < X; ++x)
          if (row[x] > best[x]) {
            best[x] = row[x];
            o[x] = static_cast<std::int32_t>(c);
          }
      }
    }
    return;
  }
  // top-k per position: k best, higher score first, lower class index first on ties
  std::vector<P> vals(static_cast<std::size_t>(k));
  for (std::int64_t n = 0; n < N; ++n) {
    for (std::int64_t x = 0; x < X; ++x) {
      std::int32_t* o = out + (n * X + x) * k;
      std::int64_t filled = 0;
      for (std::int64_t c = 0; c < C; ++c) {
        P v = p[(n * C + c) * X + x];
        if (filled == k && !(v > vals[k - 1])) continue;
        std::int64_t j = filled < k ? filled++ : k - 1;
        while (j > 0 && v > vals[j - 1]) {
          vals[j] = vals[j - 1];
          o[j] = o[j - 1];
          --j;
        }
        vals[j] = v;
        o[j] = static_cast<std::int32_t>(c);
      }
    }
  }
}

// ---- option schema pieces shared by the classification metrics ----
OptionSpec threshold_option(Task task);  // number (binary) or number_list (multilabel)
OptionSpec num_classes_option();
OptionSpec num_labels_option();
OptionSpec top_k_option();
OptionSpec multidim_average_option();
OptionSpec ignore_index_option();
OptionSpec validate_args_option();
OptionSpec input_kind_option(Task task);

// Builds an InputFormat from validated options (those of the schema pieces above that the
// metric declares). Checks num_classes/num_labels/top_k/threshold length; throws Error.
InputFormat input_format_from_options(const Options& o, Task task, LogitsTest test);

std::vector<InputSpec> classification_inputs(Task task);

}  // namespace wasmetrics::classification
