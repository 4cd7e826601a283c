#include "wasmetrics/retrieval/rows.hpp"

#include <array>
#include <cmath>
#include <vector>

#include <xtensor/xindex_view.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xoperation.hpp>
#include <xtensor/xsort.hpp>
#include <xtensor/xtensor.hpp>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/tensor_adapt.hpp"

namespace wasmetrics::retrieval {

namespace {

// f(rows): the elements of `t` (any shape: one element per row) as a 1-D adaptor in t's own type
// (xt::adapt, no copy). A static rank, unlike adapt_flat's: element access is cheaper and
// xt::argwhere's indices are one-element arrays.
template <class F>
void visit_vector(const TensorView& t, F&& f) {
  const auto n = static_cast<std::size_t>(t.numel());
  dispatch_dtype(t.dtype, [&](auto tag) {
    using T = decltype(tag);
    f(adapt_1d(t.as<T>(), n));
  });
}

}  // namespace

RowSlots declare_rows(StateLayout& layout, const RowFormat& f) {
  RowSlots rows;
  rows.preds = layout.add<float>("preds", Reduction::cat, {0});
  if (f.graded)
    rows.graded_target = layout.add<float>("target", Reduction::cat, {0});
  else
    rows.binary_target = layout.add<std::uint8_t>("target", Reduction::cat, {0});
  rows.indexes = layout.add<std::int64_t>("indexes", Reduction::cat, {0});
  return rows;
}

std::int64_t row_count(const RowSlots& rows, const State& s) { return rows.indexes.var(s).shape[0]; }

void rows_update(const RowFormat& f, const RowSlots& rows, State& s, std::span<const TensorView> in) {
  const TensorView& preds = in[0];
  const TensorView& target = in[1];
  const TensorView& indexes = in[2];
  const std::string& m = f.metric;
  if (indexes.shape != preds.shape || preds.shape != target.shape)
    fail(m, ": `indexes`, `preds` and `target` must have the same shape, got ", shape_str(indexes.shape), ", ",
         shape_str(preds.shape), " and ", shape_str(target.shape));
  if (indexes.dtype != DType::int64)
    fail(m,
         ": `indexes` must be a tensor of long integers (int64; in JS a BigInt64Array, bigints or "
         "{data, dtype: 'int64'}), got ",
         dtype_name(indexes.dtype));
  if (target.dtype != DType::bool_ && !is_floating(target.dtype) && target.dtype != DType::int8 &&
      target.dtype != DType::int16 && target.dtype != DType::int32 && target.dtype != DType::int64 &&
      target.dtype != DType::uint8 && target.dtype != DType::uint16 && target.dtype != DType::uint32)
    fail(m, ": `target` must be a tensor of booleans, integers or floats, got ", dtype_name(target.dtype));

  const std::size_t n = static_cast<std::size_t>(preds.numel());
  // Rows whose target equals ignore_index are dropped first (compared in the target's own type).
  std::vector<std::array<std::size_t, 1>> keep;  // xt::argwhere's indices of the kept rows
  if (f.ignore_index)
    visit_vector(target, [&](auto t) {
      keep = xt::argwhere(xt::not_equal(xt::cast<double>(t), static_cast<double>(*f.ignore_index)));
    });
  const std::size_t kept = f.ignore_index ? keep.size() : n;
  if (preds.ndim() == 0 || kept == 0)
    fail(m, ": `indexes`, `preds` and `target` must be non-empty and non-scalar tensors",
         preds.ndim() == 0 ? std::string(" (got 0-d tensors)")
         : n               ? " (every row's target equals ignore_index=" + std::to_string(*f.ignore_index) + ")"
                           : std::string(" (got 0 rows)"));
  if (!is_floating(preds.dtype)) fail(m, ": `preds` must be a tensor of floats, got ", dtype_name(preds.dtype));
  // g(rows): the kept rows of `t` as a 1-D expression (an index view when ignore_index dropped some).
  auto with_kept = [&](const TensorView& t, auto&& g) {
    visit_vector(t, [&](auto x) {
      if (f.ignore_index)
        g(xt::index_view(x, keep));
      else
        g(x);
    });
  };
  auto input_row = [&](std::size_t j) { return f.ignore_index ? keep[j][0] : j; };

  // Check everything before anything is appended: a rejected batch leaves `s` unchanged (it is a
  // fresh batch state anyway, but the checks read better grouped).
  xt::xtensor<float, 1> p;
  with_kept(preds, [&](auto v) { p = xt::cast<float>(v); });
  if (xt::any(xt::isnan(p)))
    fail(m, ": `preds` must not contain NaN (row ", input_row(xt::argmax(xt::isnan(p))()), ")");
  xt::noalias(p) = xt::where(xt::equal(p, 0.0f), 0.0f, p);  // -0 and +0 tie, as torch compares them
  with_kept(target, [&](auto t) {
    const auto v = xt::cast<double>(t);
    if (f.graded) {
      const auto bad = !xt::isfinite(v);
      if (xt::any(bad)) {
        const std::size_t j = xt::argmax(bad)();
        fail(m, ": `target` must be finite, got ", v(j), " at row ", input_row(j));
      }
    } else {
      const auto bad = xt::not_equal(v, 0.0) && xt::not_equal(v, 1.0);
      if (xt::any(bad)) {
        const std::size_t j = xt::argmax(bad)();
        fail(m, ": `target` must contain `binary` values (0 or 1", f.ignore_index ? " or ignore_index" : "", "), got ",
             v(j), " at row ", input_row(j));
      }
    }
  });
  rows.preds.append(s, std::span<const float>(p.data(), p.size()));
  if (f.graded) {
    xt::xtensor<float, 1> t;
    with_kept(target, [&](auto v) { t = xt::cast<float>(v); });
    rows.graded_target.append(s, std::span<const float>(t.data(), t.size()));
  } else {
    xt::xtensor<std::uint8_t, 1> t;
    with_kept(target, [&](auto v) { t = xt::cast<std::uint8_t>(xt::not_equal(v, 0)); });
    rows.binary_target.append(s, std::span<const std::uint8_t>(t.data(), t.size()));
  }
  xt::xtensor<std::int64_t, 1> ids;
  with_kept(indexes, [&](auto v) { ids = xt::cast<std::int64_t>(v); });
  rows.indexes.append(s, std::span<const std::int64_t>(ids.data(), ids.size()));
}

}  // namespace wasmetrics::retrieval
