#include "wasmetrics/core/state.hpp"

#include <algorithm>
#include <cmath>

namespace wasmetrics {

std::string_view reduction_name(Reduction r) {
  switch (r) {
    case Reduction::sum: return "sum";
    case Reduction::mean: return "mean";
    case Reduction::min: return "min";
    case Reduction::max: return "max";
    case Reduction::cat: return "cat";
    case Reduction::custom: return "custom";
  }
  return "?";
}

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
  // Options decide state sizes (num_classes^2 confusion matrices): refuse one the WASM heap
  // (4 GiB, and every update allocates a second copy) cannot hold, instead of a failed allocation.
  constexpr double kMaxStateBytes = double(1 << 30);
  double bytes = static_cast<double>(dtype_size(dtype));
  for (auto d : shape) bytes *= static_cast<double>(d);
  if (!(bytes <= kMaxStateBytes))
    fail("state '", v.name, "' of shape ", shape_str(shape), " would need ", bytes / double(1 << 20),
         " MiB, more than the 1024 MiB a metric may hold: use fewer classes, labels or thresholds");
  v.shape = std::move(shape);
  v.bytes.resize(static_cast<std::size_t>(v.numel()) * dtype_size(dtype));
  dispatch_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    std::fill(v.template as<T>().begin(), v.template as<T>().end(), static_cast<T>(init));
  });
  vars_.push_back(std::move(v));
  return vars_.back();
}

const StateVar* State::find(std::string_view name) const {
  for (auto& v : vars_) if (v.name == name) return &v;
  return nullptr;
}

StateVar& State::operator[](std::string_view name) {
  for (auto& v : vars_) if (v.name == name) return v;
  fail("internal: no state named '", name, "'");
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

template <class T>
void reduce_elementwise(StateVar& a, const StateVar& b, double wa, double wb) {
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
    default: break;
  }
}

}  // namespace

void merge_states(State& into, const State& from) {
  if (into.vars().size() != from.vars().size()) fail("cannot merge states: they declare different states");
  for (std::size_t k = 0; k < into.vars().size(); ++k) {
    StateVar& a = into.vars()[k];
    const StateVar& b = from.vars()[k];
    if (a.name != b.name || a.reduction != b.reduction || a.dtype != b.dtype)
      fail("cannot merge states: state '", a.name, "' does not match '", b.name, "'");
    if (a.reduction == Reduction::custom) continue;
    if (a.reduction == Reduction::cat) {
      if (!std::equal(a.shape.begin() + 1, a.shape.end(), b.shape.begin() + 1, b.shape.end()))
        fail("cannot merge state '", a.name, "': rows of shape ", shape_str(a.shape), " and ", shape_str(b.shape));
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

}  // namespace wasmetrics
