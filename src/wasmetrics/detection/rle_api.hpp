#pragma once
// pycocotools' mask API (encode, decode, area, toBbox, iou, frPyObjects + merge) on COCO JSON
// values, for the npm package's rle* functions (bindings/embind.cpp). Inputs are checked and named
// (`fn` and the argument in every message); RLEs come out in COCO's compressed form
// {"size": [h, w], "counts": "<string>"}, as pycocotools' encode returns them.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "wasmetrics/core/options.hpp"  // Json
#include "wasmetrics/detection/rle.hpp"

namespace wasmetrics::detection {

// A COCO RLE object {size: [h, w], counts: string | run lengths}, checked (runs add up to h * w).
Rle rle_api_read(std::string_view fn, std::string_view where, const Json& rle);
Json rle_api_json(const Rle& r);

// `mask`: row-major [h, w], nonzero = foreground.
Json rle_api_encode(std::span<const std::uint8_t> mask, std::int64_t h, std::int64_t w);
// Row-major [h, w] of 0/1.
std::vector<std::uint8_t> rle_api_decode(const Json& rle);
double rle_api_area(const Json& rle);
// [x, y, w, h] of the foreground (pycocotools' toBbox).
Json rle_api_to_bbox(const Json& rle);
// pycocotools' iou(dt, gt, iscrowd) for lists of RLEs: [D][G]; crowd ground truth: intersection
// over the detection's area. RLEs of different sizes are an error (pycocotools gives -1).
Json rle_api_iou(const Json& dts, const Json& gts, const Json& iscrowd);
// frPyObjects + merge (annToRLE): polygons [[x0, y0, x1, y1, ...], ...] on an h x w image, one RLE.
Json rle_api_from_polygons(const Json& polygons, std::int64_t h, std::int64_t w);

}  // namespace wasmetrics::detection
