#pragma once
// Typed input buffers for tests: an owned vector plus the TensorView update() takes, and a
// two-input update().
#include <utility>
#include <vector>

#include "wasmetrics/core/metric.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::testing {

template <class T>
struct Buf {
  std::vector<T> v;
  Shape shape;
  TensorView view() const { return TensorView{v.data(), dtype_of<T>(), shape}; }
};

// A buffer of `v`, 1-D unless a shape is given.
template <class T>
Buf<T> buf(std::vector<T> v, Shape shape = {}) {
  if (shape.empty()) shape = {static_cast<std::int64_t>(v.size())};
  return Buf<T>{std::move(v), std::move(shape)};
}

// Folds one (preds, target) batch into `m`.
template <class P, class T>
void update(Metric& m, const Buf<P>& p, const Buf<T>& t) {
  std::vector<TensorView> in{p.view(), t.view()};
  m.update(in);
}

}  // namespace wasmetrics::testing
