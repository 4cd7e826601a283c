// COCO RLE (detection/rle.hpp: merge, polygon rasterisation), OKS (detection/oks.hpp) and the COCO
// JSON metrics' input checks. Values are worked by hand from pycocotools' published rules.
#include <gtest/gtest.h>

#include "error_of.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/detection/coco_json.hpp"
#include "wasmetrics/detection/oks.hpp"
#include "wasmetrics/detection/rle.hpp"
#include "wasmetrics/detection/rle_api.hpp"

namespace wasmetrics::detection {
namespace {

using wasmetrics::testing::error_of;

std::vector<std::uint8_t> grid(std::int64_t h, std::int64_t w, std::initializer_list<std::pair<int, int>> on) {
  std::vector<std::uint8_t> m(static_cast<std::size_t>(h * w), 0);
  for (auto [y, x] : on) m[static_cast<std::size_t>(y * w + x)] = 1;
  return m;
}

TEST(CocoRle, PolygonSquareCoversThePixelsInside) {
  // The square (1,1)-(5,5) covers the pixels whose centres lie inside: columns and rows 1..4.
  const double xy[] = {1, 1, 5, 1, 5, 5, 1, 5};
  const Rle r = rle_from_polygon(xy, 4, 7, 6);
  EXPECT_EQ(rle_area(r), 16u);
  const auto m = rle_decode(r);
  for (int y = 0; y < 7; ++y)
    for (int x = 0; x < 6; ++x)
      EXPECT_EQ(m[static_cast<std::size_t>(y * 6 + x)], (x >= 1 && x <= 4 && y >= 1 && y <= 4) ? 1 : 0)
          << x << "," << y;
  // the same polygon walked the other way round, and from another vertex, gives the same mask
  const double rev[] = {5, 5, 5, 1, 1, 1, 1, 5};
  EXPECT_EQ(rle_from_polygon(rev, 4, 7, 6).counts, r.counts);
}

TEST(CocoRle, PolygonOutsideTheImageIsClipped) {
  const double xy[] = {-3, -3, 2, -3, 2, 2, -3, 2};  // only pixels 0..1 x 0..1 are inside the image
  const Rle r = rle_from_polygon(xy, 4, 4, 4);
  EXPECT_EQ(rle_area(r), 4u);
  EXPECT_EQ(rle_decode(r), grid(4, 4, {{0, 0}, {0, 1}, {1, 0}, {1, 1}}));
}

TEST(CocoRle, MergeIsUnionOrIntersection) {
  const auto a = grid(3, 4, {{0, 0}, {1, 1}, {2, 3}});
  const auto b = grid(3, 4, {{1, 1}, {2, 2}, {0, 3}});
  const Rle ra = rle_encode(a.data(), 3, 4), rb = rle_encode(b.data(), 3, 4);
  EXPECT_EQ(rle_decode(rle_merge({ra, rb}, false)), grid(3, 4, {{0, 0}, {1, 1}, {2, 3}, {2, 2}, {0, 3}}));
  EXPECT_EQ(rle_decode(rle_merge({ra, rb}, true)), grid(3, 4, {{1, 1}}));
  EXPECT_EQ(rle_merge({ra}, false).counts, ra.counts);
  // different sizes: pycocotools gives the empty 0 x 0 RLE
  const auto c = grid(4, 3, {{0, 0}});
  const Rle m = rle_merge({ra, rle_encode(c.data(), 4, 3)}, false);
  EXPECT_EQ(m.h, 0);
  EXPECT_TRUE(m.counts.empty());
}

TEST(CocoRle, IouUsesTheDetectionAreaForCrowds) {
  const auto dt = grid(4, 4, {{0, 0}, {0, 1}});          // 2 pixels
  const auto gt = grid(4, 4, {{0, 0}, {1, 0}, {1, 1}});  // 3 pixels, 1 shared
  const Rle d = rle_encode(dt.data(), 4, 4), g = rle_encode(gt.data(), 4, 4);
  EXPECT_DOUBLE_EQ(rle_iou(d, g, false), 1.0 / 4.0);
  EXPECT_DOUBLE_EQ(rle_iou(d, g, true), 1.0 / 2.0);
}

TEST(CocoRle, SegmentationChecksNameTheRecord) {
  const Json short_poly = Json::parse("[[1, 1, 5, 1]]");
  EXPECT_NE(error_of([&] {
              coco_segmentation_to_rle("M", "gt.annotations[3].segmentation", short_poly, 8, 8);
            }).find("gt.annotations[3].segmentation[0]"),
            std::string::npos);
  const Json bad_counts = Json::parse(R"({"counts": [3, 4], "size": [2, 4]})");
  const auto e = error_of([&] { coco_segmentation_to_rle("M", "dt[0].segmentation", bad_counts, 2, 4); });
  EXPECT_NE(e.find("dt[0].segmentation.counts"), std::string::npos) << e;
  EXPECT_NE(e.find("h * w = 8"), std::string::npos) << e;
  // an uncompressed RLE keeps its own size
  const Json ok = Json::parse(R"({"counts": [3, 5], "size": [2, 4]})");
  EXPECT_EQ(rle_area(coco_segmentation_to_rle("M", "x", ok, 9, 9)), 5u);
}

TEST(CocoRleApi, EncodeDecodeAreaBboxIou) {
  // [[0, 1], [1, 1]] read down the columns: 0, 1 | 1, 1 -> runs [1, 3] -> "13" (5 bits a char, +48).
  const std::uint8_t mask[] = {0, 1, 1, 1};
  const Json rle = rle_api_encode(mask, 2, 2);
  EXPECT_EQ(rle.dump(), R"({"counts":"13","size":[2,2]})");
  EXPECT_EQ(rle_api_decode(rle), std::vector<std::uint8_t>(mask, mask + 4));
  // The same RLE uncompressed reads the same.
  EXPECT_EQ(rle_api_decode(Json::parse(R"({"size": [2, 2], "counts": [1, 3]})")),
            std::vector<std::uint8_t>(mask, mask + 4));
  EXPECT_EQ(rle_api_area(rle), 3.0);
  EXPECT_EQ(rle_api_to_bbox(rle).dump(), "[0.0,0.0,2.0,2.0]");
  // Against the full 2 x 2 mask: 3 / 4; as a crowd, intersection over the detection's area 3 / 3.
  const std::uint8_t full[] = {1, 1, 1, 1};
  const Json dts = Json::array({rle}), gts = Json::array({rle_api_encode(full, 2, 2)});
  EXPECT_EQ(rle_api_iou(dts, gts, Json()).dump(), "[[0.75]]");
  EXPECT_EQ(rle_api_iou(dts, gts, Json::array({1})).dump(), "[[1.0]]");
  // The square (1,1)-(5,5) on 7 x 6 (see PolygonSquareCoversThePixelsInside): 16 pixels; a part
  // inside it changes nothing once merged.
  EXPECT_EQ(rle_api_area(rle_api_from_polygons(Json::parse("[[1, 1, 5, 1, 5, 5, 1, 5]]"), 7, 6)), 16.0);
  EXPECT_EQ(
      rle_api_area(rle_api_from_polygons(Json::parse("[[1, 1, 5, 1, 5, 5, 1, 5], [1, 1, 3, 1, 3, 3, 1, 3]]"), 7, 6)),
      16.0);
}

TEST(CocoRleApi, BadInputNamesTheFunctionAndArgument) {
  auto has = [](const std::string& error, const char* part) { return error.find(part) != std::string::npos; };
  EXPECT_TRUE(has(error_of([] { rle_api_area(Json::parse(R"({"size": [2, 2], "counts": [1, 2]})")); }),
                  "must add up to h * w = 4"));
  EXPECT_TRUE(has(error_of([] { rle_api_area(Json::parse(R"({"size": [2, 2], "counts": "1!"})")); }),
                  "rleArea: `rle.counts` is not a compressed COCO RLE"));
  EXPECT_TRUE(has(error_of([] { rle_api_area(Json::parse("[1, 3]")); }), "rleArea: `rle` must be a COCO RLE"));
  const std::uint8_t m[] = {1, 1, 1};
  EXPECT_TRUE(has(error_of([&] { rle_api_encode(m, 2, 2); }), "rleEncode: `mask` has 3 values"));
  const Json a = Json::parse(R"([{"size": [2, 2], "counts": [4]}])"),
             b = Json::parse(R"([{"size": [1, 4], "counts": [4]}])");
  EXPECT_TRUE(has(error_of([&] { rle_api_iou(a, b, Json()); }), "rleIou: `dt[0]` is 2 x 2 but `gt[0]` is 1 x 4"));
  EXPECT_TRUE(has(error_of([&] {
                    rle_api_iou(a, a, Json::array({1, 0}));
                  }),
                  "rleIou: `iscrowd` must list one flag per ground truth (1)"));
  EXPECT_TRUE(has(error_of([] { rle_api_from_polygons(Json::parse("[[1, 1, 5, 1]]"), 7, 6); }),
                  "rleFrPoly: `polygons[0]` must have at least 3 points"));
}

TEST(CocoOks, ExactAndShiftedKeypoints) {
  const std::vector<double> sigmas = {0.1, 0.1};
  const double gt[] = {10, 10, 2, 20, 10, 2};
  const double same[] = {10, 10, 1, 20, 10, 1};
  const double shifted[] = {14, 10, 1, 24, 10, 1};
  const double box[] = {10, 10, 10, 1};
  EXPECT_DOUBLE_EQ(keypoint_oks(same, gt, 2, box, 400, sigmas), 1.0);
  // e = d^2 / (2 sigma)^2 / area / 2 = 16 / 0.04 / 400 / 2 = 0.5
  EXPECT_NEAR(keypoint_oks(shifted, gt, 2, box, 400, sigmas), std::exp(-0.5), 1e-12);
  // only labelled keypoints count
  const double half[] = {10, 10, 2, 0, 0, 0};
  EXPECT_DOUBLE_EQ(keypoint_oks(same, half, 2, box, 400, sigmas), 1.0);
}

TEST(CocoObjects, BadInputIsRefusedWithTheStateUnchanged) {
  bool registered = false;
  for (const auto& s : metric_specs()) registered = registered || s.name == "COCOKeypoints";
  if (!registered) GTEST_SKIP() << "COCOKeypoints is not registered yet";
  auto m = create_metric("COCOKeypoints", Json::object());
  const std::string gt = R"({"images": [{"id": 1}], "categories": [{"id": 1}], "annotations": [
      {"id": 1, "image_id": 1, "category_id": 1, "area": 100, "bbox": [0, 0, 10, 10], "num_keypoints": 1,
       "keypoints": [1, 1, 2, 3, 3]}]})";
  const std::string dt = R"([{"image_id": 1, "category_id": 1, "score": 0.5, "keypoints": [1, 1, 1]}])";
  auto view = [](const std::string& s, std::vector<std::uint32_t>& offsets) {
    offsets = {0, static_cast<std::uint32_t>(s.size())};
    return TensorView::of_text(InputKind::text, TextView{s.data(), offsets.data(), 1, nullptr, 0, 0});
  };
  std::vector<std::uint32_t> o1, o2;
  const TensorView in[2] = {view(gt, o1), view(dt, o2)};
  const auto blob = m->save_state();
  const auto err = error_of([&] { m->update(in); });
  EXPECT_NE(err.find("gt.annotations[0].keypoints"), std::string::npos) << err;
  EXPECT_NE(err.find("triples"), std::string::npos) << err;
  EXPECT_EQ(m->save_state(), blob);
}

}  // namespace
}  // namespace wasmetrics::detection
