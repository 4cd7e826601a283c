#pragma once
// What compute() returns: a tensor, named results (curves, dicts) or a list of results
// (one tensor per class where shapes differ). Mirrors the conformance RESULT format.
#include <string>
#include <utility>
#include <vector>

#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics {

struct Result {
  enum class Kind { tensor, dict, list };
  Kind kind = Kind::tensor;
  Tensor tensor;
  std::vector<std::pair<std::string, Result>> fields;  // kind == dict, in order
  std::vector<Result> items;                           // kind == list

  Result() = default;
  Result(Tensor t) : tensor(std::move(t)) {}  // NOLINT: a tensor is a result
  static Result scalar(double v) { return Result(Tensor::scalar(v)); }
  static Result dict(std::vector<std::pair<std::string, Result>> f) {
    Result r;
    r.kind = Kind::dict;
    r.fields = std::move(f);
    return r;
  }
  static Result list(std::vector<Result> items) {
    Result r;
    r.kind = Kind::list;
    r.items = std::move(items);
    return r;
  }
  // TorchMetrics squeezes every one-element result to 0-d (metric.py -> utilities/data.py).
  static Result squeezed(Tensor t) {
    if (t.numel() == 1) t.shape.clear();
    return Result(std::move(t));
  }
  const Result* field(const std::string& name) const {
    for (auto& [k, v] : fields)
      if (k == name) return &v;
    return nullptr;
  }
};

}  // namespace wasmetrics
