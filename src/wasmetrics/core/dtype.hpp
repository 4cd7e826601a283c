#pragma once
// Element types an input tensor may have, named as numpy/torch name them.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "wasmetrics/core/error.hpp"

namespace wasmetrics {

enum class DType : std::uint8_t {
  float32 = 0,
  float64 = 1,
  int8 = 2,
  int16 = 3,
  int32 = 4,
  int64 = 5,
  uint8 = 6,
  uint16 = 7,
  uint32 = 8,
  bool_ = 9,
};
inline constexpr int kDTypeCount = 10;

constexpr std::string_view dtype_name(DType t) {
  switch (t) {
    case DType::float32:
      return "float32";
    case DType::float64:
      return "float64";
    case DType::int8:
      return "int8";
    case DType::int16:
      return "int16";
    case DType::int32:
      return "int32";
    case DType::int64:
      return "int64";
    case DType::uint8:
      return "uint8";
    case DType::uint16:
      return "uint16";
    case DType::uint32:
      return "uint32";
    case DType::bool_:
      return "bool";
  }
  return "?";
}

inline std::optional<DType> parse_dtype(std::string_view s) {
  for (int i = 0; i < kDTypeCount; ++i) {
    auto t = static_cast<DType>(i);
    if (dtype_name(t) == s) return t;
  }
  return std::nullopt;
}

constexpr std::size_t dtype_size(DType t) {
  switch (t) {
    case DType::float64:
    case DType::int64:
      return 8;
    case DType::float32:
    case DType::int32:
    case DType::uint32:
      return 4;
    case DType::int16:
    case DType::uint16:
      return 2;
    default:
      return 1;
  }
}

constexpr bool is_floating(DType t) { return t == DType::float32 || t == DType::float64; }

// Calls f(T{}) with T the C++ element type of `t` (bool is stored as one byte, uint8_t).
template <class F>
decltype(auto) dispatch_dtype(DType t, F&& f) {
  switch (t) {
    case DType::float32:
      return f(float{});
    case DType::float64:
      return f(double{});
    case DType::int8:
      return f(std::int8_t{});
    case DType::int16:
      return f(std::int16_t{});
    case DType::int32:
      return f(std::int32_t{});
    case DType::int64:
      return f(std::int64_t{});
    case DType::uint16:
      return f(std::uint16_t{});
    case DType::uint32:
      return f(std::uint32_t{});
    case DType::uint8:
    case DType::bool_:
      return f(std::uint8_t{});
  }
  throw Error("unknown dtype code");
}

template <class T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() {
  return DType::float32;
}
template <>
constexpr DType dtype_of<double>() {
  return DType::float64;
}
template <>
constexpr DType dtype_of<std::int8_t>() {
  return DType::int8;
}
template <>
constexpr DType dtype_of<std::int16_t>() {
  return DType::int16;
}
template <>
constexpr DType dtype_of<std::int32_t>() {
  return DType::int32;
}
template <>
constexpr DType dtype_of<std::int64_t>() {
  return DType::int64;
}
template <>
constexpr DType dtype_of<std::uint8_t>() {
  return DType::uint8;
}
template <>
constexpr DType dtype_of<std::uint16_t>() {
  return DType::uint16;
}
template <>
constexpr DType dtype_of<std::uint32_t>() {
  return DType::uint32;
}

}  // namespace wasmetrics
