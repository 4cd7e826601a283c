#pragma once
// Checks and typed access that update_state implementations share. Messages name the metric,
// the argument and the offending value, as every error in the project does; each refusal carries
// its code (core/error_code.hpp) and the argument at fault, as the metric's inputs name it.
#include <span>
#include <string_view>
#include <vector>

#include "wasmetrics/core/error_code.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics {

inline void require_same_shape(std::string_view metric, std::string_view a_name, const TensorView& a,
                               std::string_view b_name, const TensorView& b) {
  if (a.shape != b.shape)
    fail_as(ErrorCode::E_SHAPE, a_name, metric, ": `", a_name, "` and `", b_name, "` must have the same shape, got ",
            shape_str(a.shape), " and ", shape_str(b.shape));
}

inline void require_floating(std::string_view metric, std::string_view name, const TensorView& t) {
  if (!is_floating(t.dtype))
    fail_as(ErrorCode::E_DTYPE, name, metric, ": `", name,
            "` must be a floating point tensor (float32 or float64), got ", dtype_name(t.dtype));
}

inline void require_ndim(std::string_view metric, std::string_view name, const TensorView& t, std::int64_t lo,
                         std::int64_t hi) {
  if (t.ndim() < lo || t.ndim() > hi) {
    if (lo == hi)
      fail_as(ErrorCode::E_SHAPE, name, metric, ": `", name, "` must be ", lo, "-D, got shape ", shape_str(t.shape));
    fail_as(ErrorCode::E_SHAPE, name, metric, ": `", name, "` must be ", lo, "-D to ", hi, "-D, got shape ",
            shape_str(t.shape));
  }
}

// Calls f(std::span<const T>) with the tensor's elements in their own type.
template <class F>
decltype(auto) visit_elements(const TensorView& t, F&& f) {
  return dispatch_dtype(t.dtype, [&](auto tag) {
    using T = decltype(tag);
    return f(std::span<const T>(t.as<T>(), static_cast<std::size_t>(t.numel())));
  });
}

// Calls f(std::span<const T>) for float32/float64 tensors; any other dtype is an error.
template <class F>
decltype(auto) visit_floats(std::string_view metric, std::string_view name, const TensorView& t, F&& f) {
  require_floating(metric, name, t);
  if (t.dtype == DType::float32) return f(std::span<const float>(t.as<float>(), static_cast<std::size_t>(t.numel())));
  return f(std::span<const double>(t.as<double>(), static_cast<std::size_t>(t.numel())));
}

inline std::vector<double> to_doubles(const TensorView& t) {
  return visit_elements(t, [](auto s) { return std::vector<double>(s.begin(), s.end()); });
}

}  // namespace wasmetrics
