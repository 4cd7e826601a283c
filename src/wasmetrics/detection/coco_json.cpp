#include "wasmetrics/detection/coco_json.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/detection/oks.hpp"

namespace wasmetrics::detection {

namespace {

// The upsampled polygon grid (x5) must fit C's int, as pycocotools' rleFrPoly computes in int.
constexpr double kMaxCoordinate = 1e8;
constexpr std::int64_t kMaxPixels = 2147483647;

const Json& field(std::string_view metric, std::string_view where, const Json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) fail(metric, ": `", where, "` has no `", key, "`");
  return *it;
}

double number(std::string_view metric, const std::string& where, const Json& v) {
  if (!v.is_number()) fail(metric, ": `", where, "` must be a number, got ", v.dump());
  const double d = v.get<double>();
  if (!std::isfinite(d)) fail(metric, ": `", where, "` must be finite, got ", d);
  return d;
}

std::int64_t integer(std::string_view metric, const std::string& where, const Json& v) {
  if (v.is_number_integer()) return v.get<std::int64_t>();
  const double d = number(metric, where, v);
  if (d != std::floor(d) || std::fabs(d) > 9.007199254740992e15)
    fail(metric, ": `", where, "` must be an integer, got ", v.dump());
  return static_cast<std::int64_t>(d);
}

std::vector<double> numbers(std::string_view metric, const std::string& where, const Json& v) {
  if (!v.is_array()) fail(metric, ": `", where, "` must be a list of numbers, got ", v.dump().substr(0, 60));
  std::vector<double> out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out.push_back(number(metric, where + "[" + std::to_string(i) + "]", v[i]));
  return out;
}

Json parse(std::string_view metric, std::string_view name, std::string_view text) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    fail(metric, ": `", name, "` is not valid JSON (", e.what(), ")");
  }
}

std::vector<double> read_box(std::string_view metric, const std::string& where, const Json& v) {
  auto b = numbers(metric, where, v);
  if (b.size() != 4) fail(metric, ": `", where, "` must be [x, y, width, height], got ", b.size(), " numbers");
  return b;
}

struct Image {
  std::int64_t index, h, w;
};

}  // namespace

void check_image_size(std::string_view metric, std::string_view where, std::int64_t h, std::int64_t w) {
  if (h < 1 || w < 1 || h > kMaxPixels / w)
    fail(metric, ": `", where, "` must be a positive height and width of at most 2^31 - 1 pixels, got ", h, " x ", w);
}

void check_polygon(std::string_view metric, std::string_view where, const std::vector<double>& xy) {
  if (xy.size() % 2 != 0)
    fail(metric, ": `", where, "` must hold x, y pairs, got an odd number of values (", xy.size(), ")");
  if (xy.size() < 6) fail(metric, ": `", where, "` must have at least 3 points, got ", xy.size() / 2);
  for (double v : xy)
    if (!(std::fabs(v) <= kMaxCoordinate))
      fail(metric, ": `", where, "` has a coordinate out of range (|v| <= 1e8): ", v);
}

Rle rle_from_counts(std::string_view metric, std::string_view where, const std::vector<std::int64_t>& counts,
                    std::int64_t h, std::int64_t w) {
  check_image_size(metric, std::string(where) + ".size", h, w);
  Rle r;
  r.h = h;
  r.w = w;
  std::int64_t sum = 0;
  for (auto c : counts) {
    if (c < 0) fail(metric, ": `", where, ".counts` must be >= 0, got ", c);
    sum += c;
    if (sum > h * w) break;
    r.counts.push_back(static_cast<std::uint32_t>(c));
  }
  if (sum != h * w) fail(metric, ": `", where, ".counts` must add up to h * w = ", h * w, ", got ", sum);
  return r;
}

Rle coco_segmentation_to_rle(std::string_view metric, std::string_view where, const Json& seg, std::int64_t h,
                             std::int64_t w) {
  const std::string wh(where);
  if (seg.is_array()) {
    // polygons (frPyObjects), their parts merged into one mask
    if (seg.empty()) fail(metric, ": `", where, "` must hold at least one polygon");
    check_image_size(metric, wh + " (its image)", h, w);
    std::vector<Rle> parts;
    for (std::size_t p = 0; p < seg.size(); ++p) {
      const std::string pw = wh + "[" + std::to_string(p) + "]";
      auto xy = numbers(metric, pw, seg[p]);
      check_polygon(metric, pw, xy);
      parts.push_back(rle_from_polygon(xy.data(), xy.size() / 2, h, w));
    }
    return rle_merge(parts, false);
  }
  if (!seg.is_object())
    fail(metric, ": `", where, "` must be a list of polygons or an RLE {counts, size}, got ", seg.dump().substr(0, 60));
  const auto& size = field(metric, where, seg, "size");
  if (!size.is_array() || size.size() != 2)
    fail(metric, ": `", where, ".size` must be [height, width], got ", size.dump());
  const std::int64_t rh = integer(metric, wh + ".size[0]", size[0]), rw = integer(metric, wh + ".size[1]", size[1]);
  const auto& counts = field(metric, where, seg, "counts");
  if (counts.is_string()) {
    check_image_size(metric, wh + ".size", rh, rw);
    Rle r = rle_from_string(counts.get<std::string>(), rh, rw);
    std::vector<std::int64_t> c(r.counts.begin(), r.counts.end());
    return rle_from_counts(metric, where, c, rh, rw);
  }
  if (!counts.is_array()) fail(metric, ": `", where, ".counts` must be a list of run lengths or a compressed string");
  std::vector<std::int64_t> c;
  c.reserve(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i)
    c.push_back(integer(metric, wh + ".counts[" + std::to_string(i) + "]", counts[i]));
  return rle_from_counts(metric, where, c, rh, rw);
}

namespace {

// One annotation or result as read, in file order (grouped by image at the end).
struct JsonAnn {
  std::int64_t image, id, label, crowd = 0, num_kp = 0;
  double score = 0, area = 0;
  std::array<double, 4> box{};
  std::vector<double> kp;
  Rle mask;
};

// loadRes picks how it completes the results from the first one: a box, a mask, keypoints.
enum class ResultsBranch { bbox, segm, keypoints };

// read_coco's steps, sharing what every step checks against: the images by id, the categories.
class CocoJsonReader {
 public:
  CocoJsonReader(std::string_view metric, CocoIouType type, std::size_t num_kpts)
      : metric_(metric), type_(type), num_kpts_(num_kpts) {}

  // gt.images by id, ascending: each one's index, and (segm) its height and width, into `out`.
  void read_images(const Json& imgs, CocoBatch& out) {
    for (std::size_t i = 0; i < imgs.size(); ++i) {
      const std::string w = "gt.images[" + std::to_string(i) + "]";
      if (!imgs[i].is_object()) fail(metric_, ": `", w, "` must be an object");
      const auto id = integer(metric_, w + ".id", field(metric_, w, imgs[i], "id"));
      std::int64_t ih = 0, iw = 0;
      if (type_ == CocoIouType::segm) {
        ih = integer(metric_, w + ".height", field(metric_, w, imgs[i], "height"));
        iw = integer(metric_, w + ".width", field(metric_, w, imgs[i], "width"));
        check_image_size(metric_, w, ih, iw);
      }
      if (!images_.emplace(id, Image{0, ih, iw}).second)
        fail(metric_, ": `", w, ".id` ", id, " is a duplicate image id");
    }
    std::int64_t n = 0;
    for (auto& [id, img] : images_) {
      img.index = n++;
      out.image_ids.push_back(id);
      out.heights.push_back(img.h);
      out.widths.push_back(img.w);
    }
  }

  // gt.categories' ids, ascending and unique, into `out` (annotations of other ids are dropped).
  void read_categories(const Json& cats, CocoBatch& out) {
    for (std::size_t i = 0; i < cats.size(); ++i) {
      const std::string w = "gt.categories[" + std::to_string(i) + "]";
      if (!cats[i].is_object()) fail(metric_, ": `", w, "` must be an object");
      out.categories.push_back(integer(metric_, w + ".id", field(metric_, w, cats[i], "id")));
    }
    std::sort(out.categories.begin(), out.categories.end());
    out.categories.erase(std::unique(out.categories.begin(), out.categories.end()), out.categories.end());
    categories_ = &out.categories;
  }

  std::vector<JsonAnn> read_ground_truth(const Json& anns) const {
    std::vector<JsonAnn> gts;
    for (std::size_t i = 0; i < anns.size(); ++i) {
      const std::string w = "gt.annotations[" + std::to_string(i) + "]";
      const Json& a = anns[i];
      if (!a.is_object()) fail(metric_, ": `", w, "` must be an object");
      const Image& img = image_of(w, a, "ground truth");
      JsonAnn g{img.index, integer(metric_, w + ".id", field(metric_, w, a, "id")),
                integer(metric_, w + ".category_id", field(metric_, w, a, "category_id"))};
      if (a.contains("iscrowd")) g.crowd = integer(metric_, w + ".iscrowd", a["iscrowd"]) != 0;
      g.area = number(metric_, w + ".area", field(metric_, w, a, "area"));
      if (type_ != CocoIouType::segm || a.contains("bbox")) g.box = box_of(w, a);
      if (type_ == CocoIouType::segm) g.mask = segmentation_of(w, a, img);
      if (type_ == CocoIouType::keypoints) {
        g.kp = keypoints_of(w, a);
        g.num_kp = integer(metric_, w + ".num_keypoints", field(metric_, w, a, "num_keypoints"));
      }
      if (known_category(g.label)) gts.push_back(std::move(g));
    }
    return gts;
  }

  std::vector<JsonAnn> read_results(const Json& dt) const {
    const ResultsBranch branch = results_branch(dt);
    std::vector<JsonAnn> dts;
    for (std::size_t i = 0; i < dt.size(); ++i) {
      const std::string w = "dt[" + std::to_string(i) + "]";
      const Json& a = dt[i];
      if (!a.is_object()) fail(metric_, ": `", w, "` must be an object");
      const Image& img = image_of(w, a, "results must be for images of the ground truth");
      JsonAnn d{img.index, static_cast<std::int64_t>(i) + 1,
                integer(metric_, w + ".category_id", field(metric_, w, a, "category_id"))};
      d.score = number(metric_, w + ".score", field(metric_, w, a, "score"));
      if (type_ == CocoIouType::segm) {
        if (img.h == 0) fail(metric_, ": `", w, "` is on an image without height and width");
        d.mask = segmentation_of(w, a, img);
      }
      if (type_ == CocoIouType::keypoints) d.kp = keypoints_of(w, a);
      if (branch == ResultsBranch::bbox || type_ == CocoIouType::bbox) d.box = box_of(w, a);
      complete_result(branch, w, a, img, d);
      if (known_category(d.label)) dts.push_back(std::move(d));
    }
    return dts;
  }

  // `list` grouped by image (stably: file order within an image) as the columns of `side`.
  void fill(std::vector<JsonAnn>& list, std::size_t num_images, CocoSide& side) const {
    std::stable_sort(list.begin(), list.end(), [](const JsonAnn& x, const JsonAnn& y) { return x.image < y.image; });
    side.counts.assign(num_images, 0);
    for (auto& a : list) {
      ++side.counts[static_cast<std::size_t>(a.image)];
      side.ids.push_back(a.id);
      side.labels.push_back(a.label);
      side.crowd.push_back(a.crowd);
      side.num_keypoints.push_back(a.num_kp);
      side.scores.push_back(a.score);
      side.area.push_back(a.area);
      side.boxes.insert(side.boxes.end(), a.box.begin(), a.box.end());
      side.keypoints.insert(side.keypoints.end(), a.kp.begin(), a.kp.end());
      if (type_ == CocoIouType::segm) side.masks.push_back(std::move(a.mask));
    }
  }

 private:
  bool known_category(std::int64_t c) const { return std::binary_search(categories_->begin(), categories_->end(), c); }

  const Image& image_of(const std::string& w, const Json& a, const char* side) const {
    const auto id = integer(metric_, w + ".image_id", field(metric_, w, a, "image_id"));
    auto it = images_.find(id);
    if (it == images_.end()) fail(metric_, ": `", w, ".image_id` ", id, " is not an image of `gt` (", side, ")");
    return it->second;
  }

  std::array<double, 4> box_of(const std::string& w, const Json& a) const {
    auto b = read_box(metric_, w + ".bbox", field(metric_, w, a, "bbox"));
    return {b[0], b[1], b[2], b[3]};
  }

  Rle segmentation_of(const std::string& w, const Json& a, const Image& img) const {
    return coco_segmentation_to_rle(metric_, w + ".segmentation", field(metric_, w, a, "segmentation"), img.h, img.w);
  }

  std::vector<double> keypoints_of(const std::string& w, const Json& a) const {
    auto kp = numbers(metric_, w + ".keypoints", field(metric_, w, a, "keypoints"));
    if (kp.size() % 3 != 0)
      fail(metric_, ": `", w, ".keypoints` must hold x, y, v triples, got ", kp.size(), " numbers");
    if (kp.size() / 3 != num_kpts_)
      fail(metric_, ": `", w, ".keypoints` has ", kp.size() / 3, " keypoints, but there are ", num_kpts_,
           " kpt_oks_sigmas (one per keypoint)");
    return kp;
  }

  ResultsBranch results_branch(const Json& dt) const {
    if (dt.empty()) return ResultsBranch::bbox;
    const Json& first = dt[0];
    if (!first.is_object()) fail(metric_, ": `dt[0]` must be an object");
    if (first.contains("bbox") && !(first["bbox"].is_array() && first["bbox"].empty())) return ResultsBranch::bbox;
    if (first.contains("segmentation")) return ResultsBranch::segm;
    if (first.contains("keypoints")) return ResultsBranch::keypoints;
    fail(metric_, ": `dt[0]` has none of `bbox`, `segmentation`, `keypoints`");
  }

  // A result's area (and, from keypoints, its box) as loadRes completes it on `branch`.
  void complete_result(ResultsBranch branch, const std::string& w, const Json& a, const Image& img, JsonAnn& d) const {
    switch (branch) {
      case ResultsBranch::bbox:
        d.area = d.box[2] * d.box[3];
        break;
      case ResultsBranch::segm: {
        const Rle r = type_ == CocoIouType::segm ? d.mask : segmentation_of(w, a, img);
        d.area = static_cast<double>(rle_area(r));
        break;
      }
      case ResultsBranch::keypoints: {
        // area and box from the extent of every keypoint (labelled or not), as loadRes does
        auto kp = d.kp.empty() ? numbers(metric_, w + ".keypoints", field(metric_, w, a, "keypoints")) : d.kp;
        if (kp.size() < 3) fail(metric_, ": `", w, ".keypoints` must have at least one keypoint");
        d.box = keypoint_extent_box(kp.data(), kp.size() / 3);
        d.area = d.box[2] * d.box[3];
        break;
      }
    }
  }

  std::string_view metric_;
  CocoIouType type_;
  std::size_t num_kpts_;
  std::map<std::int64_t, Image> images_;
  const std::vector<std::int64_t>* categories_ = nullptr;
};

}  // namespace

CocoBatch read_coco(std::string_view metric, std::string_view gt_text, std::string_view dt_text, CocoIouType type,
                    std::size_t num_kpts) {
  const Json gt = parse(metric, "gt", gt_text);
  const Json dt = parse(metric, "dt", dt_text);
  if (!gt.is_object()) fail(metric, ": `gt` must be a COCO ground-truth object {images, annotations, categories}");
  for (const char* key : {"images", "annotations", "categories"})
    if (!gt.contains(key) || !gt[key].is_array()) fail(metric, ": `gt` has no `", key, "` list");
  if (!dt.is_array()) fail(metric, ": `dt` must be a COCO results list [{image_id, category_id, score, ...}]");

  CocoBatch out;
  CocoJsonReader reader(metric, type, num_kpts);
  reader.read_images(gt["images"], out);
  reader.read_categories(gt["categories"], out);
  // Annotations are read in file order, then stably grouped by image.
  auto gts = reader.read_ground_truth(gt["annotations"]);
  auto dts = reader.read_results(dt);
  reader.fill(gts, out.image_ids.size(), out.gt);
  reader.fill(dts, out.image_ids.size(), out.dt);
  return out;
}

}  // namespace wasmetrics::detection
