#pragma once
// COCO run-length encoding of binary masks (pycocotools' maskApi: rleEncode, rleDecode, rleArea,
// rleToBbox, rleIou, rleToString/rleFrString), written from the published format: a mask of h x w
// is read in column-major order (x outer, y inner) and stored as alternating run lengths, zeros
// first (a mask starting with a 1 has a leading 0 run).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace wasmetrics::detection {

struct Rle {
  std::int64_t h = 0, w = 0;
  std::vector<std::uint32_t> counts;
};

// `mask` is row-major [h, w] (C order, as a [H, W] tensor); nonzero is foreground.
Rle rle_encode(const std::uint8_t* mask, std::int64_t h, std::int64_t w);
// Row-major [h, w] of 0/1.
std::vector<std::uint8_t> rle_decode(const Rle& r);
std::uint64_t rle_area(const Rle& r);
// [x, y, w, h] of the foreground (pycocotools' rleToBbox, including its full-height box when a run
// crosses a column); all zeros for an empty mask.
std::array<double, 4> rle_to_bbox(const Rle& r);
// pycocotools' rleIou for one pair: 0 when the bounding boxes do not overlap, -1 when the sizes
// differ, else intersection / union (crowd: intersection / area(dt)).
double rle_iou(const Rle& dt, const Rle& gt, bool crowd);
// pycocotools' rleMerge: the union (or, with `intersect`, the intersection) of masks of one size;
// no masks, or masks of different sizes, give the empty 0 x 0 RLE as pycocotools does.
Rle rle_merge(const std::vector<Rle>& rles, bool intersect);
// pycocotools' rleFrPoly: the polygon of `k` points (x0, y0, x1, y1, ...) rasterised on an h x w
// grid exactly as COCO does it (edges walked on a 5x upsampled grid, crossings kept per column).
Rle rle_from_polygon(const double* xy, std::size_t k, std::int64_t h, std::int64_t w);
// COCO's compressed string form ("counts" of a compressed RLE) and back.
std::string rle_to_string(const Rle& r);
Rle rle_from_string(const std::string& s, std::int64_t h, std::int64_t w);

}  // namespace wasmetrics::detection
