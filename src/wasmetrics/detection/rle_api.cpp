#include "wasmetrics/detection/rle_api.hpp"

#include <string>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/detection/coco_json.hpp"

namespace wasmetrics::detection {

Rle rle_api_read(std::string_view fn, std::string_view where, const Json& rle) {
  if (!rle.is_object() || !rle.contains("size") || !rle.contains("counts"))
    fail(fn, ": `", where, "` must be a COCO RLE {size: [height, width], counts}, got ", rle.dump().substr(0, 60));
  const Json& counts = rle["counts"];
  // rle_from_string reads any byte; COCO's alphabet is 48..111 ('0'..'o').
  if (counts.is_string())
    for (char c : counts.get<std::string>())
      if (c < 48 || c > 111) fail(fn, ": `", where, ".counts` is not a compressed COCO RLE (character '", c, "')");
  return coco_segmentation_to_rle(fn, where, rle, 0, 0);
}

Json rle_api_json(const Rle& r) { return Json{{"size", {r.h, r.w}}, {"counts", rle_to_string(r)}}; }

Json rle_api_encode(std::span<const std::uint8_t> mask, std::int64_t h, std::int64_t w) {
  check_image_size("rleEncode", "mask", h, w);
  if (static_cast<std::int64_t>(mask.size()) != h * w)
    fail("rleEncode: `mask` has ", mask.size(), " values, a ", h, " x ", w, " mask needs ", h * w);
  return rle_api_json(rle_encode(mask.data(), h, w));
}

std::vector<std::uint8_t> rle_api_decode(const Json& rle) { return rle_decode(rle_api_read("rleDecode", "rle", rle)); }

double rle_api_area(const Json& rle) { return static_cast<double>(rle_area(rle_api_read("rleArea", "rle", rle))); }

Json rle_api_to_bbox(const Json& rle) {
  const auto b = rle_to_bbox(rle_api_read("rleToBbox", "rle", rle));
  return Json{b[0], b[1], b[2], b[3]};
}

Json rle_api_iou(const Json& dts, const Json& gts, const Json& iscrowd) {
  constexpr std::string_view fn = "rleIou";
  if (!dts.is_array()) fail(fn, ": `dt` must be a list of COCO RLEs");
  if (!gts.is_array()) fail(fn, ": `gt` must be a list of COCO RLEs");
  if (!iscrowd.is_null() && (!iscrowd.is_array() || iscrowd.size() != gts.size()))
    fail(fn, ": `iscrowd` must list one flag per ground truth (", gts.size(), "), got ", iscrowd.dump().substr(0, 60));
  std::vector<Rle> d, g;
  for (std::size_t i = 0; i < dts.size(); ++i) d.push_back(rle_api_read(fn, "dt[" + std::to_string(i) + "]", dts[i]));
  for (std::size_t j = 0; j < gts.size(); ++j) g.push_back(rle_api_read(fn, "gt[" + std::to_string(j) + "]", gts[j]));
  Json out = Json::array();
  for (std::size_t i = 0; i < d.size(); ++i) {
    Json row = Json::array();
    for (std::size_t j = 0; j < g.size(); ++j) {
      if (d[i].h != g[j].h || d[i].w != g[j].w)
        fail(fn, ": `dt[", i, "]` is ", d[i].h, " x ", d[i].w, " but `gt[", j, "]` is ", g[j].h, " x ", g[j].w);
      const bool crowd = !iscrowd.is_null() && (iscrowd[j].is_boolean() ? iscrowd[j].get<bool>() : iscrowd[j] != 0);
      row.push_back(rle_iou(d[i], g[j], crowd));
    }
    out.push_back(std::move(row));
  }
  return out;
}

Json rle_api_from_polygons(const Json& polygons, std::int64_t h, std::int64_t w) {
  if (!polygons.is_array()) fail("rleFrPoly: `polygons` must be a list of polygons [x0, y0, x1, y1, ...]");
  return rle_api_json(coco_segmentation_to_rle("rleFrPoly", "polygons", polygons, h, w));
}

}  // namespace wasmetrics::detection
