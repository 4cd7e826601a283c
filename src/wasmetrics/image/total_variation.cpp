// TotalVariation (image/tv.py): per image, the sum of absolute differences between vertical and
// horizontal neighbours over every channel. State: a sum and an image count (16 bytes), or with
// reduction none/null one float64 per image.
#include <cmath>

#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/weighted_state.hpp"
#include "wasmetrics/image/common.hpp"

namespace wasmetrics {
namespace {

class TotalVariation final : public Metric {
 public:
  explicit TotalVariation(Options o) : Metric(std::move(o)) {
    const Json& r = options().raw("reduction");
    per_image_ = r.is_null() || r.get<std::string>() == "none";
    mean_ = !per_image_ && r.get<std::string>() == "mean";
    // per image (reduction none/null) or summed, then the image count
    if (per_image_)
      score_list_ = declare_state<double>("score_list", Reduction::cat, {0});
    else
      score_ = declare_state<double>("score", Reduction::sum, {});
    num_elements_ = declare_state<std::int64_t>("num_elements", Reduction::sum, {});
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const TensorView& img = in[0];
    if (img.ndim() != 4) fail(name(), ": expected `img` to be a 4-D tensor [N, C, H, W], got ", shape_str(img.shape));
    const xt::xarray<double> x = image::read_values(img, image::float_dtype_of(img));
    const auto n = static_cast<std::size_t>(img.shape[0]);
    const auto h = static_cast<std::size_t>(img.shape[2]), w = static_cast<std::size_t>(img.shape[3]);
    const std::size_t per_image = n ? x.size() / n : 0;
    std::vector<double> scores(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const double* im = x.data() + i * per_image;
      double sum = 0;
      for (std::size_t plane = 0; plane < per_image; plane += h * w)
        for (std::size_t r = 0; r < h; ++r)
          for (std::size_t c = 0; c < w; ++c) {
            const double v = im[plane + r * w + c];
            if (r + 1 < h) sum += std::fabs(im[plane + (r + 1) * w + c] - v);
            if (c + 1 < w) sum += std::fabs(im[plane + r * w + c + 1] - v);
          }
      scores[i] = sum;
    }
    if (per_image_) {
      score_list_.append(s, std::span<const double>(scores));
    } else {
      double total = 0;
      for (double v : scores) total += v;
      score_.value(s) = total;
    }
    num_elements_.value(s) = static_cast<std::int64_t>(n);
  }

  Result compute_state(const State& s) const override {
    if (per_image_) {
      if (s.updates == 0) fail(name(), ": compute() needs at least one update() first (no values to concatenate)");
      auto v = score_list_.span(s);
      return Result::squeezed(Tensor::vector(std::vector<double>(v.begin(), v.end())));
    }
    const double score = score_.value(s);
    return Result::scalar(mean_ ? score / count_at(num_elements_.var(s), 0) : score);
  }

 private:
  bool per_image_ = false, mean_ = false;
  StateSlot<double> score_list_, score_;  // declared in the constructor, after the reduction is read
  StateSlot<std::int64_t> num_elements_;
};

}  // namespace

WASMETRICS_COLD MetricSpec total_variation_spec() {
  return {
      .name = "TotalVariation",
      .family = "image",
      .doc = "Total variation: the summed absolute differences of neighbouring pixels, per image.",
      .inputs = {{"img", false, "images [N, C, H, W]"}},
      .options = {{.name = "reduction",
                   .type = OptionType::string,
                   .default_value = "sum",
                   .choices = {"sum", "mean", "none"},
                   .nullable = true,
                   .doc = "sum or mean over images, or none/null: one value per image"}},
      .make = [](const Options& o) { return std::make_unique<TotalVariation>(o); },
      .examples = {{
          .doc = "a 2x2 image [[0, 1], [3, 5]]: |3-0| + |5-1| + |1-0| + |5-3| = 10",
          .batches =
              Json::parse(R"([{"img": {"dtype": "float32", "shape": [1, 1, 2, 2], "data": [0.0, 1.0, 3.0, 5.0]}}])"),
          .expected = {{"shape", Json::array()}, {"data", {10.0}}},
      }},
  };
}

}  // namespace wasmetrics
