// HausdorffDistance (TorchMetrics 1.5.2 segmentation/hausdorff_distance.py,
// functional/segmentation/hausdorff_distance.py and utils.py).
//
// Per sample and class: the edges of each mask are its pixels with a 4-neighbour (2·d
// neighbours in d dimensions) outside the mask or outside the image (binary erosion with a cross,
// border 0: utils.py mask_edges/binary_erosion); the distance from a pred edge pixel is to the
// nearest target edge pixel, with `spacing` scaling each axis; the value is the largest such
// distance (directed) or the larger of both directions. compute() is the mean over every
// (sample, class) value. One mask empty and the other not: +inf, as TorchMetrics.
//
// Where TorchMetrics 1.5.2 is wrong, this is not (no fixture pins either):
//  - distance_transform writes distances at row*H + col (H the row count, not the row length),
//    so on non-square images its values are misplaced; here they are exact on every shape;
//  - a class empty in both preds and target of a sample makes torch.max raise on an empty tensor;
//    here that (sample, class) has no distance and is left out of the mean (NaN if nothing is left);
//  - distance_transform accepts 2-D images only; here any number of spatial dimensions works.
//
// The max-min is exact, computed with the early-break search of Taha & Hanbury (2015): pred edge
// points in a fixed pseudo-random order, each one's scan over target edge points stops as soon as
// a distance below the current maximum is found.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>

#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/segmentation/seg_common.hpp"

namespace wasmetrics {
namespace {

using segmentation::SegConfig;

constexpr double kInf = std::numeric_limits<double>::infinity();

enum class Dist { euclidean, chessboard, taxicab };

// Spatial geometry of one mask: sizes, strides, per-axis spacing.
struct Grid {
  std::vector<std::int64_t> size, stride;
  std::vector<double> spacing;
  std::int64_t numel = 1;
};

// Linear indices of the edge pixels of a 0/1 mask.
void edges(const Grid& g, const std::vector<std::uint8_t>& m, std::vector<std::int64_t>& out) {
  out.clear();
  const std::size_t k = g.size.size();
  for (std::int64_t i = 0; i < g.numel; ++i) {
    if (!m[static_cast<std::size_t>(i)]) continue;
    bool edge = false;
    for (std::size_t a = 0; a < k && !edge; ++a) {
      const std::int64_t st = g.stride[a];
      const std::int64_t c = (i / st) % g.size[a];
      edge =
          c == 0 || c == g.size[a] - 1 || !m[static_cast<std::size_t>(i - st)] || !m[static_cast<std::size_t>(i + st)];
    }
    if (edge) out.push_back(i);
  }
}

// Scaled coordinates of points, shuffled with a fixed seed (the order only affects speed).
std::vector<double> coords(const Grid& g, std::vector<std::int64_t>& idx) {
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  for (std::size_t i = idx.size(); i > 1; --i) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    std::swap(idx[i - 1], idx[state % i]);
  }
  const std::size_t k = g.size.size();
  std::vector<double> out(idx.size() * k);
  for (std::size_t p = 0; p < idx.size(); ++p)
    for (std::size_t a = 0; a < k; ++a)
      out[p * k + a] = static_cast<double>((idx[p] / g.stride[a]) % g.size[a]) * g.spacing[a];
  return out;
}

// max over a in A of min over b in B of d(a, b); euclidean works on squared distances.
template <Dist D>
double directed(const std::vector<double>& A, const std::vector<double>& B, std::size_t k) {
  const std::size_t na = A.size() / k, nb = B.size() / k;
  double cmax = 0;
  for (std::size_t i = 0; i < na; ++i) {
    const double* a = A.data() + i * k;
    double cmin = kInf;
    bool dominated = false;
    for (std::size_t j = 0; j < nb; ++j) {
      const double* b = B.data() + j * k;
      double d = 0;
      for (std::size_t x = 0; x < k; ++x) {
        const double diff = std::fabs(a[x] - b[x]);
        if constexpr (D == Dist::euclidean)
          d += diff * diff;
        else if constexpr (D == Dist::taxicab)
          d += diff;
        else
          d = std::max(d, diff);
      }
      if (d < cmax) {
        dominated = true;
        break;
      }
      cmin = std::min(cmin, d);
    }
    if (!dominated && cmin > cmax) cmax = cmin;
  }
  return D == Dist::euclidean ? std::sqrt(cmax) : cmax;
}

class HausdorffDistance final : public Metric {
 public:
  explicit HausdorffDistance(Options o)
      : Metric(std::move(o)),
        cfg_(segmentation::seg_config(options(), /*allow_soft=*/false, /*min_ndim_index=*/2)),
        directed_(options().get_bool("directed")) {
    auto m = options().get_string("distance_metric");
    dist_ = m == "euclidean" ? Dist::euclidean : m == "chessboard" ? Dist::chessboard : Dist::taxicab;
    if (!options().is_null("spacing")) spacing_ = options().get_numbers("spacing");
  }

 protected:
  void update_state(State& s, std::span<const TensorView> in) const override {
    const TensorView& preds = in[0];
    const TensorView& target = in[1];
    segmentation::check_inputs(cfg_, preds, target);
    const std::int64_t first_spatial = cfg_.one_hot ? 2 : 1;
    Grid g;
    g.size.assign(preds.shape.begin() + first_spatial, preds.shape.end());
    const std::size_t k = g.size.size();
    if (!spacing_.empty() && spacing_.size() != k)
      fail(name(), ": option 'spacing' must hold one value per spatial dimension: ", k, " for shape ",
           shape_str(preds.shape), ", got ", spacing_.size());
    g.spacing = spacing_.empty() ? std::vector<double>(k, 1.0) : spacing_;
    g.stride.assign(k, 1);
    for (std::size_t a = k; a-- > 0;) {
      g.stride[a] = g.numel;
      g.numel *= g.size[a];
    }
    const std::int64_t N = preds.shape[0];
    const std::int64_t C = cfg_.num_classes;
    const auto S = static_cast<std::size_t>(g.numel);
    if (!cfg_.one_hot) validate_labels(preds, target, N * g.numel);

    std::vector<std::uint8_t> pm(S), tm(S);
    std::vector<std::int64_t> pe, te;
    double score = 0;
    std::int64_t total = 0;
    for (std::int64_t n = 0; n < N; ++n) {
      for (std::int64_t c = cfg_.first_class(); c < C; ++c) {
        fill_mask(preds, "preds", n, c, g.numel, pm);
        fill_mask(target, "target", n, c, g.numel, tm);
        edges(g, pm, pe);
        edges(g, tm, te);
        if (pe.empty() && te.empty()) continue;  // nothing to measure (TorchMetrics raises)
        double h = kInf;
        if (!pe.empty() && !te.empty()) {
          auto P = coords(g, pe), T = coords(g, te);
          h = run(P, T, k);
          if (!directed_) h = std::max(h, run(T, P, k));
        }
        score += h;
        ++total;
      }
    }
    score_.value(s) += score;
    total_.value(s) += total;
  }

  Result compute_state(const State& s) const override {
    const double score = score_.value(s);
    const std::int64_t total = total_.value(s);
    return Result::scalar(total > 0 ? score / static_cast<double>(total) : std::numeric_limits<double>::quiet_NaN());
  }

 private:
  double run(const std::vector<double>& A, const std::vector<double>& B, std::size_t k) const {
    switch (dist_) {
      case Dist::euclidean:
        return directed<Dist::euclidean>(A, B, k);
      case Dist::chessboard:
        return directed<Dist::chessboard>(A, B, k);
      case Dist::taxicab:
        return directed<Dist::taxicab>(A, B, k);
    }
    return kInf;
  }

  void validate_labels(const TensorView& preds, const TensorView& target, std::int64_t count) const {
    for (const auto& item : {std::pair{&preds, "preds"}, std::pair{&target, "target"}}) {
      const TensorView* t = item.first;
      const char* arg = item.second;
      dispatch_dtype(t->dtype, [&](auto tag) {
        using T = decltype(tag);
        const T* v = t->template as<T>();
        for (std::int64_t i = 0; i < count; ++i) {
          const auto x = static_cast<std::int64_t>(v[i]);
          if (x < 0 || x >= cfg_.num_classes)
            fail(name(), ": `", arg, "` holds the label ", x, " (element ", i,
                 "), outside [0, num_classes) with num_classes=", cfg_.num_classes);
        }
      });
    }
  }

  // Mask of class c in sample n: label == c (index) or channel c (one-hot, 0/1 checked).
  void fill_mask(const TensorView& t, const char* arg, std::int64_t n, std::int64_t c, std::int64_t S,
                 std::vector<std::uint8_t>& m) const {
    dispatch_dtype(t.dtype, [&](auto tag) {
      using T = decltype(tag);
      if (!cfg_.one_hot) {
        const T* v = t.as<T>() + n * S;
        for (std::int64_t i = 0; i < S; ++i) m[static_cast<std::size_t>(i)] = static_cast<std::int64_t>(v[i]) == c;
        return;
      }
      const T* v = t.as<T>() + (n * cfg_.num_classes + c) * S;
      for (std::int64_t i = 0; i < S; ++i) {
        const auto x = static_cast<std::int64_t>(v[i]);
        if (x != 0 && x != 1)
          fail(name(), ": `", arg, "` holds the value ", x, " at element ", (n * cfg_.num_classes + c) * S + i,
               "; one-hot masks must hold 0 or 1 (integer or bool)");
        m[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(x);
      }
    });
  }

  SegConfig cfg_;
  Dist dist_ = Dist::euclidean;
  std::vector<double> spacing_;
  bool directed_;
  StateSlot<double> score_ = declare_state<double>("score", Reduction::sum, {});              // sum of distances
  StateSlot<std::int64_t> total_ = declare_state<std::int64_t>("total", Reduction::sum, {});  // (sample, class) pairs
};

}  // namespace

WASMETRICS_COLD MetricSpec hausdorff_distance_spec() {
  return {
      .name = "HausdorffDistance",
      .family = "segmentation",
      .doc =
          "Hausdorff distance between the edges of predicted and target masks per image and class, averaged over "
          "them (+inf where one mask is empty; a class empty in both is left out, NaN if nothing is left).",
      .inputs = {{"preds", false,
                  "predictions: [N, C, d1, ...] one-hot masks or [N, d1, ...] label maps "
                  "(input_format)"},
                 {"target", false, "ground truth, same shape and format as preds"}},
      .options =
          {
              segmentation::num_classes_option(),
              {.name = "include_background",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "true keeps class 0 (the background); false (default) drops it (kept when num_classes is 1)"},
              {.name = "distance_metric",
               .type = OptionType::string,
               .default_value = "euclidean",
               .choices = {"euclidean", "chessboard", "taxicab"},
               .doc = "distance between two pixels: 'euclidean' (L2), 'chessboard' (L-inf) or 'taxicab' (L1), "
                      "each axis scaled by its spacing"},
              {.name = "spacing",
               .type = OptionType::number_list,
               .default_value = nullptr,
               .min = 0.0,
               .min_exclusive = true,
               .nullable = true,
               .doc = "pixel size along each spatial dimension (one number per dimension, e.g. [0.5, 0.5]); null: 1"},
              {.name = "directed",
               .type = OptionType::boolean,
               .default_value = false,
               .doc = "true: largest distance from a pred edge to the target edges only; false: the larger of both "
                      "directions"},
              segmentation::input_format_option(),
          },
      .make = [](const Options& o) { return std::make_unique<HausdorffDistance>(o); },
      .examples = examples_from_json(R"json([
        {"doc": "one-pixel masks: the distance between the pixels, averaged over images", "args": {"num_classes": 2, "input_format": "index"}, "batches": [{"preds": {"dtype": "int64", "shape": [2, 3, 4], "data": [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]}, "target": {"dtype": "int64", "shape": [2, 3, 4], "data": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]}}], "expected": {"shape": [], "data": [1.8027756377]}}
      ])json"),
  };
}

}  // namespace wasmetrics
