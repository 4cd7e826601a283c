// StructuralSimilarityIndexMeasure and MultiScaleStructuralSimilarityIndexMeasure (image/ssim.py).
// States as TorchMetrics': with reduction elementwise_mean/sum a sum of per-image values and an
// image count (16 bytes in all); with none/null one float64 per image. return_contrast_sensitivity
// keeps one float64 per image; return_full_image keeps the SSIM maps (float32, 4 bytes per pixel
// and channel, image/map_store.hpp).
#include <cmath>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/image/map_store.hpp"
#include "wasmetrics/image/ssim_core.hpp"

namespace wasmetrics {
namespace {

Json constant_image_batch(double p, double t) {
  Json batch = Json::object();
  auto image = [](double v) {
    return Json{{"dtype", "float32"}, {"shape", {1, 1, 16, 16}}, {"data", std::vector<double>(256, v)}};
  };
  batch["preds"] = image(p);
  batch["target"] = image(t);
  return Json::array({batch});
}

// Reads preds and target of an SSIM update: target in preds' dtype, as TorchMetrics casts it.
std::pair<xt::xarray<double>, xt::xarray<double>> read_pair(std::string_view metric, std::span<const TensorView> in) {
  image::check_ssim_inputs(metric, in[0], in[1]);
  return {image::read_values(in[0], in[0].dtype), image::read_values(in[1], in[0].dtype)};
}

// Sum-or-list state of per-image values, as TorchMetrics keeps `similarity`, and the image count.
struct SimilarityStates {
  image::Reduce reduce = image::Reduce::mean;
  StateSlot<double> similarity;  // reduction none: one value per image (cat); else their sum
  StateSlot<double> total;
};

SimilarityStates declare_similarity(StateLayout& layout, image::Reduce r) {
  SimilarityStates out;
  out.reduce = r;
  out.similarity = r == image::Reduce::none ? layout.add<double>("similarity", Reduction::cat, {0})
                                            : layout.add<double>("similarity", Reduction::sum, {});
  out.total = layout.add<double>("total", Reduction::sum, {});
  return out;
}

void fold_similarity(const SimilarityStates& states, State& s, const std::vector<double>& values) {
  if (states.reduce == image::Reduce::none) {
    states.similarity.append(s, std::span<const double>(values));
  } else {
    double sum = 0;
    for (double v : values) sum += v;
    states.similarity.value(s) = sum;
  }
  states.total.value(s) = static_cast<double>(values.size());
}

Tensor similarity_result(std::string_view metric, const SimilarityStates& states, const State& s) {
  if (states.reduce == image::Reduce::none) {
    if (s.updates == 0) fail(metric, ": compute() needs at least one update() first (no values to concatenate)");
    auto v = states.similarity.span(s);
    return image::reduce_values(std::vector<double>(v.begin(), v.end()), image::Reduce::none);
  }
  double sum = states.similarity.value(s);
  return Tensor::scalar(states.reduce == image::Reduce::sum ? sum : sum / states.total.value(s));
}

class StructuralSimilarityIndexMeasure final : public Metric {
 public:
  explicit StructuralSimilarityIndexMeasure(Options o)
      : Metric(std::move(o)),
        params_(image::parse_ssim_params(name(), options())),
        reduce_(image::parse_reduction(name(), options().raw("reduction"))),
        full_(options().get_bool("return_full_image")),
        cs_(options().get_bool("return_contrast_sensitivity")) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    auto [p, t] = read_pair(name(), in);
    image::SsimBatch b = image::ssim_batch(name(), std::move(p), std::move(t), in[0].dtype, params_, cs_, full_);
    fold_similarity(similarity_, s, b.ssim);
    if (cs_) contrast_sensitivity_.append(s, std::span<const double>(b.cs));
    if (full_) image::append_maps(image_, s, b.map);
  }

  Result compute_state(const State& s) const override {
    Result ssim(similarity_result(name(), similarity_, s));
    if (cs_) {
      auto v = contrast_sensitivity_.span(s);
      return Result::dict({{"ssim", ssim},
                           {"contrast_sensitivity",
                            image::reduce_values(std::vector<double>(v.begin(), v.end()), image::Reduce::none)}});
    }
    if (full_) return Result::dict({{"ssim", ssim}, {"image", image::concat_maps(name(), image_, s)}});
    return ssim;
  }

 private:
  image::SsimParams params_;
  image::Reduce reduce_;
  bool full_, cs_;
  SimilarityStates similarity_ = declare_similarity(state_layout(), reduce_);
  StateSlot<double> contrast_sensitivity_ =
      cs_ ? declare_state<double>("contrast_sensitivity", Reduction::cat, {0}) : StateSlot<double>();
  image::MapStates image_ = full_ ? image::declare_maps(state_layout(), "image") : image::MapStates();
};

class MultiScaleStructuralSimilarityIndexMeasure final : public Metric {
 public:
  explicit MultiScaleStructuralSimilarityIndexMeasure(Options o)
      : Metric(std::move(o)),
        params_(image::parse_ssim_params(name(), options())),
        reduce_(image::parse_reduction(name(), options().raw("reduction"))),
        betas_(options().get_numbers("betas")) {
    if (!options().raw("betas").is_array()) fail(name(), ": `betas` must be an array of numbers (one per scale)");
    if (params_.kernel_size.size() > 3)
      fail(name(), ": `kernel_size` must be one number or 2 or 3 numbers, got ",
           json_text(options().raw("kernel_size")));
    const Json& n = options().raw("normalize");
    normalize_ = n.is_null() ? "" : n.get<std::string>();
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    auto [p, t] = read_pair(name(), in);
    const std::size_t spatial = p.dimension() - 2;
    std::vector<std::int64_t> ks = params_.kernel_size;
    if (ks.size() == 1) ks = std::vector<std::int64_t>(spatial, ks.front());  // never assign(n, ks[0]): self-reference
    const auto scales = static_cast<std::int64_t>(betas_.size());
    const std::int64_t h = in[0].shape[in[0].shape.size() - 2], w = in[0].shape.back();
    const std::int64_t need = std::int64_t{1} << std::min<std::int64_t>(scales, 62);
    if (h < need || w < need)
      fail(name(), ": for ", scales, " `betas` the image height and width must be at least ", need, ", got ", h, "x",
           w);
    const std::int64_t div = std::max<std::int64_t>(1, scales - 1) * std::max<std::int64_t>(1, scales - 1);
    if (ks.size() >= 2 && h / div <= ks[0] - 1)
      fail(name(), ": for ", scales, " `betas` and kernel size ", ks[0], " the image height must be larger than ",
           (ks[0] - 1) * div, ", got ", h);
    if (ks.size() >= 2 && w / div <= ks[1] - 1)
      fail(name(), ": for ", scales, " `betas` and kernel size ", ks[1], " the image width must be larger than ",
           (ks[1] - 1) * div, ", got ", w);

    const std::size_t n = p.shape()[0];
    std::vector<std::vector<double>> terms;  // per scale: contrast sensitivity, the last one SSIM
    std::vector<double> sim;
    for (std::int64_t k = 0; k < scales; ++k) {
      image::SsimBatch b = image::ssim_batch(name(), p, t, in[0].dtype, params_, true, false);
      if (normalize_ == "relu") {
        for (auto& v : b.ssim) v = std::max(v, 0.0);
        for (auto& v : b.cs) v = std::max(v, 0.0);
      }
      terms.push_back(std::move(b.cs));
      sim = std::move(b.ssim);
      p = avg_pool2(p);
      t = avg_pool2(t);
    }
    terms.back() = sim;
    std::vector<double> values(n, 1.0);
    for (std::size_t k = 0; k < terms.size(); ++k)
      for (std::size_t i = 0; i < n; ++i) {
        double v = terms[k][i];
        if (normalize_ == "simple") v = (v + 1.0) / 2.0;
        values[i] *= std::pow(v, betas_[k]);
      }
    fold_similarity(similarity_, s, values);
  }

  Result compute_state(const State& s) const override { return similarity_result(name(), similarity_, s); }

 private:
  // F.avg_pool2d(x, 2) / avg_pool3d(x, 2): the mean of each 2x2 (2x2x2) block, odd edges dropped.
  static xt::xarray<double> avg_pool2(const xt::xarray<double>& x) {
    const std::size_t spatial = x.dimension() - 2;
    auto shape = x.shape();
    for (std::size_t a = 2; a < shape.size(); ++a) shape[a] /= 2;
    xt::xarray<double> out = xt::zeros<double>(shape);
    const std::size_t planes = shape[0] * shape[1];
    const std::size_t d_in = spatial == 3 ? x.shape()[2] : 1, d_out = spatial == 3 ? shape[2] : 1;
    const std::size_t h_in = x.shape()[x.dimension() - 2], w_in = x.shape().back();
    const std::size_t h_out = shape[shape.size() - 2], w_out = shape.back();
    const double scale = spatial == 3 ? 0.125 : 0.25;
    for (std::size_t pl = 0; pl < planes; ++pl)
      for (std::size_t d = 0; d < d_out; ++d)
        for (std::size_t i = 0; i < h_out; ++i)
          for (std::size_t j = 0; j < w_out; ++j) {
            double sum = 0;
            for (std::size_t dd = 0; dd < (spatial == 3 ? 2u : 1u); ++dd)
              for (std::size_t di = 0; di < 2; ++di)
                for (std::size_t dj = 0; dj < 2; ++dj)
                  sum +=
                      x.data()[((pl * d_in + (spatial == 3 ? 2 * d + dd : 0)) * h_in + 2 * i + di) * w_in + 2 * j + dj];
            out.data()[((pl * d_out + d) * h_out + i) * w_out + j] = sum * scale;
          }
    return out;
  }

  image::SsimParams params_;
  image::Reduce reduce_;
  std::vector<double> betas_;
  std::string normalize_;
  SimilarityStates similarity_ = declare_similarity(state_layout(), reduce_);
};

}  // namespace

WASMETRICS_COLD MetricSpec structural_similarity_index_measure_spec() {
  auto options = image::ssim_window_options();
  options.push_back(image::reduction_option());
  options.push_back({.name = "return_full_image",
                     .type = OptionType::boolean,
                     .default_value = false,
                     .doc = "also return the SSIM maps of every image fed, {ssim, image}"});
  options.push_back({.name = "return_contrast_sensitivity",
                     .type = OptionType::boolean,
                     .default_value = false,
                     .doc = "also return each image's contrast sensitivity, {ssim, contrast_sensitivity}"});
  return {
      .name = "StructuralSimilarityIndexMeasure",
      .family = "image",
      .doc = "SSIM with a Gaussian or uniform window (separable), averaged over each whole image, then over images.",
      .inputs = {{"preds", false, "predicted images [N, C, H, W] or volumes [N, C, D, H, W]"},
                 {"target", false, "target images, same shape"}},
      .options = options,
      .make = [](const Options& o) { return std::make_unique<StructuralSimilarityIndexMeasure>(o); },
      .examples = {{
          .doc =
              "constant images 0.2 and 0.6 with data_range 1: (2 * 0.2 * 0.6 + C1) / (0.2^2 + 0.6^2 + C1), C1 = 1e-4",
          .args = {{"data_range", 1.0}},
          .batches = constant_image_batch(0.2, 0.6),
          .expected = {{"shape", Json::array()}, {"data", {(2 * 0.2 * 0.6 + 1e-4) / (0.04 + 0.36 + 1e-4)}}},
          .atol = 1e-6,
      }},
  };
}

WASMETRICS_COLD MetricSpec multi_scale_structural_similarity_index_measure_spec() {
  auto options = image::ssim_window_options();
  options.push_back(image::reduction_option());
  options.push_back({.name = "betas",
                     .type = OptionType::number_list,
                     .default_value = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333},
                     .doc = "one exponent per scale (an array); images must be at least 2^len(betas) px"});
  options.push_back({.name = "normalize",
                     .type = OptionType::string,
                     .default_value = "relu",
                     .choices = {"relu", "simple"},
                     .nullable = true,
                     .doc = "relu: negative terms count as 0; simple: terms mapped to (x + 1) / 2; null: as they are"});
  return {
      .name = "MultiScaleStructuralSimilarityIndexMeasure",
      .family = "image",
      .doc = "MS-SSIM: contrast sensitivity at each scale of a 2x average-pooled pyramid, SSIM at the last.",
      .inputs = {{"preds", false, "predicted images [N, C, H, W] or volumes [N, C, D, H, W]"},
                 {"target", false, "target images, same shape"}},
      .options = options,
      .make = [](const Options& o) { return std::make_unique<MultiScaleStructuralSimilarityIndexMeasure>(o); },
      .examples = {{
          .doc = "identical images score 1 (two scales, 5-px window)",
          .args = {{"data_range", 1.0}, {"betas", {0.5, 0.5}}, {"kernel_size", 5}, {"sigma", 0.6}},
          .batches = Json::array({{{"preds",
                                    {{"dtype", "float32"},
                                     {"shape", {1, 1, 16, 16}},
                                     {"data",
                                      [] {
                                        std::vector<double> v(256);
                                        for (std::size_t i = 0; i < v.size(); ++i)
                                          v[i] = static_cast<double>((i * 37) % 101) / 100.0;
                                        return v;
                                      }()}}},
                                   {"target",
                                    {{"dtype", "float32"},
                                     {"shape", {1, 1, 16, 16}},
                                     {"data",
                                      [] {
                                        std::vector<double> v(256);
                                        for (std::size_t i = 0; i < v.size(); ++i)
                                          v[i] = static_cast<double>((i * 37) % 101) / 100.0;
                                        return v;
                                      }()}}}}}),
          .expected = {{"shape", Json::array()}, {"data", {1.0}}},
          .atol = 1e-6,
      }},
  };
}

}  // namespace wasmetrics
