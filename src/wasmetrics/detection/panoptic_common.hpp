#pragma once
// Panoptic quality (TorchMetrics detection/panoptic_qualities.py, functional/detection/
// _panoptic_quality_common.py): what PanopticQuality and ModifiedPanopticQuality share.
//
// Inputs are int tensors [B, *spatial, 2] of (category id, instance id) per point. A category of
// `things` keeps its instance ids; a category of `stuffs` is one segment per image (its instance
// ids are reset to 0); any other category is void: in `target` always, in `preds` only with
// allow_unknown_preds_category (else it is an error). Per image, a (pred, target) segment pair of
// one category whose IoU > 0.5 is a true positive; the IoU's union leaves out the pred segment's
// overlap with target void and the target segment's overlap with pred void. An unmatched target
// segment at most half covered by pred void is a false negative, an unmatched pred segment at most
// half on target void a false positive. The modified variant (Porzi et al., Seamless Scene
// Segmentation) scores each stuff category as the IoU sum of every overlapping pair over the
// number of target segments, with no false positives or negatives.
//
// The state is four per-category sums (iou_sum, true/false positives, false negatives), the
// categories ordered things (sorted) then stuffs (sorted), as TorchMetrics' continuous ids.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "wasmetrics/core/options.hpp"
#include "wasmetrics/core/tensor.hpp"

namespace wasmetrics::detection::panoptic {

// The declared categories: continuous index = position in things (sorted) then stuffs (sorted).
class Categories {
 public:
  // Reads the `things` and `stuffs` options (duplicates dropped, as TorchMetrics does); refuses a
  // category in both lists, both lists empty, or more than kMaxCategories categories.
  static Categories from_options(const Options& o);

  std::int64_t size() const { return static_cast<std::int64_t>(ids_.size()); }
  std::int64_t num_things() const { return num_things_; }
  bool is_stuff(std::int64_t index) const { return index >= num_things_; }
  // The continuous index of category `id`, or -1 when it is neither a thing nor a stuff.
  std::int64_t index_of(std::int64_t id) const;
  std::string describe() const;  // "things [..], stuffs [..]" for error messages

 private:
  std::vector<std::int64_t> ids_;     // things (sorted) then stuffs (sorted)
  std::vector<std::int64_t> sorted_;  // every id, sorted, with its continuous index beside it
  std::vector<std::int64_t> sorted_index_;
  std::int64_t num_things_ = 0;
};

// The state holds four numbers per category.
inline constexpr std::int64_t kMaxCategories = std::int64_t{1} << 20;

// One batch's per-category sums, added into the spans (each of Categories::size() entries).
struct Sums {
  std::span<double> iou_sum;
  std::span<std::int64_t> true_positives, false_positives, false_negatives;
};

struct MatchRules {
  bool allow_unknown_preds_category = false;
  bool modified = false;  // ModifiedPanopticQuality: stuffs scored as IoU sum / target segments
};

// Checks `preds` and `target` (integer dtype, equal shapes [B, *spatial, 2]; unknown pred
// categories unless allowed) and adds the batch's sums into `out`, one image at a time (segments
// are never matched across images). `out` is the batch's fresh state: a throw midway is harmless.
void accumulate(const std::string& metric, const Categories& categories, const MatchRules& rules,
                const TensorView& preds, const TensorView& target, const Sums& out);

// Per-category qualities from the sums and their means over the categories with TP + FP/2 + FN/2
// > 0 (NaN when there is none, as TorchMetrics' mean of an empty tensor).
struct Qualities {
  std::vector<double> pq, sq, rq;
  double pq_mean = 0, sq_mean = 0, rq_mean = 0;
};
Qualities qualities(std::span<const double> iou_sum, std::span<const std::int64_t> true_positives,
                    std::span<const std::int64_t> false_positives, std::span<const std::int64_t> false_negatives);

}  // namespace wasmetrics::detection::panoptic
