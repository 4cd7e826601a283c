#pragma once
// An input TensorView seen through xtensor: xt::adapt over the caller's buffer (no copy), with the
// view's shape, row-major, read-only. Metrics handle tensors with xtensor's vocabulary on these
// (views, xt::sum along an axis, broadcasting); kernels/ takes the raw pointer where a hot loop
// needs it. Kept out of tensor.hpp so that only the files that use xtensor pay for its headers.
#include <array>
#include <cstddef>
#include <cstdint>
#include <ranges>
#include <vector>

#include <xtensor/xadapt.hpp>

#include "wasmetrics/core/inputs.hpp"

namespace wasmetrics {

using XtShape = std::vector<std::size_t>;

inline XtShape xt_shape_of(const Shape& s) { return XtShape(s.begin(), s.end()); }

// Contiguous memory as a 1-D xtensor (xt::adapt, no copy; writable when T is not const). A
// static rank, unlike adapt_flat's shape vector: making one allocates nothing, element access is
// cheaper and xt::argwhere's indices are one-element arrays.
template <class T>
auto adapt_1d(T* data, std::size_t n) {
  return xt::adapt(data, n, xt::no_ownership(), std::array<std::size_t, 1>{n});
}
// The same over a contiguous range held by the caller (std::vector, std::span, ...).
template <std::ranges::contiguous_range R>
auto adapt_1d(R& r) {
  return adapt_1d(std::ranges::data(r), std::ranges::size(r));
}

// The elements of `t` (whose dtype must be T) as an N-D xtensor expression of t's shape.
template <class T>
auto adapt(const TensorView& t) {
  return xt::adapt(t.as<T>(), static_cast<std::size_t>(t.numel()), xt::no_ownership(), xt_shape_of(t.shape));
}

// The elements of `t` flattened to 1-D (row-major), whatever its shape (0-d: one element).
template <class T>
auto adapt_flat(const TensorView& t) {
  const auto n = static_cast<std::size_t>(t.numel());
  return xt::adapt(t.as<T>(), n, xt::no_ownership(), XtShape{n});
}

// The elements of `t` as a [numel / columns, columns] matrix (row-major), e.g. [N] or [N, k]
// inputs seen as rows × outputs. `columns` must divide numel (callers check shapes first).
template <class T>
auto adapt_rows(const TensorView& t, std::size_t columns) {
  const auto n = static_cast<std::size_t>(t.numel());
  return xt::adapt(t.as<T>(), n, xt::no_ownership(), XtShape{columns ? n / columns : 0, columns});
}

// Calls f(adaptor) with `t` adapted in its own element type (one dtype switch, outside the loops).
template <class F>
decltype(auto) visit_adapted(const TensorView& t, F&& f) {
  return dispatch_dtype(t.dtype, [&](auto tag) { return f(adapt<decltype(tag)>(t)); });
}

// Calls f(adaptor) for float32/float64 tensors; any other dtype is an error naming the argument.
template <class F>
decltype(auto) visit_adapted_floats(std::string_view metric, std::string_view name, const TensorView& t, F&& f) {
  require_floating(metric, name, t);
  if (t.dtype == DType::float32) return f(adapt<float>(t));
  return f(adapt<double>(t));
}

}  // namespace wasmetrics
