#pragma once
// The audio metrics' shared state, as TorchMetrics keeps it: the sum of the per-signal values of
// every batch and their count (16 bytes whatever the data); compute() is their mean.
#include <vector>

#include "wasmetrics/core/metric.hpp"

namespace wasmetrics::audio {

class MeanOfValues : public Metric {
 public:
  using Metric::Metric;

 protected:
  // The values of one batch (one per signal, or per sample for PIT and SA-SDR).
  virtual std::vector<double> batch_values(std::span<const TensorView> inputs) const = 0;

  State initial_state() const override {
    State s;
    s.add("sum_value", Reduction::sum, DType::float64, {});
    s.add("total", Reduction::sum, DType::int64, {});
    return s;
  }
  void update_state(State& s, std::span<const TensorView> inputs) const override {
    const std::vector<double> values = batch_values(inputs);
    double sum = 0;
    for (double v : values) sum += v;
    s["sum_value"].as<double>()[0] = sum;
    s["total"].as<std::int64_t>()[0] = static_cast<std::int64_t>(values.size());
  }
  Result compute_state(const State& s) const override {
    return Result::scalar(s["sum_value"].as<double>()[0] / static_cast<double>(s["total"].as<std::int64_t>()[0]));
  }
};

}  // namespace wasmetrics::audio
