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
  // Cat states: room for `more` elements beyond those held, so that appending them does not
  // reallocate (a reader that knows its count reserves the exact size once).
  template <class T>
  void reserve(std::size_t more) {
    check_type<T>();
    bytes.reserve(bytes.size() + more * sizeof(T));
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
  // By name: a linear search comparing names on every call. The old path, deprecated in update and
  // compute (use a StateSlot, below); names stay for serialization, merging and error messages.
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

// A typed handle on one state variable (issue 17): its position in every State that one StateLayout
// makes, and its element type T, fixed where it is declared (StateLayout::add<T>). Update and compute
// reach the state through it with an index, no name compared. The element type is compared on each
// read (one byte): the weighted layout widens int64 counts (and kept float32 scores) to float64 after
// declaration (weighted_state.hpp), and such a state must be read with count_at(slot.var(s), i), never
// reinterpreted. The xtensor views are in core/state_tensor.hpp (kept out of here, as tensor_adapt.hpp
// is, so that only the files using xtensor pay for its headers).
template <class T>
class StateSlot {
 public:
  StateSlot() = default;  // not declared yet: every read is an internal error
  std::size_t index() const { return index_; }
  bool declared() const { return index_ != kUndeclared; }

  StateVar& var(State& s) const { return checked(s.vars()); }
  const StateVar& var(const State& s) const { return checked(s.vars()); }
  // The elements, row-major (a cat state: every row kept so far).
  std::span<T> span(State& s) const { return typed(var(s)).template as<T>(); }
  std::span<const T> span(const State& s) const { return typed(var(s)).template as<T>(); }
  // Element 0: the value of a 0-d (or one-element) state.
  T& value(State& s) const { return span(s)[0]; }
  T value(const State& s) const { return span(s)[0]; }
  // Cat states: appends rows (elements of the row shape declared, dim 0 grown).
  void append(State& s, std::span<const T> values) const { typed(var(s)).template append<T>(values); }
  void append(State& s, T value) const { typed(var(s)).template append<T>(value); }
  void reserve(State& s, std::size_t more) const { typed(var(s)).template reserve<T>(more); }
  // xt::adapt over the buffer with the state's current shape (defined in core/state_tensor.hpp).
  auto tensor(State& s) const;
  auto tensor(const State& s) const;

 private:
  friend class StateLayout;
  static constexpr std::uint32_t kUndeclared = ~std::uint32_t{0};
  explicit StateSlot(std::uint32_t index) : index_(index) {}
  template <class Vars>
  auto& checked(Vars& vars) const {
    if (index_ >= vars.size())
      fail("internal: a state slot (", index_, ") read in a State of ", vars.size(), " states");
    return vars[index_];
  }
  template <class V>
  static V& typed(V& v) {
    if (v.dtype != dtype_of<T>())
      fail("internal: state '", v.name, "' is ", dtype_name(v.dtype), ", read as ", dtype_name(dtype_of<T>()));
    return v;
  }
  std::uint32_t index_ = kUndeclared;
};

// The states a metric declares, once (in its constructor, through Metric::declare_state): name,
// reduction, element type, shape and initial value of each, in order. make() builds a fresh State
// of them (what initial_state() returns); the slots add() hands out index every State it makes.
class StateLayout {
 public:
  template <class T>
  StateSlot<T> add(std::string name, Reduction reduction, Shape shape, double init = 0.0) {
    for (auto& d : decls_)
      if (d.name == name) fail("internal: state '", name, "' declared twice");
    decls_.push_back({std::move(name), reduction, dtype_of<T>(), std::move(shape), init});
    return StateSlot<T>(static_cast<std::uint32_t>(decls_.size() - 1));
  }
  bool empty() const { return decls_.empty(); }
  State make() const;

 private:
  struct Declaration {
    std::string name;
    Reduction reduction;
    DType dtype;
    Shape shape;
    double init;
  };
  std::vector<Declaration> decls_;
};

// Whether `a` and `b` declare the same states with the same dtypes and fixed shapes (cat states
// may hold any number of rows): a batch state can then be reset in place (reset_like).
bool same_layout(const State& a, const State& b);
// Makes `s` equal to `blank` (same layout, see same_layout) without reallocating its buffers.
void reset_like(State& s, const State& blank);

// Folds `from` into `into` by each state's reduction (custom states are left to the caller).
// The two must declare the same states; shapes are checked.
void merge_states(State& into, const State& from);

}  // namespace wasmetrics
