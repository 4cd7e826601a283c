#pragma once
// The audio metrics' shared state, as TorchMetrics keeps it: the sum of the per-signal values of
// every batch and their count (16 bytes whatever the data); compute() is their mean.
#include <xtensor/xmath.hpp>
#include <xtensor/xtensor.hpp>

#include "wasmetrics/audio/signal.hpp"
#include "wasmetrics/core/metric.hpp"
#include "wasmetrics/core/weighted_state.hpp"

namespace wasmetrics::audio {

class MeanOfValues : public Metric {
 public:
  using Metric::Metric;

 protected:
  // The values of one batch (one per signal, or per sample for PIT and SA-SDR).
  virtual Values batch_values(std::span<const TensorView> inputs) const = 0;

  void update_state(State& s, std::span<const TensorView> inputs) const override {
    const Values values = batch_values(inputs);
    sum_value_.value(s) = xt::sum(values)();
    total_.value(s) = static_cast<std::int64_t>(values.size());
  }
  Result compute_state(const State& s) const override {
    return Result::scalar(sum_value_.value(s) / count_at(total_.var(s), 0));
  }

 private:
  StateSlot<double> sum_value_ = declare_state<double>("sum_value", Reduction::sum, {});
  StateSlot<std::int64_t> total_ = declare_state<std::int64_t>("total", Reduction::sum, {});
};

}  // namespace wasmetrics::audio
