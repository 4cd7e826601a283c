// CriticalSuccessIndex (regression/csi.py): hits / (hits + misses + false alarms) of the events
// `value >= threshold` (compared in the inputs' dtype: float32 and integer inputs against
// float32(threshold)); 0/0 is 0. State: three int64 counts, or with keep_sequence_dim three
// int64 vectors, one value per index of that axis per update() (concatenated, not summed: IA6).
#include <cstdint>
#include <type_traits>

#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/weighted_state.hpp"

namespace wasmetrics {
namespace {

class CriticalSuccessIndex final : public Metric {
 public:
  explicit CriticalSuccessIndex(Options o) : Metric(std::move(o)), threshold_(options().get_number("threshold")) {
    if (!options().is_null("keep_sequence_dim")) {
      keep_ = options().get_int("keep_sequence_dim");
      if (keep_ < 0) fail(name(), ": `keep_sequence_dim` must be a non-negative integer, got ", keep_);
    }
    // three int64 counts, or with keep_sequence_dim three vectors concatenated per update()
    auto declare = [&](const char* state) {
      return keep_ < 0 ? declare_state<std::int64_t>(state, Reduction::sum, {})
                       : declare_state<std::int64_t>(state, Reduction::cat, {0});
    };
    hits_ = declare("hits");
    misses_ = declare("misses");
    false_alarms_ = declare("false_alarms");
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    require_same_shape(name(), "preds", in[0], "target", in[1]);
    const TensorView& p = in[0];
    if (keep_ >= 0 && keep_ >= p.ndim())
      fail(name(), ": `keep_sequence_dim` must be in [0, ", p.ndim(), ") for inputs of shape ", shape_str(p.shape),
           ", got ", keep_);
    // one counter triple per index of the kept axis (a single one without it)
    std::int64_t inner = 1, len = 1;
    if (keep_ >= 0) {
      len = p.shape[static_cast<std::size_t>(keep_)];
      for (std::size_t a = static_cast<std::size_t>(keep_) + 1; a < p.shape.size(); ++a) inner *= p.shape[a];
    }
    std::vector<std::int64_t> hits(static_cast<std::size_t>(len)), misses(hits), false_alarms(hits);
    const std::vector<bool> pe = events(p), te = events(in[1]);
    for (std::size_t i = 0; i < pe.size(); ++i) {
      const auto k = static_cast<std::size_t>((static_cast<std::int64_t>(i) / inner) % len);
      hits[k] += pe[i] && te[i];
      misses[k] += !pe[i] && te[i];
      false_alarms[k] += pe[i] && !te[i];
    }
    if (keep_ < 0) {
      hits_.value(s) = hits[0];
      misses_.value(s) = misses[0];
      false_alarms_.value(s) = false_alarms[0];
      return;
    }
    hits_.append(s, std::span<const std::int64_t>(hits));
    misses_.append(s, std::span<const std::int64_t>(misses));
    false_alarms_.append(s, std::span<const std::int64_t>(false_alarms));
  }

  Result compute_state(const State& s) const override {
    // counts_of: a blob may hold the counts as float64 (core/weighted_state.hpp), the same values
    const std::vector<double> h = counts_of(hits_.var(s)), m = counts_of(misses_.var(s)),
                              f = counts_of(false_alarms_.var(s));
    if (keep_ >= 0 && s.updates == 0)
      fail(name(), ": compute() needs at least one update() first (no values to concatenate)");
    std::vector<double> out(h.size());
    for (std::size_t i = 0; i < h.size(); ++i) {
      const double denom = h[i] + m[i] + f[i];
      out[i] = denom == 0 ? 0.0 : h[i] / denom;
    }
    if (keep_ < 0) return Result::scalar(out[0]);
    return Result::squeezed(Tensor::vector(std::move(out)));
  }

 private:
  std::vector<bool> events(const TensorView& t) const {
    std::vector<bool> out(static_cast<std::size_t>(t.numel()));
    visit_elements(t, [&](auto v) {
      using T = typename decltype(v)::value_type;
      if constexpr (std::is_same_v<T, double>) {
        for (std::size_t i = 0; i < v.size(); ++i) out[i] = v[i] >= threshold_;
      } else {
        const auto thr = static_cast<float>(threshold_);
        for (std::size_t i = 0; i < v.size(); ++i) out[i] = static_cast<float>(v[i]) >= thr;
      }
    });
    return out;
  }

  double threshold_;
  std::int64_t keep_ = -1;
  StateSlot<std::int64_t> hits_, misses_, false_alarms_;  // declared in the constructor, after keep_
};

}  // namespace

WASMETRICS_COLD MetricSpec critical_success_index_spec() {
  return {
      .name = "CriticalSuccessIndex",
      .family = "regression",
      .doc = "Critical success index (threat score) of the events value >= threshold, over all batches.",
      .inputs = {{"preds", false, "predicted values, any shape (e.g. [N, H, W] or [N, S, H, W])"},
                 {"target", false, "observed values, same shape"}},
      .options =
          {
              {.name = "threshold",
               .type = OptionType::number,
               .default_value = nullptr,
               .doc = "a value counts as an event when it is >= threshold (required)"},
              {.name = "keep_sequence_dim",
               .type = OptionType::integer,
               .default_value = nullptr,
               .nullable = true,
               .doc = "keep this axis: one score per index of it and per batch, concatenated; null: one score"},
          },
      .make =
          [](const Options& o) {
            if (o.is_null("threshold")) fail("CriticalSuccessIndex: `threshold` is required");
            return std::make_unique<CriticalSuccessIndex>(o);
          },
      .examples = {{
          .doc = "TorchMetrics' docstring example",
          .args = {{"threshold", 0.5}},
          .batches = Json::parse(R"([{"preds": {"dtype": "float32", "shape": [2, 2], "data": [0.2, 0.7, 0.9, 0.3]},
                                      "target": {"dtype": "float32", "shape": [2, 2], "data": [0.4, 0.2, 0.8, 0.6]}}])"),
          .expected = Json::parse(R"({"shape": [], "data": [0.3333]})"),
          .atol = 5e-5,
      }},
  };
}

}  // namespace wasmetrics
