#include "wasmetrics/retrieval/rows.hpp"

#include <cmath>
#include <vector>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/inputs.hpp"

namespace wasmetrics::retrieval {

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
  std::vector<std::uint32_t> keep;
  keep.reserve(n);
  visit_elements(target, [&](auto t) {
    for (std::size_t i = 0; i < n; ++i)
      if (!f.ignore_index || static_cast<double>(t[i]) != static_cast<double>(*f.ignore_index))
        keep.push_back(static_cast<std::uint32_t>(i));
  });
  if (preds.ndim() == 0 || keep.empty())
    fail(m, ": `indexes`, `preds` and `target` must be non-empty and non-scalar tensors",
         preds.ndim() == 0 ? std::string(" (got 0-d tensors)")
         : n               ? " (every row's target equals ignore_index=" + std::to_string(*f.ignore_index) + ")"
                           : std::string(" (got 0 rows)"));
  if (!is_floating(preds.dtype)) fail(m, ": `preds` must be a tensor of floats, got ", dtype_name(preds.dtype));

  // Check everything before anything is appended: a rejected batch leaves `s` unchanged (it is a
  // fresh batch state anyway, but the checks read better grouped).
  std::vector<float> p(keep.size());
  visit_floats(m, "preds", preds, [&](auto v) {
    for (std::size_t j = 0; j < keep.size(); ++j) {
      float x = static_cast<float>(v[keep[j]]);
      if (std::isnan(x)) fail(m, ": `preds` must not contain NaN (row ", keep[j], ")");
      p[j] = x == 0.0f ? 0.0f : x;  // -0 and +0 tie, as torch compares them
    }
  });
  visit_elements(target, [&](auto t) {
    for (std::size_t j = 0; j < keep.size(); ++j) {
      const double v = static_cast<double>(t[keep[j]]);
      if (f.graded) {
        if (!std::isfinite(v)) fail(m, ": `target` must be finite, got ", v, " at row ", keep[j]);
      } else if (v != 0.0 && v != 1.0) {
        fail(m, ": `target` must contain `binary` values (0 or 1", f.ignore_index ? " or ignore_index" : "", "), got ",
             v, " at row ", keep[j]);
      }
    }
  });
  rows.preds.append(s, p);
  if (f.graded) {
    std::vector<float> t(keep.size());
    visit_elements(target, [&](auto v) {
      for (std::size_t j = 0; j < keep.size(); ++j) t[j] = static_cast<float>(v[keep[j]]);
    });
    rows.graded_target.append(s, t);
  } else {
    std::vector<std::uint8_t> t(keep.size());
    visit_elements(target, [&](auto v) {
      for (std::size_t j = 0; j < keep.size(); ++j) t[j] = v[keep[j]] != 0 ? 1 : 0;
    });
    rows.binary_target.append(s, t);
  }
  std::vector<std::int64_t> ids(keep.size());
  const std::int64_t* src = indexes.as<std::int64_t>();
  for (std::size_t j = 0; j < keep.size(); ++j) ids[j] = src[keep[j]];
  rows.indexes.append(s, ids);
}

}  // namespace wasmetrics::retrieval
