#pragma once
// A state variable seen through xtensor, by its typed handle: slot.tensor(state) is xt::adapt over
// the state's buffer with its current shape (no copy; writable on a mutable State), so update and
// compute use xtensor's vocabulary (views, xt::sum along an axis, `+=` of a batch's sums) on state
// as tensor_adapt.hpp's adapt() does on inputs. The adaptor borrows the buffer: it is valid until
// the state is resized (a cat append, a merge) or promoted (weighted_state.hpp).
#include <cstddef>
#include <vector>

#include <xtensor/xadapt.hpp>

#include "wasmetrics/core/state.hpp"

namespace wasmetrics {

template <class T>
auto StateSlot<T>::tensor(State& s) const {
  auto values = span(s);
  const Shape& shape = var(s).shape;
  return xt::adapt(values.data(), values.size(), xt::no_ownership(),
                   std::vector<std::size_t>(shape.begin(), shape.end()));
}

template <class T>
auto StateSlot<T>::tensor(const State& s) const {
  auto values = span(s);
  const Shape& shape = var(s).shape;
  return xt::adapt(values.data(), values.size(), xt::no_ownership(),
                   std::vector<std::size_t>(shape.begin(), shape.end()));
}

}  // namespace wasmetrics
