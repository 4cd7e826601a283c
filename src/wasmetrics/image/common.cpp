#include "wasmetrics/image/common.hpp"

#include <xtensor/xmath.hpp>

namespace wasmetrics::image {

OptionSpec reduction_option(std::string doc) {
  return {.name = "reduction",
          .type = OptionType::string,
          .default_value = "elementwise_mean",
          .choices = {"elementwise_mean", "sum", "none"},
          .nullable = true,
          .doc = std::move(doc)};
}

Reduce parse_reduction(std::string_view metric, const Json& value) {
  if (value.is_null()) return Reduce::none;
  const std::string s = value.get<std::string>();
  if (s == "elementwise_mean") return Reduce::mean;
  if (s == "sum") return Reduce::sum;
  if (s == "none") return Reduce::none;
  fail(metric, ": `reduction` must be one of 'elementwise_mean', 'sum', 'none' or null, got '", s, "'");
}

Tensor reduce_values(const std::vector<double>& v, Reduce r) {
  if (r == Reduce::none) {  // TorchMetrics squeezes a one-element result to 0-d
    Tensor t = Tensor::vector(v);
    if (t.numel() == 1) t.shape.clear();
    return t;
  }
  double s = 0;
  for (double x : v) s += x;
  if (r == Reduce::mean) s /= static_cast<double>(v.size());  // empty: NaN, as torch.mean
  return Tensor::scalar(s);
}

OptionSpec data_range_option(std::string doc) {
  return {.name = "data_range",
          .type = OptionType::number_list,
          .default_value = nullptr,
          .nullable = true,
          .doc = std::move(doc)};
}

DataRange parse_data_range(std::string_view metric, const Options& o, const std::string& name) {
  DataRange d;
  if (o.is_null(name)) return d;
  d.given = true;
  const Json& v = o.raw(name);
  if (v.is_number()) {
    d.range = v.get<double>();
    return d;
  }
  if (v.size() != 2) fail(metric, ": `", name, "` must be a number or a pair [min, max], got ", json_text(v));
  d.clamp = true;
  d.lo = v[0].get<double>();
  d.hi = v[1].get<double>();
  d.range = d.hi - d.lo;
  return d;
}

xt::xarray<double> read_values(const TensorView& t, DType as) {
  std::vector<std::size_t> shape(t.shape.begin(), t.shape.end());
  const auto n = static_cast<std::size_t>(t.numel());
  xt::xarray<double> out = dispatch_dtype(t.dtype, [&](auto tag) -> xt::xarray<double> {
    using T = decltype(tag);
    auto in = xt::adapt(t.as<T>(), n, xt::no_ownership(), shape);
    if (as == DType::float32) return xt::cast<double>(xt::cast<float>(in));
    return xt::cast<double>(in);
  });
  return out;
}

void check_image_pair(std::string_view metric, const TensorView& preds, const TensorView& target) {
  require_floating(metric, "preds", preds);
  if (preds.dtype != target.dtype)
    fail(metric, ": `preds` and `target` must have the same dtype, got ", dtype_name(preds.dtype), " and ",
         dtype_name(target.dtype));
  require_same_shape(metric, "preds", preds, "target", target);
  if (preds.ndim() != 4)
    fail(metric, ": expected `preds` and `target` to have BxCxHxW shape, got ", shape_str(preds.shape));
}

void clamp_in_place(xt::xarray<double>& x, double lo, double hi, DType dtype) {
  if (dtype == DType::float32) {
    lo = static_cast<float>(lo);
    hi = static_cast<float>(hi);
  }
  // torch.clamp: min first, then max (lo > hi gives hi everywhere); NaN stays NaN.
  for (auto& v : x) {
    if (v < lo) v = lo;
    if (v > hi) v = hi;
  }
}

}  // namespace wasmetrics::image
