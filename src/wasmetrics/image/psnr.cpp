// PeakSignalNoiseRatio (image/psnr.py). With `dim` null the state is a sum of squared errors and a
// count (plus the target's min/max when `data_range` is null: they start at 0, so the range is
// max(target, 0) - min(target, 0), QUIRKS-image-audio IA3); with `dim` it keeps one (sse, count)
// pair per value, i.e. 16 bytes per image for dim [1, 2, 3], 16 * C for dim [2, 3]. Integer inputs
// are read as their values (as float32, the dtype TorchMetrics users cast them to: torch's uint8
// subtraction wraps); uint8/uint16 pairs take exact integer kernels.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <xtensor/xmath.hpp>

#include "wasmetrics/core/batch_parts.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/image/common.hpp"
#include "wasmetrics/kernels/regression_sums.hpp"

namespace wasmetrics {
namespace {

// Sums `x` over `axes`: one value per index of the other axes, row-major (torch.sum(x, dim)).
// (A plain loop: xtensor 0.24's immediate reducer crashes on a runtime axes vector.)
std::vector<double> sum_over_axes(const xt::xarray<double>& x, const std::vector<std::size_t>& axes) {
  const auto& shape = x.shape();
  std::vector<bool> reduced(shape.size(), false);
  for (auto a : axes) reduced[a] = true;
  std::size_t kept = 1;
  for (std::size_t a = 0; a < shape.size(); ++a)
    if (!reduced[a]) kept *= shape[a];
  std::vector<double> out(kept, 0.0);
  std::vector<std::size_t> index(shape.size(), 0);
  for (std::size_t i = 0; i < x.size(); ++i) {
    std::size_t k = 0;
    for (std::size_t a = 0; a < shape.size(); ++a)
      if (!reduced[a]) k = k * shape[a] + index[a];
    out[k] += x.data()[i];
    for (std::size_t a = shape.size(); a-- > 0;) {  // next row-major index
      if (++index[a] < shape[a]) break;
      index[a] = 0;
    }
  }
  return out;
}

// Elements [from, from + n) of `t` as float64, rounded through float32 unless `t` is float64 (what
// image::read_values gives, a chunk at a time).
void read_chunk(const TensorView& t, std::size_t from, std::size_t n, double* out) {
  dispatch_dtype(t.dtype, [&](auto tag) {
    using T = decltype(tag);
    const T* src = t.as<T>() + from;
    if constexpr (std::is_same_v<T, double>) {
      std::copy(src, src + n, out);
    } else {
      for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<double>(static_cast<float>(src[i]));
    }
  });
}

// A clamp bound as torch.clamp applies it to a tensor of `dtype` (rounded to float32 for float32).
double clamp_bound(double v, DType dtype) {
  return dtype == DType::float64 ? v : static_cast<double>(static_cast<float>(v));
}

class PeakSignalNoiseRatio final : public Metric, public SplitsBatches {
 public:
  explicit PeakSignalNoiseRatio(Options o) : Metric(std::move(o)) {
    range_ = image::parse_data_range(name(), options());
    base_ = options().get_number("base");
    if (!options().is_null("dim")) {
      for (double d : options().get_numbers("dim")) dims_.push_back(static_cast<std::int64_t>(d));
      if (!range_.given) fail(name(), ": `data_range` must be given when `dim` is not null");
    }
    // names and order as before the slots (saved states)
    if (dims_.empty()) {
      sum_squared_error_ = declare_state<double>("sum_squared_error", Reduction::sum, {});
      total_ = declare_state<std::int64_t>("total", Reduction::sum, {});
      if (!range_.given) {
        min_target_ = declare_state<double>("min_target", Reduction::min, {});
        max_target_ = declare_state<double>("max_target", Reduction::max, {});
      }
    } else {
      sum_squared_error_ = declare_state<double>("sum_squared_error", Reduction::cat, {0});
      total_per_value_ = declare_state<double>("total", Reduction::cat, {0});
    }
  }

  // dim null: a sum over all elements (and the target's min/max), so any flat cut adds up to the
  // whole; with `dim` (every axis > 0) one value per row-major index of the kept axes, dim 0 first,
  // so consecutive rows append consecutive values.
  BatchSplit batch_split() const override {
    if (dims_.empty()) return BatchSplit::elements;
    const bool keeps_dim0 = std::all_of(dims_.begin(), dims_.end(), [](std::int64_t d) { return d > 0; });
    return keeps_dim0 ? BatchSplit::rows : BatchSplit::none;
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    require_same_shape(name(), "preds", in[0], "target", in[1]);
    if (dims_.empty()) return add_totals(s, in[0], in[1]);
    std::vector<std::size_t> axes;
    double count = 1;
    for (auto d : dims_) {
      std::int64_t a = d < 0 ? d + in[0].ndim() : d;
      if (a < 0 || a >= in[0].ndim())
        fail(name(), ": `dim` ", d, " is out of range for inputs of shape ", shape_str(in[0].shape));
      if (std::find(axes.begin(), axes.end(), static_cast<std::size_t>(a)) != axes.end())
        fail(name(), ": `dim` ", a, " appears twice");
      axes.push_back(static_cast<std::size_t>(a));
      count *= static_cast<double>(in[0].shape[static_cast<std::size_t>(a)]);
    }
    std::vector<double> sse;
    if (!(is_exact_integer_pair(in[0], in[1]) && rows_over_trailing_axes(in[0], in[1], axes, sse))) {
      xt::xarray<double> p = image::read_values(in[0], image::float_dtype_of(in[0]));
      xt::xarray<double> t = image::read_values(in[1], image::float_dtype_of(in[1]));
      if (range_.clamp) {
        image::clamp_in_place(p, range_.lo, range_.hi, image::float_dtype_of(in[0]));
        image::clamp_in_place(t, range_.lo, range_.hi, image::float_dtype_of(in[1]));
      }
      xt::xarray<double> sq = xt::square(p - t);
      sse = sum_over_axes(sq, axes);
    }
    sum_squared_error_.append(s, std::span<const double>(sse));
    std::vector<double> counts(sse.size(), count);
    total_per_value_.append(s, std::span<const double>(counts));
  }

  // uint8 or uint16 images of one dtype, not clamped: their squared errors are integers, summed
  // exactly by the integer kernels (decoded 8/16-bit images, 2 or 4 times fewer bytes than float32:
  // bench/README). The float path sums the same integers, exactly too (below 2^53).
  bool is_exact_integer_pair(const TensorView& preds, const TensorView& target) const {
    return !range_.clamp && preds.dtype == target.dtype &&
           (preds.dtype == DType::uint8 || preds.dtype == DType::uint16);
  }

  static std::uint64_t integer_sse(const TensorView& preds, const TensorView& target, std::size_t from, std::size_t n) {
    if (preds.dtype == DType::uint8)
      return kernels::sum_squared_diff(preds.as<std::uint8_t>() + from, target.as<std::uint8_t>() + from, n);
    return kernels::sum_squared_diff(preds.as<std::uint16_t>() + from, target.as<std::uint16_t>() + from, n);
  }

  // `dim` reducing the trailing axes (e.g. [1, 2, 3] of [N, C, H, W]): each value is one contiguous
  // run of the buffers, summed by the integer kernel. Fills `sse` and returns true then; false for
  // any other axes.
  static bool rows_over_trailing_axes(const TensorView& preds, const TensorView& target,
                                      const std::vector<std::size_t>& axes, std::vector<double>& sse) {
    const auto ndim = static_cast<std::size_t>(preds.ndim());
    const std::size_t first = ndim - axes.size();
    for (auto a : axes)
      if (a < first) return false;  // distinct axes, all >= first: exactly first .. ndim - 1
    std::size_t rows = 1, run = 1;
    for (std::size_t a = 0; a < ndim; ++a) (a < first ? rows : run) *= static_cast<std::size_t>(preds.shape[a]);
    sse.resize(rows);
    for (std::size_t r = 0; r < rows; ++r) sse[r] = static_cast<double>(integer_sse(preds, target, r * run, run));
    return true;
  }

  // dim null: one pass over both buffers, a chunk at a time (sum of squared errors, the target's
  // min and max), with no float64 copy of the inputs (the images can be large: bench/README).
  void add_totals(State& s, const TensorView& preds, const TensorView& target) const {
    const auto n = static_cast<std::size_t>(target.numel());
    if (!range_.given && n == 0) fail(name(), ": `target` is empty, its range cannot be taken (give `data_range`)");
    const double p_lo = clamp_bound(range_.lo, image::float_dtype_of(preds)),
                 p_hi = clamp_bound(range_.hi, image::float_dtype_of(preds));
    const double t_lo = clamp_bound(range_.lo, image::float_dtype_of(target)),
                 t_hi = clamp_bound(range_.hi, image::float_dtype_of(target));
    if (range_.given && !range_.clamp && preds.dtype == target.dtype &&
        (preds.dtype == DType::float32 || preds.dtype == DType::float64)) {
      // the common case (a data_range, float images): only the sum of squared errors, SIMD
      sum_squared_error_.value(s) = preds.dtype == DType::float32
                                        ? kernels::sum_squared_diff(preds.as<float>(), target.as<float>(), n)
                                        : kernels::sum_squared_diff(preds.as<double>(), target.as<double>(), n);
      total_.value(s) = static_cast<std::int64_t>(n);
      return;
    }
    if (is_exact_integer_pair(preds, target)) {
      sum_squared_error_.value(s) = static_cast<double>(integer_sse(preds, target, 0, n));
      total_.value(s) = static_cast<std::int64_t>(n);
      // unsigned samples: min(target, 0) is 0, the state's start
      if (!range_.given) max_target_.value(s) = static_cast<double>(max_sample(target));
      return;
    }
    constexpr std::size_t kChunk = 4096;
    std::vector<double> p(kChunk), t(kChunk);
    double sse = 0, lo = 0, hi = 0;  // the range states start at 0 (IA3)
    for (std::size_t from = 0; from < n; from += kChunk) {
      const std::size_t m = std::min(kChunk, n - from);
      read_chunk(preds, from, m, p.data());
      read_chunk(target, from, m, t.data());
      for (std::size_t i = 0; i < m; ++i) {
        double pv = p[i], tv = t[i];
        if (range_.clamp) {  // torch.clamp: min first, then max
          pv = pv < p_lo ? p_lo : pv;
          pv = pv > p_hi ? p_hi : pv;
          tv = tv < t_lo ? t_lo : tv;
          tv = tv > t_hi ? t_hi : tv;
        }
        const double d = pv - tv;
        sse += d * d;
        lo = tv < lo ? tv : lo;
        hi = tv > hi ? tv : hi;
      }
    }
    if (!range_.given) {
      min_target_.value(s) = lo;
      max_target_.value(s) = hi;
    }
    sum_squared_error_.value(s) = sse;
    total_.value(s) = static_cast<std::int64_t>(n);
  }

  static unsigned max_sample(const TensorView& x) {
    const auto n = static_cast<std::size_t>(x.numel());
    if (x.dtype == DType::uint8) {
      const std::uint8_t* v = x.as<std::uint8_t>();
      return n == 0 ? 0 : *std::max_element(v, v + n);
    }
    const std::uint16_t* v = x.as<std::uint16_t>();
    return n == 0 ? 0 : *std::max_element(v, v + n);
  }

  Result compute_state(const State& s) const override {
    // TorchMetrics checks `reduction` only here (reduce() raises on an unknown name).
    const image::Reduce reduce = image::parse_reduction(name(), options().raw("reduction"));
    double range = range_.range;
    if (!range_.given) range = max_target_.value(s) - min_target_.value(s);
    const double scale = 10.0 / std::log(base_);
    auto psnr = [&](double sse, double n) { return (2.0 * std::log(range) - std::log(sse / n)) * scale; };
    if (dims_.empty()) return Result::scalar(psnr(sum_squared_error_.value(s), static_cast<double>(total_.value(s))));
    auto sse = sum_squared_error_.span(s);
    auto total = total_per_value_.span(s);
    std::vector<double> values(sse.size());
    for (std::size_t i = 0; i < sse.size(); ++i) values[i] = psnr(sse[i], total[i]);
    return Result(image::reduce_values(values, reduce));
  }

 private:
  image::DataRange range_;
  double base_ = 10;
  std::vector<std::int64_t> dims_;
  // dim null: 0-d sums (and the target's extremes without data_range); with `dim`: one row per value
  StateSlot<double> sum_squared_error_;
  StateSlot<std::int64_t> total_;
  StateSlot<double> total_per_value_;
  StateSlot<double> min_target_, max_target_;
};

}  // namespace

WASMETRICS_COLD MetricSpec peak_signal_noise_ratio_spec() {
  return {
      .name = "PeakSignalNoiseRatio",
      .family = "image",
      .doc = "Peak signal-to-noise ratio, from the squared error summed over all batches (or per `dim` value).",
      .inputs = {{"preds", false, "predicted images, any shape"}, {"target", false, "target images, same shape"}},
      .options =
          {
              image::data_range_option("the value range: a number, [min, max] (inputs are clamped), or null: "
                                       "max(target, 0) - min(target, 0) over all batches"),
              {.name = "base",
               .type = OptionType::number,
               .default_value = 10.0,
               .min = 0,
               .min_exclusive = true,
               .doc = "base of the logarithm"},
              {.name = "reduction",
               .type = OptionType::string,
               .default_value = "elementwise_mean",
               .nullable = true,
               .doc = "with `dim`: elementwise_mean, sum, none/null (one value per `dim` slice); checked at compute(), "
                      "as TorchMetrics does"},
              {.name = "dim",
               .type = OptionType::integer_list,
               .default_value = nullptr,
               .nullable = true,
               .doc = "axes each value is taken over (e.g. [1, 2, 3]: one value per image); null: all at once"},
          },
      .make = [](const Options& o) { return std::make_unique<PeakSignalNoiseRatio>(o); },
      .examples = {{
          .doc = "TorchMetrics' docstring example",
          .args = Json::object(),
          .batches = Json::parse(R"([{"preds": {"dtype": "float32", "shape": [2, 2], "data": [0.0, 1.0, 2.0, 3.0]},
                                      "target": {"dtype": "float32", "shape": [2, 2], "data": [3.0, 2.0, 1.0, 0.0]}}])"),
          .expected = Json::parse(R"({"shape": [], "data": [2.5527]})"),
          .atol = 5e-5,
      }},
  };
}

}  // namespace wasmetrics
