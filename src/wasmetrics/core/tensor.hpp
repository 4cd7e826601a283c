#pragma once
// TensorView: a borrowed, typed, row-major block of memory (an update() input), or, with kind
// text/text_lists/records, a borrowed batch of strings (`text`, see text_view.hpp).
// Tensor: an owned float64 result. Results are float64 because JS numbers are.
#include <cstdint>
#include <string>
#include <vector>

#include "wasmetrics/core/dtype.hpp"
#include "wasmetrics/core/text_view.hpp"

namespace wasmetrics {

using Shape = std::vector<std::int64_t>;

inline std::int64_t shape_numel(const Shape& s) {
  std::int64_t n = 1;
  for (auto d : s) n *= d;
  return n;
}

// Whether every partial product of the dims (zeros counted as 1) fits in int64: a shape read
// from a state blob may claim [2^62, 0], which holds no data but overflows element counts.
inline bool shape_fits(const Shape& s) {
  std::int64_t n = 1;
  for (auto d : s)
    if (d < 0 || __builtin_mul_overflow(n, d > 0 ? d : 1, &n)) return false;
  return true;
}

inline std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i) out += ", ";
    out += std::to_string(s[i]);
  }
  return out + "]";
}

struct TensorView {
  const void* data = nullptr;
  DType dtype = DType::float32;
  Shape shape;
  InputKind kind = InputKind::tensor;  // anything but tensor: `text` holds the input, data is unused
  TextView text;

  static TensorView of_text(InputKind k, TextView t) {
    TensorView v;
    v.kind = k;
    v.text = t;
    v.dtype = DType::uint8;
    v.shape = {static_cast<std::int64_t>(t.size())};
    return v;
  }
  bool is_text() const { return kind != InputKind::tensor; }
  std::int64_t numel() const { return shape_numel(shape); }
  std::int64_t ndim() const { return static_cast<std::int64_t>(shape.size()); }
  template <class T>
  const T* as() const {
    return static_cast<const T*>(data);
  }
  // One element as double, whatever the dtype. For cold paths and validation, not kernels.
  double at(std::int64_t i) const {
    return dispatch_dtype(dtype, [&](auto tag) { return static_cast<double>(as<decltype(tag)>()[i]); });
  }
};

struct Tensor {
  std::vector<double> data;
  Shape shape;

  static Tensor scalar(double v) { return Tensor{{v}, {}}; }
  static Tensor vector(std::vector<double> v) {
    auto n = static_cast<std::int64_t>(v.size());
    return Tensor{std::move(v), {n}};
  }
  std::int64_t numel() const { return static_cast<std::int64_t>(data.size()); }
};

}  // namespace wasmetrics
