// ProcrustesDisparity (shape/procrustes.py): per pair of point clouds [M, D], both centred and
// scaled to unit Frobenius norm, the squared distance left after the best rotation and scale of
// the second onto the first: 1 - (sum of singular values of A^T B)^2. Singular values come from
// one-sided Jacobi rotations of the D x D matrix. State: a sum and a count (16 bytes).
#include <cmath>
#include <vector>

#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/weighted_state.hpp"

namespace wasmetrics {
namespace {

// Singular values of the d x d row-major matrix `a` (one-sided Jacobi: orthogonalise its columns).
std::vector<double> singular_values(std::vector<double> a, std::size_t d) {
  for (int sweep = 0; sweep < 60; ++sweep) {
    double off = 0;
    for (std::size_t p = 0; p + 1 < d; ++p)
      for (std::size_t q = p + 1; q < d; ++q) {
        double alpha = 0, beta = 0, gamma = 0;
        for (std::size_t i = 0; i < d; ++i) {
          alpha += a[i * d + p] * a[i * d + p];
          beta += a[i * d + q] * a[i * d + q];
          gamma += a[i * d + p] * a[i * d + q];
        }
        if (gamma == 0) continue;
        off = std::max(off, std::fabs(gamma) / std::sqrt(alpha * beta));
        const double zeta = (beta - alpha) / (2 * gamma);
        const double t = (zeta >= 0 ? 1.0 : -1.0) / (std::fabs(zeta) + std::sqrt(1 + zeta * zeta));
        const double c = 1 / std::sqrt(1 + t * t), s = c * t;
        for (std::size_t i = 0; i < d; ++i) {
          const double x = a[i * d + p], y = a[i * d + q];
          a[i * d + p] = c * x - s * y;
          a[i * d + q] = s * x + c * y;
        }
      }
    if (off < 1e-15) break;
  }
  std::vector<double> out(d);
  for (std::size_t j = 0; j < d; ++j) {
    double s = 0;
    for (std::size_t i = 0; i < d; ++i) s += a[i * d + j] * a[i * d + j];
    out[j] = std::sqrt(s);
  }
  return out;
}

// Centres the [m, d] cloud and scales it to unit Frobenius norm (0/0 gives NaN, as TorchMetrics).
void standardise(std::vector<double>& x, std::size_t m, std::size_t d) {
  for (std::size_t j = 0; j < d; ++j) {
    double mean = 0;
    for (std::size_t i = 0; i < m; ++i) mean += x[i * d + j];
    mean /= static_cast<double>(m);
    for (std::size_t i = 0; i < m; ++i) x[i * d + j] -= mean;
  }
  double norm = 0;
  for (double v : x) norm += v * v;
  norm = std::sqrt(norm);
  for (double& v : x) v /= norm;
}

class ProcrustesDisparity final : public Metric {
 public:
  explicit ProcrustesDisparity(Options o) : Metric(std::move(o)), sum_(options().get_string("reduction") == "sum") {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    require_same_shape(name(), "point_cloud1", in[0], "point_cloud2", in[1]);
    if (in[0].ndim() != 3)
      fail(name(), ": expected `point_cloud1` and `point_cloud2` of shape [N, M, D], got ", shape_str(in[0].shape));
    const std::vector<double> all1 = to_doubles(in[0]), all2 = to_doubles(in[1]);
    const auto n = static_cast<std::size_t>(in[0].shape[0]), m = static_cast<std::size_t>(in[0].shape[1]),
               d = static_cast<std::size_t>(in[0].shape[2]);
    double sum = 0;
    for (std::size_t k = 0; k < n; ++k) {
      std::vector<double> a(all1.begin() + static_cast<std::ptrdiff_t>(k * m * d),
                            all1.begin() + static_cast<std::ptrdiff_t>((k + 1) * m * d));
      std::vector<double> b(all2.begin() + static_cast<std::ptrdiff_t>(k * m * d),
                            all2.begin() + static_cast<std::ptrdiff_t>((k + 1) * m * d));
      standardise(a, m, d);
      standardise(b, m, d);
      std::vector<double> cross(d * d, 0.0);  // A^T B
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t r = 0; r < d; ++r)
          for (std::size_t c = 0; c < d; ++c) cross[r * d + c] += a[i * d + r] * b[i * d + c];
      double trace = 0;
      for (double v : singular_values(cross, d)) trace += v;
      sum += 1.0 - trace * trace;
    }
    disparity_.value(s) = sum;
    total_.value(s) = static_cast<std::int64_t>(n);
  }

  Result compute_state(const State& s) const override {
    const double d = disparity_.value(s);
    return Result::scalar(sum_ ? d : d / count_at(total_.var(s), 0));
  }

 private:
  bool sum_;
  StateSlot<double> disparity_ = declare_state<double>("disparity", Reduction::sum, {});
  StateSlot<std::int64_t> total_ = declare_state<std::int64_t>("total", Reduction::sum, {});
};

}  // namespace

MetricSpec procrustes_disparity_spec() {
  return {
      .name = "ProcrustesDisparity",
      .family = "shape",
      .doc = "Procrustes disparity of point-cloud pairs after optimal translation, scale and rotation.",
      .inputs = {{"point_cloud1", false, "point clouds [N, M, D]"},
                 {"point_cloud2", false, "point clouds, same shape"}},
      .options = {{.name = "reduction",
                   .type = OptionType::string,
                   .default_value = "mean",
                   .choices = {"mean", "sum"},
                   .doc = "mean or sum over point-cloud pairs"}},
      .make = [](const Options& o) { return std::make_unique<ProcrustesDisparity>(o); },
      .examples = {{
          .doc = "a square and the same square rotated, scaled and moved: disparity 0",
          .batches = Json::parse(
              R"([{"point_cloud1": {"dtype": "float64", "shape": [1, 4, 2], "data": [0, 0, 1, 0, 1, 1, 0, 1]},
                                      "point_cloud2": {"dtype": "float64", "shape": [1, 4, 2], "data": [5, 5, 5, 7, 3, 7, 3, 5]}}])"),
          .expected = {{"shape", Json::array()}, {"data", {0.0}}},
          .atol = 1e-9,
      }},
  };
}

}  // namespace wasmetrics
