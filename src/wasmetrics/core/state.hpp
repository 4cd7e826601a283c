#pragma once
// A metric's state: named arrays, each with a reduction saying how two states combine
// (TorchMetrics' add_state / dist_reduce_fx). Everything a metric knows lives here, so
// merge, forward, save/load and collections are written once, in the engine.
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "wasmetrics/core/dtype.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics {

enum class Reduction : std::uint8_t {
  sum = 0,     // element-wise sum (counts, sums of errors)
  mean = 1,    // element-wise mean, weighted by how many updates each side folded in
  min = 2,     // element-wise min
  max = 3,     // element-wise max
  cat = 4,     // concatenate along dim 0 (kept samples, per-sample values)
  custom = 5,  // the metric merges it itself (Metric::merge_custom), e.g. running moments
};

std::string_view reduction_name(Reduction r);

struct StateVar {
  std::string name;
  Reduction reduction = Reduction::sum;
  DType dtype = DType::float64;
  Shape shape;                   // for cat, shape[0] grows
  std::vector<std::byte> bytes;  // row-major, dtype elements

  std::int64_t numel() const { return shape_numel(shape); }
  template <class T>
  std::span<T> as() {
    check_type<T>();
    return {reinterpret_cast<T*>(bytes.data()), bytes.size() / sizeof(T)};
  }
  template <class T>
  std::span<const T> as() const {
    check_type<T>();
    return {reinterpret_cast<const T*>(bytes.data()), bytes.size() / sizeof(T)};
  }
  // Cat states: append rows of `row_shape` (shape without dim 0).
  template <class T>
  void append(std::span<const T> values) {
    check_type<T>();
    auto old = bytes.size();
    bytes.resize(old + values.size_bytes());
    if (!values.empty()) std::memcpy(bytes.data() + old, values.data(), values.size_bytes());
    std::int64_t row = 1;
    for (std::size_t i = 1; i < shape.size(); ++i) row *= shape[i];
    shape[0] = static_cast<std::int64_t>(bytes.size() / sizeof(T)) / (row ? row : 1);
  }
  template <class T>
  void append(T value) {
    append(std::span<const T>(&value, 1));
  }

 private:
  template <class T>
  void check_type() const {
    if (dtype_size(dtype) != sizeof(T))
      fail("internal: state '", name, "' is ", dtype_name(dtype), ", read with an element of ", sizeof(T), " bytes");
  }
};

// The most bytes the fixed-shape variables of one State may take together (cat states start empty).
inline constexpr std::size_t kMaxStateVarBytes = std::size_t{1} << 30;

class State {
 public:
  // Declares a state of `shape` filled with `init` (cat states start empty along dim 0).
  StateVar& add(std::string name, Reduction reduction, DType dtype, Shape shape, double init = 0.0);
  StateVar& operator[](std::string_view name);
  const StateVar& operator[](std::string_view name) const;
  const StateVar* find(std::string_view name) const;
  std::vector<StateVar>& vars() { return vars_; }
  const std::vector<StateVar>& vars() const { return vars_; }
  std::size_t byte_size() const;

  // How many update() calls were folded in (weights the `mean` reduction; RunningMean windows).
  std::int64_t updates = 0;

 private:
  std::vector<StateVar> vars_;
};

// Folds `from` into `into` by each state's reduction (custom states are left to the caller).
// The two must declare the same states; shapes are checked.
void merge_states(State& into, const State& from);

}  // namespace wasmetrics
