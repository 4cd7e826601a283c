#include "wasmetrics/core/state.hpp"

#include "wasmetrics/core/state_merge.hpp"
#include "wasmetrics/core/weighted_state.hpp"

#include <algorithm>
#include <cmath>
#include <new>
#include <optional>
#include <stdexcept>

namespace wasmetrics {

std::string_view reduction_name(Reduction r) {
  switch (r) {
    case Reduction::sum:
      return "sum";
    case Reduction::mean:
      return "mean";
    case Reduction::min:
      return "min";
    case Reduction::max:
      return "max";
    case Reduction::cat:
      return "cat";
    case Reduction::custom:
      return "custom";
  }
  return "?";
}

namespace {

// A state's initial value when it is not 0 (min/max states), out of line (see reduce_elementwise).
[[gnu::noinline]] void fill_state(StateVar& v, double init) {
  dispatch_dtype(v.dtype, [&](auto tag) {
    using T = decltype(tag);
    std::fill(v.template as<T>().begin(), v.template as<T>().end(), static_cast<T>(init));
  });
}

}  // namespace

StateVar& State::add(std::string name, Reduction reduction, DType dtype, Shape shape, double init) {
  if (find(name)) fail("internal: state '", name, "' declared twice");
  StateVar v;
  v.name = std::move(name);
  v.reduction = reduction;
  v.dtype = dtype;
  if (reduction == Reduction::cat) {
    if (shape.empty()) shape.push_back(0);
    shape[0] = 0;
  }
  // A state this large could not be updated (each update builds a batch state of the same shape)
  // nor computed within the 4 GB the WebAssembly heap can grow to: an Error instead of an abort.
  double need = static_cast<double>(dtype_size(dtype));
  for (auto d : shape) need *= static_cast<double>(d);
  if (need + static_cast<double>(byte_size()) > static_cast<double>(kMaxStateVarBytes))
    fail("the state '", v.name, "' of shape ", shape_str(shape), " (", dtype_name(dtype), ") would take ",
         static_cast<std::uint64_t>(std::min(need, 1.8e19)), " bytes, taking the metric's state over the ",
         kMaxStateVarBytes, " bytes (1 GiB) a metric state may use; choose smaller options");
  v.shape = std::move(shape);
  v.bytes.resize(static_cast<std::size_t>(v.numel()) * dtype_size(dtype));  // zeros
  if (init != 0 || std::signbit(init)) fill_state(v, init);
  vars_.push_back(std::move(v));
  return vars_.back();
}

State StateLayout::make() const {
  State s;
  for (auto& d : decls_) s.add(d.name, d.reduction, d.dtype, d.shape, d.init);
  return s;
}

const StateVar* State::find(std::string_view name) const {
  for (auto& v : vars_)
    if (v.name == name) return &v;
  return nullptr;
}

StateVar& State::operator[](std::string_view name) {
  for (auto& v : vars_)
    if (v.name == name) return v;
  fail("internal: no state named '", name, "'");
}

bool same_layout(const State& a, const State& b) {
  if (a.vars().size() != b.vars().size()) return false;
  for (std::size_t k = 0; k < a.vars().size(); ++k) {
    const StateVar& x = a.vars()[k];
    const StateVar& y = b.vars()[k];
    // no names compared (reset_like rewrites them): what an update can change in a batch state is its
    // dtypes (the weighted layout), the number of its states (row weights added) and their sizes
    if (x.dtype != y.dtype || x.reduction != y.reduction || x.shape.size() != y.shape.size()) return false;
    if (x.reduction != Reduction::cat && x.bytes.size() != y.bytes.size()) return false;
  }
  return true;
}

void reset_like(State& s, const State& blank) {
  for (std::size_t k = 0; k < s.vars().size(); ++k) {
    StateVar& v = s.vars()[k];
    const StateVar& b = blank.vars()[k];
    v.name.assign(b.name);  // no allocation: the same text, unless a metric replaced the state's vars
    std::copy(b.shape.begin(), b.shape.end(), v.shape.begin());
    v.bytes.assign(b.bytes.begin(), b.bytes.end());  // same size: no allocation; cat: empty, capacity kept
  }
  s.updates = blank.updates;
}

const StateVar& State::operator[](std::string_view name) const {
  if (auto* v = find(name)) return *v;
  fail("internal: no state named '", name, "'");
}

std::size_t State::byte_size() const {
  std::size_t n = 0;
  for (auto& v : vars_) n += v.bytes.size();
  return n;
}

namespace {

// Out of line, like the other paths a merge does not always take: WebAssembly engines compile a
// function on its first call (V8's lazy compilation, Node's default), all of it, so the merge every
// first update() runs stays small (issue 18: Node's startup).
template <class T>
[[gnu::noinline]] void reduce_elementwise(StateVar& a, const StateVar& b, double wa, double wb) {
  auto x = a.as<T>();
  auto y = b.as<T>();
  switch (a.reduction) {
    case Reduction::sum:
      for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<T>(x[i] + y[i]);
      break;
    case Reduction::mean:
      if (wa + wb > 0)
        for (std::size_t i = 0; i < x.size(); ++i)
          x[i] = static_cast<T>((static_cast<double>(x[i]) * wa + static_cast<double>(y[i]) * wb) / (wa + wb));
      break;
    // NaN wins, as torch.minimum/maximum propagate it.
    case Reduction::min:
      for (std::size_t i = 0; i < x.size(); ++i)
        if (y[i] < x[i] || y[i] != y[i]) x[i] = y[i];
      break;
    case Reduction::max:
      for (std::size_t i = 0; i < x.size(); ++i)
        if (y[i] > x[i] || y[i] != y[i]) x[i] = y[i];
      break;
    default:
      break;
  }
}

// The weighted layout (weighted_state.hpp): whether `s` keeps per-row sample weights, and adds
// them (weight 1 for each row it holds) when it does not.
bool has_row_weights(const State& s) { return s.find(kSampleWeightState) != nullptr; }

void add_unit_row_weights(State& s) {
  StateVar& w = s.add(kSampleWeightState, Reduction::cat, DType::float32, {0});
  w.append<float>(std::vector<float>(static_cast<std::size_t>(cat_rows(s)), 1.0f));
}

// Brings `into` and `from` to one layout when only one of them is weighted: `into` is converted in
// place (same value), `from` through a copy in `converted` (returned, or &from when it needs none).
// layouts_differ (below) repeats this function's tests without acting on them: change both.
[[gnu::noinline]] const State* convert_weighted_layouts(State& into, const State& from,
                                                        std::optional<State>& converted) {
  const bool into_rows = has_row_weights(into), from_rows = has_row_weights(from);
  bool from_needs = into_rows && !from_rows, into_needs = from_rows && !into_rows;
  for (std::size_t k = 0; k < std::min(into.vars().size(), from.vars().size()); ++k) {
    const DType a = into.vars()[k].dtype, b = from.vars()[k].dtype;
    if (a == DType::int64 && b == DType::float64) into_needs = true;
    if (a == DType::float64 && b == DType::int64) from_needs = true;
    // kept scores (weighted_state.hpp): float32 meeting float64 is promoted, on either side
    if (may_hold_float64(into.vars()[k]) && may_hold_float64(from.vars()[k]) && a != b) {
      if (a == DType::float32)
        promote_to_float64(into.vars()[k]);
      else
        from_needs = true;
    }
  }
  if (into_needs) {
    for (std::size_t k = 0; k < std::min(into.vars().size(), from.vars().size()); ++k)
      if (into.vars()[k].dtype == DType::int64 && from.vars()[k].dtype == DType::float64) {
        State one;  // promote just this state
        one.vars().push_back(std::move(into.vars()[k]));
        promote_counts_to_float64(one);
        into.vars()[k] = std::move(one.vars()[0]);
      }
    if (from_rows && !into_rows) add_unit_row_weights(into);
  }
  if (!from_needs) return &from;
  converted = from;
  State& c = *converted;
  for (std::size_t k = 0; k < std::min(into.vars().size(), c.vars().size()); ++k)
    if (into.vars()[k].dtype == DType::float64 && c.vars()[k].dtype == DType::int64) {
      State one;
      one.vars().push_back(std::move(c.vars()[k]));
      promote_counts_to_float64(one);
      c.vars()[k] = std::move(one.vars()[0]);
    }
  for (std::size_t k = 0; k < std::min(into.vars().size(), c.vars().size()); ++k)
    if (may_hold_float64(into.vars()[k]) && may_hold_float64(c.vars()[k]) && into.vars()[k].dtype == DType::float64)
      promote_to_float64(c.vars()[k]);
  if (into_rows && !from_rows) add_unit_row_weights(c);
  return &c;
}

// Whether convert_weighted_layouts has anything to do: the same tests, without changing anything.
bool layouts_differ(const State& into, const State& from) {
  if (has_row_weights(into) != has_row_weights(from)) return true;
  for (std::size_t k = 0; k < std::min(into.vars().size(), from.vars().size()); ++k) {
    const DType a = into.vars()[k].dtype, b = from.vars()[k].dtype;
    if ((a == DType::int64 && b == DType::float64) || (a == DType::float64 && b == DType::int64)) return true;
    if (a != b && may_hold_float64(into.vars()[k]) && may_hold_float64(from.vars()[k])) return true;
  }
  return false;
}

const State* align_weighted_layouts(State& into, const State& from, std::optional<State>& converted) {
  return layouts_differ(into, from) ? convert_weighted_layouts(into, from, converted) : &from;
}

// merge_states; `takeable` (null, or &from_given) may give up its cat buffers (merge_states_taking).
void merge_into(State& into, const State& from_given, State* takeable) {
  std::optional<State> converted;
  const State& from = *align_weighted_layouts(into, from_given, converted);
  if (into.vars().size() != from.vars().size()) fail("cannot merge states: they declare different states");
  // what may be taken: the batch itself, or the copy the weighted layout converted it into
  State* take = !takeable ? nullptr : &from == &from_given ? takeable : &*converted;
  // Only a nearly full buffer is taken: one grown by many appends may hold up to twice its rows,
  // slack the state would keep (the copy is exact).
  auto taken = [&](const StateVar& a, std::size_t k) {
    if (!take || a.reduction != Reduction::cat || a.shape[0] != 0 || !a.bytes.empty()) return false;
    const StateVar& b = take->vars()[k];
    return b.reduction == Reduction::cat && b.bytes.capacity() - b.bytes.size() <= b.bytes.size() / 8;
  };
  // Every cat state gets its room before anything is appended: when the heap runs out (bad_alloc,
  // turned into a JS Error by the binding) no state is left longer than its siblings.
  for (std::size_t k = 0; k < into.vars().size(); ++k) {
    StateVar& a = into.vars()[k];
    const StateVar& b = from.vars()[k];
    if (a.reduction != Reduction::cat || b.reduction != Reduction::cat || taken(a, k)) continue;
    const std::size_t need = a.bytes.size() + b.bytes.size();
    if (need <= a.bytes.capacity()) continue;
    try {
      a.bytes.reserve(std::max(need, a.bytes.capacity() * 2));  // geometric, as insert() would
    } catch (const std::bad_alloc&) {
      a.bytes.reserve(need);
    } catch (const std::length_error&) {
      a.bytes.reserve(need);
    }
  }
  for (std::size_t k = 0; k < into.vars().size(); ++k) {
    StateVar& a = into.vars()[k];
    const StateVar& b = from.vars()[k];
    if (a.name != b.name || a.reduction != b.reduction || a.dtype != b.dtype)
      fail("cannot merge states: state '", a.name, "' does not match '", b.name, "'");
    if (a.reduction == Reduction::custom) continue;
    if (a.reduction == Reduction::cat) {
      if (!std::equal(a.shape.begin() + 1, a.shape.end(), b.shape.begin() + 1, b.shape.end()))
        fail("cannot merge state '", a.name, "': rows of shape ", shape_str(a.shape), " and ", shape_str(b.shape));
      if (taken(a, k)) {  // no rows yet: the same bytes as the append below, without a second copy
        StateVar& b_own = take->vars()[k];
        a.bytes.swap(b_own.bytes);
        a.shape[0] = b_own.shape[0];
        b_own.shape[0] = 0;
        continue;
      }
      a.bytes.insert(a.bytes.end(), b.bytes.begin(), b.bytes.end());
      a.shape[0] += b.shape[0];
      continue;
    }
    if (a.shape != b.shape)
      fail("cannot merge state '", a.name, "': shapes ", shape_str(a.shape), " and ", shape_str(b.shape));
    dispatch_dtype(a.dtype, [&](auto tag) {
      reduce_elementwise<decltype(tag)>(a, b, static_cast<double>(into.updates), static_cast<double>(from.updates));
    });
  }
  into.updates += from.updates;
}

}  // namespace

void merge_states(State& into, const State& from) { merge_into(into, from, nullptr); }

void merge_states_taking(State& into, State& from) { merge_into(into, from, &from); }

}  // namespace wasmetrics
