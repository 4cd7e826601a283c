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

#include "wasmetrics/clustering/deferred_error.hpp"
#include "wasmetrics/clustering/intrinsic_data.hpp"
#include "wasmetrics/core/example_tensor.hpp"
#include "wasmetrics/core/keyed_counts.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

using clustering::read_intrinsic_batch;

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

void write_moments(const MomentSlots& slots, State& s, const Moments& m) {
  std::vector<std::int64_t> ids;
  std::vector<double> values;
  for (auto& [id, row] : m.rows) {
    ids.push_back(id);
    values.insert(values.end(), row.begin(), row.end());
  }
  auto& id_var = slots.ids.var(s);
  auto& value_var = slots.values.var(s);
  id_var.bytes.clear();
  id_var.shape[0] = 0;
  value_var.bytes.clear();
  value_var.shape[0] = 0;
  id_var.append<std::int64_t>(ids);
  value_var.append<double>(values);
}

class CalinskiHarabaszScore final : public Metric {
 public:
  explicit CalinskiHarabaszScore(Options o) : Metric(std::move(o)) {}

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    auto b = read_intrinsic_batch(common_, s, in[0], in[1]);
    if (!b.ok) return;
    const std::int64_t w = b.width;
    // Two passes per cluster within the batch: means, then squared distances to them.
    std::map<std::int64_t, std::vector<double>> rows;
    for (std::int64_t i = 0; i < b.rows; ++i) {
      auto& r = rows.try_emplace(b.labels[static_cast<std::size_t>(i)],
                                 std::vector<double>(static_cast<std::size_t>(w + 2), 0.0))
                    .first->second;
      r[0] += 1;
      for (std::int64_t d = 0; d < w; ++d)
        r[static_cast<std::size_t>(1 + d)] += b.data[static_cast<std::size_t>(i * w + d)];
    }
    for (auto& [id, r] : rows)
      for (std::int64_t d = 0; d < w; ++d) r[static_cast<std::size_t>(1 + d)] /= r[0];
    for (std::int64_t i = 0; i < b.rows; ++i) {
      auto& r = rows[b.labels[static_cast<std::size_t>(i)]];
      for (std::int64_t d = 0; d < w; ++d) {
        const double dev = b.data[static_cast<std::size_t>(i * w + d)] - r[static_cast<std::size_t>(1 + d)];
        r[static_cast<std::size_t>(w + 1)] += dev * dev;
      }
    }
    Moments m;
    m.width = w;
    m.rows = std::move(rows);
    write_moments(moments_, s, m);
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
    double n = 0;
    std::vector<double> mean(static_cast<std::size_t>(w), 0.0);
    for (auto& [id, r] : m.rows) {
      n += r[0];
      for (std::int64_t d = 0; d < w; ++d)
        mean[static_cast<std::size_t>(d)] += r[0] * r[static_cast<std::size_t>(1 + d)];
    }
    const auto k = static_cast<std::int64_t>(m.rows.size());
    clustering::require_cluster_count(name(), k, static_cast<std::int64_t>(n));
    for (auto& v : mean) v /= n;
    double between = 0, within = 0;
    for (auto& [id, r] : m.rows) {
      double dist = 0;
      for (std::int64_t d = 0; d < w; ++d) {
        const double delta = r[static_cast<std::size_t>(1 + d)] - mean[static_cast<std::size_t>(d)];
        dist += delta * delta;
      }
      between += dist * r[0];
      within += r[static_cast<std::size_t>(w + 1)];
    }
    if (within == 0) return Result::scalar(1.0);
    return Result::scalar(between * (n - static_cast<double>(k)) / (within * (static_cast<double>(k) - 1.0)));
  }

 private:
  // declared in this order: the state blob's order of every saved state
  MomentSlots moments_{declare_state<std::int64_t>("cluster_ids", Reduction::cat, {0}),
                       declare_state<double>("cluster_moments", Reduction::cat, {0})};
  clustering::IntrinsicCommon common_ = clustering::declare_intrinsic_common(state_layout());
};

// Every row kept: the points grouped by cluster (sorted ids), with their centroids.
struct Clusters {
  std::int64_t width = 0;
  std::vector<std::vector<std::size_t>> members;  // row indices per cluster
  std::vector<double> centroids;                  // [K, width]
  std::span<const double> data;
};

class KeptRowsMetric : public Metric {
 public:
  using Metric::Metric;

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    auto b = read_intrinsic_batch(common_, s, in[0], in[1]);
    if (!b.ok) return;
    labels_.append(s, b.labels);
    data_.append(s, b.data);
  }

  void merge_custom(State& into, const State&) const override { compact_keyed_counts(common_.widths.var(into)); }

  Clusters clusters_of(const State& s) const {
    clustering::raise_recorded_problem(name(), common_.input_error, s);
    Clusters c;
    c.width = clustering::common_width(name(), common_, s);
    c.data = data_.span(s);
    auto labels = labels_.span(s);
    std::map<std::int64_t, std::size_t> index;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      auto [it, added] = index.try_emplace(labels[i], c.members.size());
      if (added) c.members.emplace_back();
      c.members[it->second].push_back(i);
    }
    // Clusters in sorted-id order (torch.unique), so ties and sums run as TorchMetrics orders them.
    std::vector<std::vector<std::size_t>> sorted;
    for (auto& [id, k] : index) sorted.push_back(std::move(c.members[k]));
    c.members = std::move(sorted);
    const auto w = static_cast<std::size_t>(c.width);
    c.centroids.assign(c.members.size() * w, 0.0);
    for (std::size_t k = 0; k < c.members.size(); ++k) {
      for (auto i : c.members[k])
        for (std::size_t d = 0; d < w; ++d) c.centroids[k * w + d] += c.data[i * w + d];
      for (std::size_t d = 0; d < w; ++d) c.centroids[k * w + d] /= static_cast<double>(c.members[k].size());
    }
    return c;
  }

  StateSlot<std::int64_t> labels_ = declare_state<std::int64_t>("labels", Reduction::cat, {0});
  StateSlot<double> data_ = declare_state<double>("data", Reduction::cat, {0});
  clustering::IntrinsicCommon common_ = clustering::declare_intrinsic_common(state_layout());
};

class DaviesBouldinScore final : public KeptRowsMetric {
 public:
  using KeptRowsMetric::KeptRowsMetric;

 protected:
  Result compute_state(const State& s) const override {
    Clusters c = clusters_of(s);
    const std::size_t k = c.members.size(), w = static_cast<std::size_t>(c.width);
    clustering::require_cluster_count(name(), static_cast<std::int64_t>(k), labels_.var(s).shape[0]);
    std::vector<double> intra(k, 0.0), diff(w);
    for (std::size_t j = 0; j < k; ++j) {
      for (auto i : c.members[j]) {
        for (std::size_t d = 0; d < w; ++d) diff[d] = c.data[i * w + d] - c.centroids[j * w + d];
        intra[j] += clustering::p_norm(diff.data(), c.width, 2.0);
      }
      intra[j] /= static_cast<double>(c.members[j].size());
    }
    std::vector<double> centroid_distance(k * k);
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t b = 0; b < k; ++b) {
        for (std::size_t d = 0; d < w; ++d) diff[d] = c.centroids[a * w + d] - c.centroids[b * w + d];
        centroid_distance[a * k + b] = clustering::p_norm(diff.data(), c.width, 2.0);
      }
    // torch.allclose(x, 0): every |x| <= 1e-8.
    auto all_near_zero = [](const std::vector<double>& v) {
      return std::all_of(v.begin(), v.end(), [](double x) { return std::abs(x) <= 1e-8; });
    };
    if (all_near_zero(intra) || all_near_zero(centroid_distance)) return Result::scalar(0.0);
    double total = 0;
    for (std::size_t a = 0; a < k; ++a) {
      double worst = -std::numeric_limits<double>::infinity();
      for (std::size_t b = 0; b < k; ++b) {
        double dist = centroid_distance[a * k + b];
        if (dist == 0) dist = std::numeric_limits<double>::infinity();
        worst = std::max(worst, (intra[a] + intra[b]) / dist);
      }
      total += worst;
    }
    return Result::scalar(total / static_cast<double>(k));
  }
};

class DunnIndex final : public KeptRowsMetric {
 public:
  explicit DunnIndex(Options o) : KeptRowsMetric(std::move(o)), p_(options().get_number("p")) {}

 protected:
  Result compute_state(const State& s) const override {
    Clusters c = clusters_of(s);
    const std::size_t k = c.members.size(), w = static_cast<std::size_t>(c.width);
    if (k < 2) fail(name(), ": needs at least two clusters to measure a distance between them, got ", k);
    std::vector<double> diff(w);
    double inter = std::numeric_limits<double>::infinity(), intra = 0;
    for (std::size_t a = 0; a < k; ++a)
      for (std::size_t b = a + 1; b < k; ++b) {
        for (std::size_t d = 0; d < w; ++d) diff[d] = c.centroids[a * w + d] - c.centroids[b * w + d];
        inter = std::min(inter, clustering::p_norm(diff.data(), c.width, p_));
      }
    for (std::size_t j = 0; j < k; ++j)
      for (auto i : c.members[j]) {
        for (std::size_t d = 0; d < w; ++d) diff[d] = c.data[i * w + d] - c.centroids[j * w + d];
        intra = std::max(intra, clustering::p_norm(diff.data(), c.width, p_));
      }
    return Result::scalar(inter / intra);
  }

 private:
  double p_;
};

std::vector<InputSpec> intrinsic_inputs() {
  return {{"data", false, "points [N, D], floating point"}, {"labels", false, "cluster ids [N] (any integer values)"}};
}

}  // namespace

MetricSpec calinski_harabasz_score_spec() {
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

MetricSpec davies_bouldin_score_spec() {
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

MetricSpec dunn_index_spec() {
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
