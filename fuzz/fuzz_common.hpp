#pragma once
// Shared by the fuzz targets: options JSON and input tensors built from the fuzzer's bytes.
// Options are drawn mostly from each option's own schema (choices, bounds, defaults) so that the
// fuzzer reaches the metrics' update paths, and sometimes from hostile values (wrong types,
// huge or negative numbers, unknown names). Tensors get a fuzzer-chosen dtype and shape (small
// dims, data exactly numel * element size, as the JS side guarantees) and values drawn from a
// table of edge cases (NaN, +-Inf, labels around the class range, probabilities) or raw bytes.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/options.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::fuzz {

inline Json fuzz_number(FuzzedDataProvider& in) {
  static const double table[] = {0, 1, -1, 2, 3, 4, 5, 10, 0.5, 0.25, 0.75, 1e-9, -0.5, 255, 1e6, 2147483648.0,
                                 -2147483649.0, 1e300, 100, 7};
  return table[in.ConsumeIntegralInRange<int>(0, std::size(table) - 1)];
}

inline Json fuzz_option_value(FuzzedDataProvider& in, const OptionSpec& spec) {
  switch (in.ConsumeIntegralInRange<int>(0, 11)) {
    case 0: case 1: return spec.default_value;
    case 2: case 3: case 4:
      if (!spec.choices.empty()) return spec.choices[in.ConsumeIntegralInRange<std::size_t>(0, spec.choices.size() - 1)];
      return in.ConsumeIntegralInRange<int>(-1, 6);
    case 5: return spec.min ? Json(*spec.min + (spec.min_exclusive ? 0.5 : 0)) : fuzz_number(in);
    case 6: return spec.max ? Json(*spec.max) : fuzz_number(in);
    case 7: return fuzz_number(in);
    case 8: {  // a list (per-label thresholds, class lists), sometimes of the wrong length
      Json list = Json::array();
      int n = in.ConsumeIntegralInRange<int>(0, 5);
      for (int i = 0; i < n; ++i) list.push_back(in.ConsumeBool() ? fuzz_number(in) : Json(in.ConsumeIntegralInRange<int>(0, 9) / 9.0));
      return list;
    }
    case 9: return nullptr;
    case 10: return in.ConsumeBool();
    default: return in.ConsumeRandomLengthString(12);
  }
}

// An options object for a metric with `specs`: some declared options set, keys snake_case or
// camelCase, occasionally an unknown key.
inline Json fuzz_options(FuzzedDataProvider& in, const std::vector<OptionSpec>& specs) {
  Json o = Json::object();
  for (auto& spec : specs) {
    // Required options (null default, not nullable: num_classes, task, ...) are set more often.
    bool required = spec.default_value.is_null() && !spec.nullable;
    if (in.ConsumeIntegralInRange<int>(0, 3) >= (required ? 1 : 3)) {
      auto key = in.ConsumeBool() ? to_camel_case(spec.name) : spec.name;
      o[key] = fuzz_option_value(in, spec);
    }
  }
  if (in.ConsumeIntegralInRange<int>(0, 15) == 0) o[in.ConsumeRandomLengthString(8)] = fuzz_number(in);
  return o;
}

// An input buffer: storage aligned for any dtype, and its view.
struct FuzzTensor {
  std::vector<double> storage;
  TensorView view;
};

template <class T>
T value_from_table(std::uint8_t b) {
  if constexpr (std::is_floating_point_v<T>) {
    static const double table[] = {0, 1, 2, 3, -1, 0.5, 0.1, 0.9, 0.3, std::nan(""), INFINITY, -INFINITY,
                                   4, 1e30, -2.5, 1e-300, 255, 6, -0.0, 0.7};
    return static_cast<T>(table[b % std::size(table)]);
  } else {
    static const long long table[] = {0, 1, 2, 3, -1, 4, 5, 255, -100, 6, 7, 2147483647, -2147483647 - 1, 65535, 1, 0};
    return static_cast<T>(table[b % std::size(table)]);
  }
}

inline FuzzTensor fuzz_tensor(FuzzedDataProvider& in) {
  FuzzTensor t;
  t.view.dtype = static_cast<DType>(in.ConsumeIntegralInRange<int>(0, kDTypeCount - 1));
  int ndim = in.ConsumeIntegralInRange<int>(0, 4);
  for (int i = 0; i < ndim; ++i) t.view.shape.push_back(in.ConsumeIntegralInRange<int>(0, i == 0 ? 12 : 5));
  auto n = static_cast<std::size_t>(t.view.numel());
  auto elem = dtype_size(t.view.dtype);
  t.storage.assign((n * elem + sizeof(double) - 1) / sizeof(double) + 1, 0.0);
  auto* bytes = reinterpret_cast<std::uint8_t*>(t.storage.data());
  bool raw = in.ConsumeIntegralInRange<int>(0, 7) == 0;
  dispatch_dtype(t.view.dtype, [&](auto tag) {
    using T = decltype(tag);
    for (std::size_t i = 0; i < n; ++i) {
      T v;
      if (raw) {
        auto chunk = in.ConsumeBytes<std::uint8_t>(sizeof(T));
        chunk.resize(sizeof(T), 0);
        std::memcpy(&v, chunk.data(), sizeof(T));
      } else {
        v = value_from_table<T>(in.ConsumeIntegral<std::uint8_t>());
      }
      if constexpr (std::is_integral_v<T>)
        if (t.view.dtype == DType::bool_) v = static_cast<T>(v & 1);  // a JS bool buffer holds 0/1 only
      std::memcpy(bytes + i * sizeof(T), &v, sizeof(T));
    }
    return 0;
  });
  t.view.data = bytes;
  return t;
}

}  // namespace wasmetrics::fuzz
