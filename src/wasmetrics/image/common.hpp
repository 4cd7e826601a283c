#pragma once
// Shared by the image metrics: TorchMetrics' `data_range` (a float, or [lo, hi] to clamp to) and
// `reduction` arguments, reading an input tensor as float64 values on xtensor, and results.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <xtensor/xadapt.hpp>
#include <xtensor/xarray.hpp>

#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/options.hpp"
#include "wasmetrics/core/result.hpp"

namespace wasmetrics::image {

// How a per-image (or per-element) vector is reduced: torchmetrics.utilities.distributed.reduce.
enum class Reduce { mean, sum, none };

// The `reduction` option: "elementwise_mean", "sum", "none" or null.
OptionSpec reduction_option(
    std::string doc = "how per-image values are reduced: elementwise_mean, sum, none/null (one value per image)");
// Unknown names fail, naming the value (TorchMetrics: "Reduction parameter unknown.").
Reduce parse_reduction(std::string_view metric, const Json& value);
// Reduces `v` by `r` as reduce() does (none: the vector itself, shape [n], squeezed to 0-d when
// n is 1 as TorchMetrics squeezes every one-element result).
Tensor reduce_values(const std::vector<double>& v, Reduce r);

// `data_range`: null (taken from the data, each metric says how), a float range, or [lo, hi]:
// inputs are clamped to [lo, hi] and the range is hi - lo.
struct DataRange {
  bool given = false;
  bool clamp = false;
  double lo = 0, hi = 0, range = 0;
};
OptionSpec data_range_option(std::string doc);
DataRange parse_data_range(std::string_view metric, const Options& o, const std::string& name = "data_range");

// The values of `t` as float64, shaped like `t`. `as` is the dtype they are rounded through first:
// TorchMetrics casts (SSIM: target to preds' dtype) and computes in that dtype.
xt::xarray<double> read_values(const TensorView& t, DType as);
// The values of `t` in its own float dtype (integers are read as float32, as TorchMetrics casts them).
inline DType float_dtype_of(const TensorView& t) { return t.dtype == DType::float64 ? DType::float64 : DType::float32; }
// torch.clamp(x, lo, hi) with the bounds rounded to the tensor's dtype, as torch does with Python floats.
void clamp_in_place(xt::xarray<double>& x, double lo, double hi, DType dtype);

// The checks most image metrics share (TorchMetrics' _uqi_update, _ergas_update, _sam_update):
// floating inputs of one dtype and one shape, [N, C, H, W].
void check_image_pair(std::string_view metric, const TensorView& preds, const TensorView& target);

inline Tensor tensor_of(const xt::xarray<double>& x) {
  Tensor t;
  t.data.assign(x.begin(), x.end());
  for (auto d : x.shape()) t.shape.push_back(static_cast<std::int64_t>(d));
  return t;
}

}  // namespace wasmetrics::image
