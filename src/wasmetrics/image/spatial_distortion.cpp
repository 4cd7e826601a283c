#include "wasmetrics/image/spatial_distortion.hpp"

#include <algorithm>
#include <cmath>

#include <xtensor/xstrided_view.hpp>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/image/common.hpp"
#include "wasmetrics/image/map_store.hpp"
#include "wasmetrics/image/uqi_core.hpp"

namespace wasmetrics::image {
namespace {

constexpr std::size_t kSizeRow = 4;  // ms height, ms width, preds height, preds width

// Sum and count of the UQI map (11x11 Gaussian window, sigma 1.5: UniversalImageQualityIndex's
// defaults) of band `band` of `a` against the same band of `b`.
std::pair<double, double> band_uqi_sum(std::string_view metric, const xt::xarray<double>& a,
                                       const xt::xarray<double>& b, std::size_t band, DType dtype) {
  auto slice = [&](const xt::xarray<double>& x) -> xt::xarray<double> {
    return xt::strided_view(x, {xt::all(), xt::range(band, band + 1), xt::all(), xt::all()});
  };
  const xt::xarray<double> map = uqi_map(metric, slice(a), slice(b), {11, 11}, {1.5, 1.5}, dtype);
  double sum = 0;
  for (double v : map) sum += v;
  return {sum, static_cast<double>(map.size())};
}

}  // namespace

std::vector<InputSpec> pansharpening_inputs() {
  return {{"preds", false, "fused (pan-sharpened) images [N, C, H, W]"},
          {"ms", false, "low-resolution multispectral images [N, C, h, w] (H, W multiples of h, w)"},
          {"pan", false, "high-resolution panchromatic images [N, C, H, W]"},
          {"pan_lr", false, "low-resolution panchromatic images [N, C, h, w]"}};
}

std::vector<OptionSpec> spatial_distortion_options() {
  return {
      {.name = "norm_order",
       .type = OptionType::integer,
       .default_value = 1,
       .min = 1,
       .doc = "order of the norm applied on the difference"},
      {.name = "window_size",
       .type = OptionType::integer,
       .default_value = 7,
       .min = 1,
       .doc = "window size of TorchMetrics' pan degradation; must be smaller than the ms image"},
      {.name = "reduction",
       .type = OptionType::string,
       .default_value = "elementwise_mean",
       .choices = {"elementwise_mean", "sum", "none"},
       .doc = "how the per-band values are reduced (none: one per band)"},
  };
}

Json pansharpening_example_batches() {
  auto pattern = [](std::vector<std::int64_t> shape, std::size_t a, std::size_t b, std::size_t m) {
    std::vector<double> data(static_cast<std::size_t>(shape_numel(shape)));
    for (std::size_t i = 0; i < data.size(); ++i)
      data[i] = static_cast<double>((i * a + b) % m) / static_cast<double>(m);
    return Json{{"dtype", "float64"}, {"shape", shape}, {"data", data}};
  };
  return Json::array({{{"preds", pattern({2, 2, 24, 24}, 37, 0, 97)},
                       {"ms", pattern({2, 2, 12, 12}, 29, 5, 83)},
                       {"pan", pattern({2, 2, 24, 24}, 53, 11, 89)},
                       {"pan_lr", pattern({2, 2, 12, 12}, 61, 7, 101)}}});
}

Tensor reduced_distortion(const std::vector<double>& terms, Reduce reduce, std::int64_t norm_order) {
  Tensor t = reduce_values(terms, reduce);
  for (double& v : t.data) v = std::pow(v, 1.0 / static_cast<double>(norm_order));
  return t;
}

void check_pansharpening_inputs(std::string_view metric, std::span<const TensorView> in) {
  const TensorView &preds = in[0], &ms = in[1];
  if (in.size() < 3) fail(metric, ": expected `target` to have key `pan` (the high-resolution panchromatic image)");
  if (in.size() < 4)
    fail(metric,
         ": `pan_lr` is required (TorchMetrics derives it from `pan` with torchvision's resize, which is not"
         " reproduced here)");
  const TensorView &pan = in[2], &pan_lr = in[3];
  require_floating(metric, "preds", preds);
  if (preds.ndim() != 4) fail(metric, ": expected `preds` to have BxCxHxW shape, got ", shape_str(preds.shape));
  const std::pair<const char*, const TensorView*> others[] = {{"ms", &ms}, {"pan", &pan}, {"pan_lr", &pan_lr}};
  for (auto [what, t] : others)
    if (t->dtype != preds.dtype)
      fail(metric, ": expected `preds` and `", what, "` to have the same data type, got ", dtype_name(preds.dtype),
           " and ", dtype_name(t->dtype));
  for (auto [what, t] : others) {
    if (t->ndim() != 4) fail(metric, ": expected `", what, "` to have BxCxHxW shape, got ", shape_str(t->shape));
    if (t->shape[0] != preds.shape[0] || t->shape[1] != preds.shape[1])
      fail(metric, ": expected `preds` and `", what, "` to have the same batch and channel sizes, got ",
           shape_str(preds.shape), " and ", shape_str(t->shape));
  }
  if (pan.shape[2] != preds.shape[2] || pan.shape[3] != preds.shape[3])
    fail(metric, ": expected `preds` and `pan` to have the same height and width, got ", shape_str(preds.shape),
         " and ", shape_str(pan.shape));
  const char* axis[] = {"height", "width"};
  for (std::size_t a = 2; a < 4; ++a)
    if (preds.shape[a] % ms.shape[a] != 0)
      fail(metric, ": expected ", axis[a - 2], " of `preds` to be multiple of ", axis[a - 2],
           " of `ms`, got preds: ", preds.shape[a], " and ms: ", ms.shape[a]);
  if (pan_lr.shape[2] != ms.shape[2] || pan_lr.shape[3] != ms.shape[3])
    fail(metric, ": expected `ms` and `pan_lr` to have the same height and width, got ", shape_str(ms.shape), " and ",
         shape_str(pan_lr.shape));
}

SpatialDistortionStates declare_spatial_distortion(StateLayout& layout) {
  SpatialDistortionStates out;
  out.band_uqi = declare_summed_maps(layout, "band_uqi");
  out.image_sizes = layout.add<std::int64_t>("image_sizes", Reduction::cat, {0, kSizeRow});
  return out;
}

void add_spatial_distortion(std::string_view metric, const SpatialDistortionStates& states, State& s,
                            std::span<const TensorView> in) {
  const DType dtype = in[0].dtype;
  const xt::xarray<double> preds = read_values(in[0], dtype), ms = read_values(in[1], dtype),
                           pan = read_values(in[2], dtype), pan_lr = read_values(in[3], dtype);
  const auto bands = static_cast<std::size_t>(in[0].shape[1]);
  xt::xarray<double> sums = xt::xarray<double>::from_shape(std::vector<std::size_t>{bands, 4, 1});
  for (std::size_t c = 0; c < bands; ++c) {
    const auto [m1, n1] = band_uqi_sum(metric, ms, pan_lr, c, dtype);
    const auto [m2, n2] = band_uqi_sum(metric, preds, pan, c, dtype);
    sums(c, 0, 0) = m1;
    sums(c, 1, 0) = n1;
    sums(c, 2, 0) = m2;
    sums(c, 3, 0) = n2;
  }
  add_summed_maps(states.band_uqi, s, sums, in[0].shape[0]);
  const std::vector<std::int64_t> size{in[1].shape[2], in[1].shape[3], in[0].shape[2], in[0].shape[3]};
  states.image_sizes.append(s, std::span<const std::int64_t>(size));
}

void compact_spatial_distortion(const SpatialDistortionStates& states, State& s) {
  compact_summed_maps(states.band_uqi, s);
  auto rows = states.image_sizes.span(s);
  std::vector<std::int64_t> kept;
  for (std::size_t r = 0; r < rows.size(); r += kSizeRow) {
    bool seen = false;
    for (std::size_t k = 0; k < kept.size() && !seen; k += kSizeRow)
      seen = std::equal(kept.begin() + static_cast<std::ptrdiff_t>(k),
                        kept.begin() + static_cast<std::ptrdiff_t>(k + kSizeRow),
                        rows.begin() + static_cast<std::ptrdiff_t>(r));
    if (!seen)
      kept.insert(kept.end(), rows.begin() + static_cast<std::ptrdiff_t>(r),
                  rows.begin() + static_cast<std::ptrdiff_t>(r + kSizeRow));
  }
  StateVar& sizes = states.image_sizes.var(s);
  sizes.bytes.resize(kept.size() * sizeof(std::int64_t));
  sizes.shape[0] = static_cast<std::int64_t>(kept.size() / kSizeRow);
  std::copy(kept.begin(), kept.end(), states.image_sizes.span(s).begin());
}

std::vector<double> spatial_distortion_terms(std::string_view metric, const SpatialDistortionStates& states,
                                             const State& s, std::int64_t norm_order, std::int64_t window_size) {
  auto sizes = states.image_sizes.span(s);
  for (std::size_t r = kSizeRow; r < sizes.size(); r += kSizeRow)
    if (!std::equal(sizes.begin(), sizes.begin() + kSizeRow, sizes.begin() + static_cast<std::ptrdiff_t>(r)))
      fail(metric, ": cannot score images of different sizes together (ms ", sizes[0], "x", sizes[1], ", preds ",
           sizes[2], "x", sizes[3], " and ms ", sizes[r], "x", sizes[r + 1], ", preds ", sizes[r + 2], "x",
           sizes[r + 3], ")");
  const SummedMaps band = sum_maps(metric, states.band_uqi, s);
  if (window_size >= sizes[0] || window_size >= sizes[1])
    fail(metric, ": expected `window_size` to be smaller than dimension of `ms`, got window_size: ", window_size,
         " for ms of ", sizes[0], "x", sizes[1]);
  std::vector<double> terms(band.sum.shape()[0]);
  for (std::size_t c = 0; c < terms.size(); ++c) {
    const double m1 = band.sum(c, 0, 0) / band.sum(c, 1, 0), m2 = band.sum(c, 2, 0) / band.sum(c, 3, 0);
    terms[c] = std::pow(std::fabs(m1 - m2), static_cast<double>(norm_order));
  }
  return terms;
}

}  // namespace wasmetrics::image
