// The intrinsic clustering metrics (TorchMetrics clustering/): CalinskiHarabaszScore,
// DaviesBouldinScore, DunnIndex, over `data` [N, D] and `labels` [N].
//
// Memory:
//  - CalinskiHarabaszScore needs only per-cluster moments: `cluster_ids` (cat int64 [K]) and
//    `cluster_moments` (cat float64, K rows of D + 2: count, mean[D], sum of squared distances to
//    the mean), merged per cluster with Chan's pairwise update and compacted on every fold:
//    8·(D + 3) B per cluster, whatever N (TorchMetrics: every row, 4·D + 8 B per sample).
//  - DaviesBouldinScore (mean Euclidean distance to the centroid) and DunnIndex (largest distance
//    to the centroid) depend on every point's distance to a centroid known only at the end, so
//    they keep every row: `labels` (cat int64) and `data` (cat float64): 8·(D + 1) B per sample.
// Invalid inputs are reported at compute(), as TorchMetrics (deferred_error.hpp).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include <xtensor/xadapt.hpp>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xsort.hpp>
#include <xtensor/xtensor.hpp>
#include <xtensor/xview.hpp>

#include "wasmetrics/clustering/deferred_error.hpp"
#include "wasmetrics/clustering/intrinsic_data.hpp"
#include "wasmetrics/core/example_tensor.hpp"
#include "wasmetrics/core/keyed_counts.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/tensor_adapt.hpp"

namespace wasmetrics {
namespace {

using clustering::read_intrinsic_batch;

// A batch's cluster ids made dense: the distinct ids sorted (torch.unique's order) and each row's
// index into them.
struct DenseIds {
  std::vector<std::int64_t> ids;
  std::vector<std::size_t> cluster_of;
};

DenseIds dense_ids(std::span<const std::int64_t> labels) {
  // One map lookup per row (index of first appearance), then first-appearance -> sorted rank.
  std::map<std::int64_t, std::size_t> index;
  DenseIds out;
  out.cluster_of.reserve(labels.size());
  for (auto id : labels) out.cluster_of.push_back(index.try_emplace(id, index.size()).first->second);
  std::vector<std::size_t> rank(index.size());
  for (auto& [id, k] : index) {
    rank[k] = out.ids.size();
    out.ids.push_back(id);
  }
  for (auto& k : out.cluster_of) k = rank[k];
  return out;
}

// Per-cluster moments, row layout [count, mean[D], m2].
struct Moments {
  std::int64_t width = 0;
  std::map<std::int64_t, std::vector<double>> rows;

  void add(std::int64_t id, const double* row) {
    auto [it, added] = rows.try_emplace(id, row, row + width + 2);
    if (added) return;
    std::vector<double>& a = it->second;
    const double na = a[0], nb = row[0], n = na + nb;
    if (nb == 0) return;
    double shift = 0;
    for (std::int64_t d = 0; d < width; ++d) {
      const double delta = row[1 + d] - a[1 + d];
      shift += delta * delta;
      a[1 + d] += delta * nb / n;
    }
    a[width + 1] += row[width + 1] + shift * na * nb / n;
    a[0] = n;
  }
};

// The per-cluster moment rows: cluster ids [K] and their (count, mean..., squared deviations) rows.
struct MomentSlots {
  StateSlot<std::int64_t> ids;
  StateSlot<double> values;
};

Moments read_moments(const MomentSlots& slots, const State& s, std::int64_t width) {
  Moments m;
  m.width = width;
  auto ids = slots.ids.span(s);
  auto values = slots.values.span(s);
  for (std::size_t k = 0; k < ids.size(); ++k) m.add(ids[k], values.data() + k * static_cast<std::size_t>(width + 2));
  return m;
}

void write_moments(const MomentSlots& slots, State& s, std::span<const std::int64_t> ids,
                   const xt::xtensor<double, 2>& rows) {
  auto& id_var = slots.ids.var(s);
  auto& value_var = slots.values.var(s);
  id_var.bytes.clear();
  id_var.shape[0] = 0;
  value_var.bytes.clear();
  value_var.shape[0] = 0;
  id_var.append<std::int64_t>(ids);
  value_var.append<double>(std::span<const double>(rows.data(), rows.size()));
}

void write_moments(const MomentSlots& slots, State& s, const Moments& m) {
  std::vector<std::int64_t> ids;
  xt::xtensor<double, 2> rows = xt::empty<double>({m.rows.size(), static_cast<std::size_t>(m.width + 2)});
  for (auto& [id, row] : m.rows) {
    xt::view(rows, ids.size(), xt::all()) = xt::adapt(row, {row.size()});
    ids.push_back(id);
  }
  write_moments(slots, s, ids, rows);
}

class CalinskiHarabaszScore final : public Metric {
 public:
  explicit CalinskiHarabaszScore(Options o) : Metric(std::move(o)) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    auto b = read_intrinsic_batch(common_, s, in[0], in[1]);
    if (!b.ok) return;
    const auto w = static_cast<std::size_t>(b.width);
    const DenseIds dense = dense_ids(b.labels);
    const std::size_t k = dense.ids.size();
    // Two passes per cluster within the batch over the adapted data (no copy): means, then squared
    // distances to them. Hand loops: a scatter by cluster, which xtensor has no reduction for.
    xt::xtensor<double, 1> count = xt::zeros<double>({k}), m2 = xt::zeros<double>({k});
    xt::xtensor<double, 2> mean = xt::zeros<double>({k, w});
    visit_adapted_floats(name(), "data", *b.data, [&](const auto& x) {
      const auto* px = x.data();
      for (std::size_t i = 0; i < dense.cluster_of.size(); ++i) {
        const std::size_t c = dense.cluster_of[i];
        count(c) += 1;
        for (std::size_t d = 0; d < w; ++d) mean(c, d) += static_cast<double>(px[i * w + d]);
      }
      mean /= xt::view(count, xt::all(), xt::newaxis());
      for (std::size_t i = 0; i < dense.cluster_of.size(); ++i) {
        const std::size_t c = dense.cluster_of[i];
        for (std::size_t d = 0; d < w; ++d) {
          const double dev = static_cast<double>(px[i * w + d]) - mean(c, d);
          m2(c) += dev * dev;
        }
      }
    });
    // Moment rows [count, mean[D], m2] per cluster, in sorted-id order.
    const xt::xtensor<double, 2> rows = xt::concatenate(
        xt::xtuple(xt::view(count, xt::all(), xt::newaxis()), mean, xt::view(m2, xt::all(), xt::newaxis())), 1);
    write_moments(moments_, s, dense.ids, rows);
  }

  void merge_custom(State& into, const State& from) const override {
    // Compact the held rows (all of one width, unless the updates disagree: then nothing is compacted,
    // compute() reports the disagreement).
    (void)from;
    if (clustering::recorded_problem(common_.input_error, into) != 0) return;
    auto widths = read_keyed_counts(common_.widths.var(into));
    compact_keyed_counts(common_.widths.var(into));
    if (widths.size() != 2) return;
    write_moments(moments_, into, read_moments(moments_, into, widths[0]));
  }

  Result compute_state(const State& s) const override {
    clustering::raise_recorded_problem(name(), common_.input_error, s);
    const std::int64_t w = clustering::common_width(name(), common_, s);
    Moments m = read_moments(moments_, s, w);
    const auto k = m.rows.size();
    xt::xtensor<double, 2> rows = xt::empty<double>({k, static_cast<std::size_t>(w + 2)});
    std::size_t r = 0;
    for (auto& [id, row] : m.rows) xt::view(rows, r++, xt::all()) = xt::adapt(row, {row.size()});
    const auto count = xt::view(rows, xt::all(), 0);
    const auto means = xt::view(rows, xt::all(), xt::range(1, w + 1));
    const auto m2 = xt::view(rows, xt::all(), w + 1);
    const double n = xt::sum(count)();
    clustering::require_cluster_count(name(), static_cast<std::int64_t>(k), static_cast<std::int64_t>(n));
    // The overall mean as the count-weighted mean of the cluster means.
    const xt::xtensor<double, 1> mean = xt::sum(xt::view(count, xt::all(), xt::newaxis()) * means, {0}) / n;
    const double between = xt::sum(count * xt::sum(xt::square(means - mean), {1}))();
    const double within = xt::sum(m2)();
    if (within == 0) return Result::scalar(1.0);
    return Result::scalar(between * (n - static_cast<double>(k)) / (within * (static_cast<double>(k) - 1.0)));
  }

 private:
  // declared in this order: the state blob's order of every saved state
  MomentSlots moments_{declare_state<std::int64_t>("cluster_ids", Reduction::cat, {0}),
                       declare_state<double>("cluster_moments", Reduction::cat, {0})};
  clustering::IntrinsicCommon common_ = clustering::declare_intrinsic_common(state_layout());
};

// Every row kept: the points [N, D] (an adaptor of the state, no copy), each row's cluster (sorted
// ids), the cluster sizes and centroids [K, D].
template <class Data>
struct Clusters {
  Data data;
  std::vector<std::size_t> cluster_of;  // [N]
  xt::xtensor<double, 1> sizes;         // [K]
  xt::xtensor<double, 2> centroids;     // [K, D]

  // The p-norm distance of each point to its centroid, [N], streamed row by row (never an [N, D]
  // temporary). A hand loop: the same reduction over the lazy `data - view(centroids, keep(...))`
  // took twice the time (bench: DaviesBouldin 20000 x 16).
  xt::xtensor<double, 1> point_distances(double p) const {
    const std::size_t n = cluster_of.size(), w = centroids.shape(1);
    xt::xtensor<double, 1> out = xt::empty<double>({n});
    std::vector<double> diff(w);
    const double* x = data.data();
    for (std::size_t i = 0; i < n; ++i) {
      const double* c = &centroids(cluster_of[i], 0);
      for (std::size_t d = 0; d < w; ++d) diff[d] = x[i * w + d] - c[d];
      out(i) = clustering::p_norm(diff.data(), w, p);
    }
    return out;
  }

  // Σ over each cluster's points of v[i] (v [N]), in row order.
  xt::xtensor<double, 1> cluster_sums(const xt::xtensor<double, 1>& v) const {
    xt::xtensor<double, 1> out = xt::zeros<double>({sizes.size()});
    for (std::size_t i = 0; i < cluster_of.size(); ++i) out(cluster_of[i]) += v(i);
    return out;
  }
};

// The p-norm distances between every pair of centroids, [K, K]: one row at a time, each centroid
// minus the others by broadcasting — never a [K, K, D] temporary.
xt::xtensor<double, 2> centroid_distances(const xt::xtensor<double, 2>& c, double p) {
  const std::size_t k = c.shape(0);
  xt::xtensor<double, 2> out = xt::empty<double>({k, k});
  for (std::size_t a = 0; a < k; ++a)
    xt::view(out, a, xt::all()) = clustering::row_p_norms(xt::view(c, a, xt::newaxis(), xt::all()) - c, p);
  return out;
}

class KeptRowsMetric : public Metric {
 public:
  using Metric::Metric;

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    auto b = read_intrinsic_batch(common_, s, in[0], in[1]);
    if (!b.ok) return;
    labels_.append(s, b.labels);
    if (b.data->dtype == DType::float64)
      return data_.append(s, std::span<const double>(b.data->as<double>(), static_cast<std::size_t>(b.data->numel())));
    const float* x = b.data->as<float>();  // float32 widened (a plain copy: xtensor's iterators cost 10x)
    data_.append(s, std::vector<double>(x, x + b.data->numel()));
  }

  void merge_custom(State& into, const State&) const override { compact_keyed_counts(common_.widths.var(into)); }

  auto clusters_of(const State& s) const {
    clustering::raise_recorded_problem(name(), common_.input_error, s);
    const auto w = static_cast<std::size_t>(clustering::common_width(name(), common_, s));
    auto values = data_.span(s);
    auto data = xt::adapt(values.data(), values.size(), xt::no_ownership(),
                          std::array<std::size_t, 2>{w ? values.size() / w : 0, w});
    // Clusters in sorted-id order (torch.unique), so ties and sums run as TorchMetrics orders them.
    DenseIds dense = dense_ids(labels_.span(s));
    const std::size_t k = dense.ids.size();
    Clusters<decltype(data)> c{data, std::move(dense.cluster_of), xt::zeros<double>({k}), xt::zeros<double>({k, w})};
    // Centroids: a scatter-add of the rows by cluster (hand loop, row order), then the mean.
    for (std::size_t i = 0; i < c.cluster_of.size(); ++i) {
      const std::size_t j = c.cluster_of[i];
      c.sizes(j) += 1;
      for (std::size_t d = 0; d < w; ++d) c.centroids(j, d) += values[i * w + d];
    }
    c.centroids /= xt::view(c.sizes, xt::all(), xt::newaxis());
    return c;
  }

  StateSlot<std::int64_t> labels_ = declare_state<std::int64_t>("labels", Reduction::cat, {0});
  StateSlot<double> data_ = declare_state<double>("data", Reduction::cat, {0});
  clustering::IntrinsicCommon common_ = clustering::declare_intrinsic_common(state_layout());
};

// NaN entries replaced by `fill`: std::max / std::min with a NaN second argument kept the first.
// (Used within one full expression: the result refers to `e`. `fill` is moved in so that the
// expression holds its own copy: an lvalue scalar is held by reference, and this parameter dies
// on return — ASan: stack-use-after-scope.)
template <class E>
auto skip_nan(const E& e, double fill) {
  return xt::where(xt::isnan(e), std::move(fill), e);
}

class DaviesBouldinScore final : public KeptRowsMetric {
 public:
  using KeptRowsMetric::KeptRowsMetric;

 protected:
  Result compute_state(const State& s) const override {
    const auto c = clusters_of(s);
    const std::size_t k = c.sizes.size();
    clustering::require_cluster_count(name(), static_cast<std::int64_t>(k), labels_.var(s).shape[0]);
    // Mean Euclidean distance of each cluster's points to its centroid.
    const xt::xtensor<double, 1> intra = c.cluster_sums(c.point_distances(2.0)) / c.sizes;
    const xt::xtensor<double, 2> centroid_distance = centroid_distances(c.centroids, 2.0);
    // torch.allclose(x, 0): every |x| <= 1e-8.
    auto all_near_zero = [](const auto& v) { return xt::all(xt::abs(v) <= 1e-8); };
    if (all_near_zero(intra) || all_near_zero(centroid_distance)) return Result::scalar(0.0);
    constexpr double inf = std::numeric_limits<double>::infinity();
    // (spread_a + spread_b) / distance_ab, a zero distance (a == b) counting as infinitely far.
    auto ratio = (xt::view(intra, xt::all(), xt::newaxis()) + intra) /
                 xt::where(xt::equal(centroid_distance, 0.0), inf, centroid_distance);
    const xt::xtensor<double, 1> worst = xt::amax(skip_nan(ratio, -inf), {1});
    return Result::scalar(xt::sum(worst)() / static_cast<double>(k));
  }
};

class DunnIndex final : public KeptRowsMetric {
 public:
  explicit DunnIndex(Options o) : KeptRowsMetric(std::move(o)), p_(options().get_number("p")) {}

 protected:
  Result compute_state(const State& s) const override {
    const auto c = clusters_of(s);
    const std::size_t k = c.sizes.size();
    if (k < 2) fail(name(), ": needs at least two clusters to measure a distance between them, got ", k);
    constexpr double inf = std::numeric_limits<double>::infinity();
    // The smallest distance between two distinct centroids (pairs a < b).
    const xt::xtensor<double, 2> between = centroid_distances(c.centroids, p_);
    const auto index = xt::arange<std::size_t>(k);
    const auto upper = xt::view(index, xt::all(), xt::newaxis()) < index;
    const double inter = xt::amin(xt::where(upper, skip_nan(between, inf), inf))();
    // The largest distance of a point to its centroid (0 when every distance is NaN).
    const double intra = std::max(0.0, xt::amax(skip_nan(c.point_distances(p_), 0.0))());
    return Result::scalar(inter / intra);
  }

 private:
  double p_;
};

std::vector<InputSpec> intrinsic_inputs() {
  return {{"data", false, "points [N, D], floating point"}, {"labels", false, "cluster ids [N] (any integer values)"}};
}

}  // namespace

WASMETRICS_COLD MetricSpec calinski_harabasz_score_spec() {
  // Reference computation: clusters {(0,0),(0,2)} and {(4,0),(4,2)}: means (0,1), (4,1), overall
  // (2,1); between = 2·4 + 2·4 = 16, within = 4·1 = 4; (16 / 1) / (4 / 2) = 8.
  return {
      .name = "CalinskiHarabaszScore",
      .family = "clustering",
      .doc = "Calinski-Harabasz score: between- over within-cluster dispersion (per-cluster moments, not every row).",
      .inputs = intrinsic_inputs(),
      .options = {},
      .make = [](const Options& o) { return std::make_unique<CalinskiHarabaszScore>(o); },
      // TorchMetrics accepts preds/target of different lengths in update() (text: pairs are zipped;
      // clustering: raised at compute()), so the contract test rejects one input too many instead.
      .rejects_mismatched_rows = false,
      .examples = {{.doc = "two clusters of two points: (16 / 1) / (4 / 2) = 8",
                    .batches = Json::array({{{"data", example_tensor("float32", {4, 2}, {0, 0, 0, 2, 4, 0, 4, 2})},
                                             {"labels", example_tensor("int64", {4}, {0, 0, 1, 1})}}}),
                    .expected = example_scalar(8.0)}},
  };
}

WASMETRICS_COLD MetricSpec davies_bouldin_score_spec() {
  // Reference computation: the same points; intra distances 1 and 1, centroid distance 4: (1+1)/4.
  return {
      .name = "DaviesBouldinScore",
      .family = "clustering",
      .doc = "Davies-Bouldin score: mean over clusters of the worst (spread_i + spread_j) / centroid distance.",
      .inputs = intrinsic_inputs(),
      .options = {},
      .make = [](const Options& o) { return std::make_unique<DaviesBouldinScore>(o); },
      // TorchMetrics accepts preds/target of different lengths in update() (text: pairs are zipped;
      // clustering: raised at compute()), so the contract test rejects one input too many instead.
      .rejects_mismatched_rows = false,
      .examples = {{.doc = "two clusters of two points: (1 + 1) / 4",
                    .batches = Json::array({{{"data", example_tensor("float32", {4, 2}, {0, 0, 0, 2, 4, 0, 4, 2})},
                                             {"labels", example_tensor("int64", {4}, {0, 0, 1, 1})}}}),
                    .expected = example_scalar(0.5)}},
  };
}

WASMETRICS_COLD MetricSpec dunn_index_spec() {
  return {
      .name = "DunnIndex",
      .family = "clustering",
      .doc = "Dunn index: smallest centroid distance over the largest point-to-own-centroid distance (Lp norm).",
      .inputs = intrinsic_inputs(),
      .options = {{.name = "p",
                   .type = OptionType::number,
                   .default_value = 2.0,
                   .min = 0.0,
                   .min_exclusive = true,
                   .doc = "the p of the Lp norm used for every distance"}},
      .make = [](const Options& o) { return std::make_unique<DunnIndex>(o); },
      // TorchMetrics accepts preds/target of different lengths in update() (text: pairs are zipped;
      // clustering: raised at compute()), so the contract test rejects one input too many instead.
      .rejects_mismatched_rows = false,
      .examples = {{.doc = "TorchMetrics' docstring example",
                    .args = {{"p", 2}},
                    .batches = Json::array({{{"data", example_tensor("float32", {4, 2}, {0, 0, 0.5, 0, 1, 0, 0.5, 1})},
                                             {"labels", example_tensor("int64", {4}, {0, 0, 0, 1})}}}),
                    .expected = example_scalar(2.0),
                    .atol = 5e-5}},
  };
}

}  // namespace wasmetrics
