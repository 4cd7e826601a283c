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

CocoBatch read_coco(std::string_view metric, std::string_view gt_text, std::string_view dt_text, CocoIouType type,
                    std::size_t num_kpts) {
  const Json gt = parse(metric, "gt", gt_text);
  const Json dt = parse(metric, "dt", dt_text);
  if (!gt.is_object()) fail(metric, ": `gt` must be a COCO ground-truth object {images, annotations, categories}");
  for (const char* key : {"images", "annotations", "categories"})
    if (!gt.contains(key) || !gt[key].is_array()) fail(metric, ": `gt` has no `", key, "` list");
  if (!dt.is_array()) fail(metric, ": `dt` must be a COCO results list [{image_id, category_id, score, ...}]");

  CocoBatch out;
  // images, by id
  std::map<std::int64_t, Image> images;
  const auto& imgs = gt["images"];
  for (std::size_t i = 0; i < imgs.size(); ++i) {
    const std::string w = "gt.images[" + std::to_string(i) + "]";
    if (!imgs[i].is_object()) fail(metric, ": `", w, "` must be an object");
    const auto id = integer(metric, w + ".id", field(metric, w, imgs[i], "id"));
    std::int64_t ih = 0, iw = 0;
    if (type == CocoIouType::segm) {
      ih = integer(metric, w + ".height", field(metric, w, imgs[i], "height"));
      iw = integer(metric, w + ".width", field(metric, w, imgs[i], "width"));
      check_image_size(metric, w, ih, iw);
    }
    if (!images.emplace(id, Image{0, ih, iw}).second) fail(metric, ": `", w, ".id` ", id, " is a duplicate image id");
  }
  std::int64_t n = 0;
  for (auto& [id, img] : images) {
    img.index = n++;
    out.image_ids.push_back(id);
    out.heights.push_back(img.h);
    out.widths.push_back(img.w);
  }
  const auto& cats = gt["categories"];
  for (std::size_t i = 0; i < cats.size(); ++i) {
    const std::string w = "gt.categories[" + std::to_string(i) + "]";
    if (!cats[i].is_object()) fail(metric, ": `", w, "` must be an object");
    out.categories.push_back(integer(metric, w + ".id", field(metric, w, cats[i], "id")));
  }
  std::sort(out.categories.begin(), out.categories.end());
  out.categories.erase(std::unique(out.categories.begin(), out.categories.end()), out.categories.end());
  auto known_category = [&](std::int64_t c) {
    return std::binary_search(out.categories.begin(), out.categories.end(), c);
  };

  // Annotations are read in file order, then stably grouped by image.
  struct Ann {
    std::int64_t image, id, label, crowd = 0, num_kp = 0;
    double score = 0, area = 0;
    std::array<double, 4> box{};
    std::vector<double> kp;
    Rle mask;
  };
  auto image_of = [&](const std::string& w, const Json& a, const char* side) -> const Image& {
    const auto id = integer(metric, w + ".image_id", field(metric, w, a, "image_id"));
    auto it = images.find(id);
    if (it == images.end()) fail(metric, ": `", w, ".image_id` ", id, " is not an image of `gt` (", side, ")");
    return it->second;
  };
  auto read_keypoints = [&](const std::string& w, const Json& a) {
    auto kp = numbers(metric, w + ".keypoints", field(metric, w, a, "keypoints"));
    if (kp.size() % 3 != 0)
      fail(metric, ": `", w, ".keypoints` must hold x, y, v triples, got ", kp.size(), " numbers");
    if (kp.size() / 3 != num_kpts)
      fail(metric, ": `", w, ".keypoints` has ", kp.size() / 3, " keypoints, but there are ", num_kpts,
           " kpt_oks_sigmas (one per keypoint)");
    return kp;
  };

  std::vector<Ann> gts;
  const auto& anns = gt["annotations"];
  for (std::size_t i = 0; i < anns.size(); ++i) {
    const std::string w = "gt.annotations[" + std::to_string(i) + "]";
    const Json& a = anns[i];
    if (!a.is_object()) fail(metric, ": `", w, "` must be an object");
    const Image& img = image_of(w, a, "ground truth");
    Ann g{img.index, integer(metric, w + ".id", field(metric, w, a, "id")),
          integer(metric, w + ".category_id", field(metric, w, a, "category_id"))};
    if (a.contains("iscrowd")) g.crowd = integer(metric, w + ".iscrowd", a["iscrowd"]) != 0;
    g.area = number(metric, w + ".area", field(metric, w, a, "area"));
    if (type != CocoIouType::segm || a.contains("bbox")) {
      auto b = read_box(metric, w + ".bbox", field(metric, w, a, "bbox"));
      std::copy(b.begin(), b.end(), g.box.begin());
    }
    if (type == CocoIouType::segm)
      g.mask = coco_segmentation_to_rle(metric, w + ".segmentation", field(metric, w, a, "segmentation"), img.h, img.w);
    if (type == CocoIouType::keypoints) {
      g.kp = read_keypoints(w, a);
      g.num_kp = integer(metric, w + ".num_keypoints", field(metric, w, a, "num_keypoints"));
    }
    if (known_category(g.label)) gts.push_back(std::move(g));
  }

  // loadRes picks how it completes the results from the first one: a box, a mask, keypoints.
  enum class Branch { bbox, segm, keypoints } branch = Branch::bbox;
  if (!dt.empty()) {
    const Json& first = dt[0];
    if (!first.is_object()) fail(metric, ": `dt[0]` must be an object");
    if (first.contains("bbox") && !(first["bbox"].is_array() && first["bbox"].empty()))
      branch = Branch::bbox;
    else if (first.contains("segmentation"))
      branch = Branch::segm;
    else if (first.contains("keypoints"))
      branch = Branch::keypoints;
    else
      fail(metric, ": `dt[0]` has none of `bbox`, `segmentation`, `keypoints`");
  }
  std::vector<Ann> dts;
  for (std::size_t i = 0; i < dt.size(); ++i) {
    const std::string w = "dt[" + std::to_string(i) + "]";
    const Json& a = dt[i];
    if (!a.is_object()) fail(metric, ": `", w, "` must be an object");
    const Image& img = image_of(w, a, "results must be for images of the ground truth");
    Ann d{img.index, static_cast<std::int64_t>(i) + 1,
          integer(metric, w + ".category_id", field(metric, w, a, "category_id"))};
    d.score = number(metric, w + ".score", field(metric, w, a, "score"));
    if (type == CocoIouType::segm) {
      if (img.h == 0) fail(metric, ": `", w, "` is on an image without height and width");
      d.mask = coco_segmentation_to_rle(metric, w + ".segmentation", field(metric, w, a, "segmentation"), img.h, img.w);
    }
    if (type == CocoIouType::keypoints) d.kp = read_keypoints(w, a);
    if (branch == Branch::bbox || type == CocoIouType::bbox) {
      auto b = read_box(metric, w + ".bbox", field(metric, w, a, "bbox"));
      std::copy(b.begin(), b.end(), d.box.begin());
    }
    switch (branch) {
      case Branch::bbox:
        d.area = d.box[2] * d.box[3];
        break;
      case Branch::segm: {
        const Rle r = type == CocoIouType::segm
                          ? d.mask
                          : coco_segmentation_to_rle(metric, w + ".segmentation", field(metric, w, a, "segmentation"),
                                                     img.h, img.w);
        d.area = static_cast<double>(rle_area(r));
        break;
      }
      case Branch::keypoints: {
        // area and box from the extent of every keypoint (labelled or not), as loadRes does
        auto kp = d.kp.empty() ? numbers(metric, w + ".keypoints", field(metric, w, a, "keypoints")) : d.kp;
        if (kp.size() < 3) fail(metric, ": `", w, ".keypoints` must have at least one keypoint");
        d.box = keypoint_extent_box(kp.data(), kp.size() / 3);
        d.area = d.box[2] * d.box[3];
        break;
      }
    }
    if (known_category(d.label)) dts.push_back(std::move(d));
  }

  auto fill = [&](std::vector<Ann>& list, CocoSide& side) {
    std::stable_sort(list.begin(), list.end(), [](const Ann& x, const Ann& y) { return x.image < y.image; });
    side.counts.assign(out.image_ids.size(), 0);
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
      if (type == CocoIouType::segm) side.masks.push_back(std::move(a.mask));
    }
  };
  fill(gts, out.gt);
  fill(dts, out.dt);
  return out;
}

}  // namespace wasmetrics::detection
