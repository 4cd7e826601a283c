#pragma once
// COCO JSON as pycocotools reads it for COCOeval: a ground-truth dict (images, annotations,
// categories, as COCO() indexes it) and a results list (as COCO.loadRes turns it into annotations:
// ids 1..n in list order, areas from the box, the mask or the keypoint extent), checked, with every
// error naming the argument and the record. Images come out sorted by id (COCOeval's imgIds);
// annotations keep their order within an image; annotations of a category the ground truth does not
// list are dropped (COCOeval only evaluates params.catIds).
#include <cstdint>
#include <string_view>
#include <vector>

#include "wasmetrics/core/options.hpp"  // Json
#include "wasmetrics/detection/rle.hpp"

namespace wasmetrics::detection {

enum class CocoIouType { bbox, segm, keypoints };

// One side (ground truth or detections), annotations concatenated in image order.
struct CocoSide {
  std::vector<std::int64_t> counts;         // [B] annotations per image
  std::vector<std::int64_t> ids, labels;    // [K] annotation id, category id
  std::vector<std::int64_t> crowd;          // [K] iscrowd (detections: 0)
  std::vector<std::int64_t> num_keypoints;  // [K] ground truth, keypoints only (else 0)
  std::vector<double> scores;               // [K] detections only
  std::vector<double> area;                 // [K] the area COCOeval's area ranges read
  std::vector<double> boxes;                // [K * 4] xywh (zeros where not given)
  std::vector<double> keypoints;            // [K * 3 * num_kpts] keypoints only
  std::vector<Rle> masks;                   // [K] segm only
};

struct CocoBatch {
  std::vector<std::int64_t> image_ids, heights, widths;  // [B], ascending id
  std::vector<std::int64_t> categories;                  // ascending
  CocoSide gt, dt;
};

// `num_kpts`: keypoints per annotation (the number of OKS sigmas), keypoints only.
CocoBatch read_coco(std::string_view metric, std::string_view gt_json, std::string_view dt_json, CocoIouType type,
                    std::size_t num_kpts);

// A COCO segmentation (a list of polygons, or an RLE {counts: list | string, size: [h, w]}) as the
// RLE pycocotools' annToRLE makes on an h x w image; `where` names it in errors.
Rle coco_segmentation_to_rle(std::string_view metric, std::string_view where, const Json& segmentation, std::int64_t h,
                             std::int64_t w);

// Checks shared with the rle functions: a polygon has >= 3 points of finite coordinates small
// enough for the 5x upsampled integer grid; an image is at most 2^31 - 1 pixels.
void check_polygon(std::string_view metric, std::string_view where, const std::vector<double>& xy);
void check_image_size(std::string_view metric, std::string_view where, std::int64_t h, std::int64_t w);
// Uncompressed RLE counts must add up to h * w.
Rle rle_from_counts(std::string_view metric, std::string_view where, const std::vector<std::int64_t>& counts,
                    std::int64_t h, std::int64_t w);

}  // namespace wasmetrics::detection
