#include "wasmetrics/detection/panoptic_common.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xoperation.hpp>
#include <xtensor/xreducer.hpp>
#include <xtensor/xtensor.hpp>
#include "wasmetrics/core/error.hpp"

#include "wasmetrics/core/tensor_adapt.hpp"

namespace wasmetrics::detection::panoptic {

// ---- categories ----------------------------------------------------------------------------------

namespace {

// An integer_list option (a lone integer or an array, possibly empty) as sorted, unique ids.
std::vector<std::int64_t> read_category_ids(const Options& o, const char* name) {
  const Json& v = o.raw(name);
  std::vector<std::int64_t> ids;
  if (v.is_number())
    ids.push_back(v.get<std::int64_t>());
  else
    for (const Json& e : v) ids.push_back(e.get<std::int64_t>());
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::string ids_text(std::span<const std::int64_t> ids) {
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? ", " : "") + std::to_string(ids[i]);
  return out + "]";
}

}  // namespace

Categories Categories::from_options(const Options& o) {
  const auto things = read_category_ids(o, "things");
  const auto stuffs = read_category_ids(o, "stuffs");
  for (std::int64_t id : things)
    if (std::binary_search(stuffs.begin(), stuffs.end(), id))
      fail(o.metric(), ": options 'things' and 'stuffs' must have distinct category ids, got ",
           json_text(o.raw("things")), " and ", json_text(o.raw("stuffs")), " (", id, " is in both)");
  if (things.empty() && stuffs.empty())
    fail(o.metric(), ": at least one of the options 'things' and 'stuffs' must be non-empty, got [] and []");
  const auto n = static_cast<std::int64_t>(things.size() + stuffs.size());
  if (n > kMaxCategories)
    fail(o.metric(), ": options 'things' and 'stuffs' declare ", n, " categories, at most ", kMaxCategories,
         " are allowed (the state holds four numbers per category)");
  Categories c;
  c.num_things_ = static_cast<std::int64_t>(things.size());
  c.ids_ = things;
  c.ids_.insert(c.ids_.end(), stuffs.begin(), stuffs.end());
  std::vector<std::pair<std::int64_t, std::int64_t>> by_id;
  for (std::size_t i = 0; i < c.ids_.size(); ++i) by_id.emplace_back(c.ids_[i], static_cast<std::int64_t>(i));
  std::sort(by_id.begin(), by_id.end());
  for (auto& [id, index] : by_id) {
    c.sorted_.push_back(id);
    c.sorted_index_.push_back(index);
  }
  return c;
}

std::int64_t Categories::index_of(std::int64_t id) const {
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), id);
  if (it == sorted_.end() || *it != id) return -1;
  return sorted_index_[static_cast<std::size_t>(it - sorted_.begin())];
}

std::string Categories::describe() const {
  const std::span<const std::int64_t> all(ids_);
  return "things " + ids_text(all.first(static_cast<std::size_t>(num_things_))) + ", stuffs " +
         ids_text(all.subspan(static_cast<std::size_t>(num_things_)));
}

// ---- segments of one image -----------------------------------------------------------------------

namespace {

// A segment's colour: (continuous category index, or the void index C; instance id, 0 for stuffs
// and void).
struct SegmentColour {
  std::int64_t category;
  std::int64_t instance;
  bool operator==(const SegmentColour&) const = default;
};

struct SegmentColourHash {
  std::size_t operator()(const SegmentColour& c) const {
    std::uint64_t h = static_cast<std::uint64_t>(c.category) * 0x9E3779B97F4A7C15ull;
    h ^= static_cast<std::uint64_t>(c.instance) + 0x7F4A7C159E3779B9ull + (h << 6) + (h >> 2);
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
};

// The segments of one side of one image: a dense id per colour, with its category and area.
class SegmentTable {
 public:
  void clear() {
    ids_.clear();
    category.clear();
    area.clear();
    has_last_ = false;
  }
  std::int32_t id_of(const SegmentColour& colour) {
    if (has_last_ && colour == last_) return last_id_;  // neighbouring points mostly share a segment
    auto [it, added] = ids_.try_emplace(colour, static_cast<std::int32_t>(category.size()));
    if (added) {
      category.push_back(colour.category);
      area.push_back(0);
    }
    last_ = colour;
    last_id_ = it->second;
    has_last_ = true;
    return last_id_;
  }
  std::size_t size() const { return category.size(); }

  std::vector<std::int64_t> category;
  std::vector<std::int64_t> area;

 private:
  std::unordered_map<SegmentColour, std::int32_t, SegmentColourHash> ids_;
  SegmentColour last_{};
  std::int32_t last_id_ = 0;
  bool has_last_ = false;
};

// The segment of every point of image `image` of one side; `rows` is the side as [B * P, 2].
template <class Rows>
void label_segments(const std::string& metric, const char* side, const Categories& categories, bool allow_unknown,
                    const Rows& rows, std::int64_t image, std::int64_t points, SegmentTable& table,
                    std::vector<std::int32_t>& segment_of) {
  const std::int64_t void_index = categories.size();
  std::int64_t last_id = 0, last_index = categories.index_of(0);  // one-entry cache of the category lookup
  table.clear();
  segment_of.resize(static_cast<std::size_t>(points));
  const auto first = static_cast<std::size_t>(image * points);
  for (std::int64_t p = 0; p < points; ++p) {
    const auto r = first + static_cast<std::size_t>(p);
    const auto id = static_cast<std::int64_t>(rows(r, 0));
    if (id != last_id) {
      last_id = id;
      last_index = categories.index_of(id);
    }
    SegmentColour colour{last_index, static_cast<std::int64_t>(rows(r, 1))};
    if (last_index < 0) {
      if (!allow_unknown)
        fail(metric, ": `", side, "` holds category id ", id, " (image ", image, ", point ", p,
             "), which is in neither of ", categories.describe(),
             "; allow_unknown_preds_category=true counts such points as void");
      colour = {void_index, 0};
    } else if (categories.is_stuff(last_index)) {
      colour.instance = 0;  // a stuff is one segment per image
    }
    const std::int32_t s = table.id_of(colour);
    ++table.area[static_cast<std::size_t>(s)];
    segment_of[static_cast<std::size_t>(p)] = s;
  }
}

// Matches the segments of one image and adds its sums (TorchMetrics' _panoptic_quality_update_sample).
void match_image(const Categories& categories, const MatchRules& rules, const SegmentTable& pred,
                 const std::vector<std::int32_t>& pred_segment, const SegmentTable& target,
                 const std::vector<std::int32_t>& target_segment, const Sums& out) {
  const std::int64_t void_index = categories.size();
  // Points per (pred segment, target segment) pair.
  std::unordered_map<std::uint64_t, std::int64_t> overlap;
  std::uint64_t last_key = std::numeric_limits<std::uint64_t>::max();
  std::int64_t* last_count = nullptr;
  for (std::size_t p = 0; p < pred_segment.size(); ++p) {
    const std::uint64_t key =
        (static_cast<std::uint64_t>(pred_segment[p]) << 32) | static_cast<std::uint32_t>(target_segment[p]);
    if (key != last_key) {
      last_key = key;
      last_count = &overlap[key];  // references into an unordered_map survive rehashing
    }
    ++*last_count;
  }
  auto pred_of = [](std::uint64_t key) { return static_cast<std::size_t>(key >> 32); };
  auto target_of = [](std::uint64_t key) { return static_cast<std::size_t>(key & 0xFFFFFFFFu); };

  // Each pred segment's overlap with target void, each target segment's with pred void.
  std::vector<std::int64_t> pred_on_void(pred.size(), 0), void_on_target(target.size(), 0);
  for (const auto& [key, n] : overlap) {
    if (target.category[target_of(key)] == void_index) pred_on_void[pred_of(key)] = n;
    if (pred.category[pred_of(key)] == void_index) void_on_target[target_of(key)] = n;
  }

  auto stuff_scored_modified = [&](std::int64_t category) { return rules.modified && categories.is_stuff(category); };
  std::vector<char> pred_matched(pred.size(), 0), target_matched(target.size(), 0);
  for (const auto& [key, n] : overlap) {
    const std::size_t ps = pred_of(key), ts = target_of(key);
    const std::int64_t category = target.category[ts];
    if (category == void_index || pred.category[ps] != category) continue;
    const std::int64_t uni = pred.area[ps] - pred_on_void[ps] + target.area[ts] - void_on_target[ts] - n;
    const double iou = static_cast<double>(n) / static_cast<double>(uni);  // uni >= n > 0
    const auto c = static_cast<std::size_t>(category);
    if (stuff_scored_modified(category)) {
      out.iou_sum[c] += iou;   // every overlapping pair counts (IoU > 0)
    } else if (2 * n > uni) {  // IoU > 0.5, in integers: at most one match per segment
      pred_matched[ps] = target_matched[ts] = 1;
      out.iou_sum[c] += iou;
      ++out.true_positives[c];
    }
  }
  // Unmatched segments: errors unless mostly void on the other side.
  for (std::size_t ts = 0; ts < target.size(); ++ts) {
    const std::int64_t category = target.category[ts];
    if (category == void_index) continue;
    const auto c = static_cast<std::size_t>(category);
    if (stuff_scored_modified(category)) {
      ++out.true_positives[c];  // the modified stuff denominator: target segments
      continue;
    }
    if (!target_matched[ts] && 2 * void_on_target[ts] <= target.area[ts]) ++out.false_negatives[c];
  }
  for (std::size_t ps = 0; ps < pred.size(); ++ps) {
    const std::int64_t category = pred.category[ps];
    if (category == void_index || stuff_scored_modified(category)) continue;
    if (!pred_matched[ps] && 2 * pred_on_void[ps] <= pred.area[ps])
      ++out.false_positives[static_cast<std::size_t>(category)];
  }
}

void check_inputs(const std::string& metric, const TensorView& preds, const TensorView& target) {
  const std::pair<const char*, const TensorView*> sides[] = {{"preds", &preds}, {"target", &target}};
  for (const auto& [name, t] : sides)
    if (is_floating(t->dtype) || t->dtype == DType::bool_)
      fail(metric, ": `", name, "` must be an integer tensor of (category id, instance id) pairs, got ",
           dtype_name(t->dtype));
  if (preds.shape != target.shape)
    fail(metric, ": `preds` and `target` must have the same shape, got ", shape_str(preds.shape), " and ",
         shape_str(target.shape));
  if (preds.ndim() < 3)
    fail(metric, ": `preds` must have at least one spatial dimension (shape [B, *spatial, 2]), got shape ",
         shape_str(preds.shape));
  if (preds.shape.back() != 2)
    fail(metric, ": `preds` must have exactly 2 channels in the last dimension (category id, instance id), got shape ",
         shape_str(preds.shape));
  const auto points = preds.numel() / 2;
  if (points > std::numeric_limits<std::int32_t>::max())
    fail(metric, ": `preds` has ", points, " points, at most ", std::numeric_limits<std::int32_t>::max(),
         " per update() are supported");
}

}  // namespace

void accumulate(const std::string& metric, const Categories& categories, const MatchRules& rules,
                const TensorView& preds, const TensorView& target, const Sums& out) {
  check_inputs(metric, preds, target);
  const std::int64_t images = preds.shape[0];
  const std::int64_t points = images > 0 ? preds.numel() / 2 / images : 0;  // per image
  SegmentTable pred_table, target_table;
  std::vector<std::int32_t> pred_segment, target_segment;
  for (std::int64_t b = 0; b < images; ++b) {
    dispatch_dtype(preds.dtype, [&](auto tag) {
      label_segments(metric, "preds", categories, rules.allow_unknown_preds_category,
                     adapt_rows<decltype(tag)>(preds, 2), b, points, pred_table, pred_segment);
    });
    dispatch_dtype(target.dtype, [&](auto tag) {
      label_segments(metric, "target", categories, /*allow_unknown=*/true, adapt_rows<decltype(tag)>(target, 2), b,
                     points, target_table, target_segment);
    });
    match_image(categories, rules, pred_table, pred_segment, target_table, target_segment, out);
  }
}

// ---- compute -------------------------------------------------------------------------------------

Qualities qualities(std::span<const double> iou_sum, std::span<const std::int64_t> true_positives,
                    std::span<const std::int64_t> false_positives, std::span<const std::int64_t> false_negatives) {
  const std::size_t n = iou_sum.size();
  auto as_doubles = [n](std::span<const std::int64_t> v) {
    return xt::cast<double>(xt::adapt(v.data(), n, xt::no_ownership(), XtShape{n}));
  };
  const auto iou = xt::adapt(iou_sum.data(), n, xt::no_ownership(), XtShape{n});
  const xt::xtensor<double, 1> tp = as_doubles(true_positives);
  const xt::xtensor<double, 1> denominator = tp + 0.5 * as_doubles(false_positives) + 0.5 * as_doubles(false_negatives);
  const xt::xtensor<double, 1> sq = xt::where(tp > 0.0, iou / tp, 0.0);
  const xt::xtensor<double, 1> rq = xt::where(denominator > 0.0, tp / denominator, 0.0);
  const xt::xtensor<double, 1> pq = sq * rq;
  // A category seen in neither preds nor target (denominator 0) is left out of the means; with
  // none left the means are NaN, as TorchMetrics' mean of an empty tensor.
  const auto seen = denominator > 0.0;
  const double counted = xt::sum(xt::cast<double>(seen))();
  auto mean = [&](const xt::xtensor<double, 1>& v) {
    return counted > 0 ? xt::sum(xt::where(seen, v, 0.0))() / counted : std::numeric_limits<double>::quiet_NaN();
  };
  Qualities q;
  q.pq.assign(pq.begin(), pq.end());
  q.sq.assign(sq.begin(), sq.end());
  q.rq.assign(rq.begin(), rq.end());
  q.pq_mean = mean(pq);
  q.sq_mean = mean(sq);
  q.rq_mean = mean(rq);
  return q;
}

}  // namespace wasmetrics::detection::panoptic
