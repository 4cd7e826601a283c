// Detection metrics beyond the fixtures: merging instances fed disjoint images, a perfect set, the
// all-or-nothing update, box formats, and input validation (errors naming the argument and value).
#include <cmath>
#include <functional>
#include <tuple>

#include <gtest/gtest.h>

#include "error_of.hpp"
#include "fixture_io.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/state_blob.hpp"
#include "wasmetrics/detection/rle.hpp"

namespace wasmetrics {
namespace {

using testing::error_of;
using testing::Json;

// One image: boxes (xyxy unless converted), scores, labels for preds; boxes, labels, iscrowd for target.
struct Image {
  std::vector<float> pred_boxes, pred_scores;
  std::vector<std::int64_t> pred_labels;
  std::vector<float> target_boxes;
  std::vector<std::int64_t> target_labels, target_crowd;
};

// The flat layout of a batch of images (see detection/inputs.hpp).
struct Flat {
  std::vector<float> pb, ps, tb;
  std::vector<std::int64_t> pl, pc, tl, tc, crowd;
  std::vector<TensorView> map_views() const {
    auto n = [](const auto& v) { return static_cast<std::int64_t>(v.size()); };
    return {TensorView{pb.data(), DType::float32, {n(pb) / 4, 4}}, TensorView{ps.data(), DType::float32, {n(ps)}},
            TensorView{pl.data(), DType::int64, {n(pl)}},          TensorView{pc.data(), DType::int64, {n(pc)}},
            TensorView{tb.data(), DType::float32, {n(tb) / 4, 4}}, TensorView{tl.data(), DType::int64, {n(tl)}},
            TensorView{tc.data(), DType::int64, {n(tc)}},          TensorView{crowd.data(), DType::int64, {n(crowd)}}};
  }
  std::vector<TensorView> iou_views() const {
    auto v = map_views();
    return {v[0], v[2], v[3], v[4], v[5], v[6]};
  }
};

Flat flatten(const std::vector<Image>& images) {
  Flat f;
  for (auto& im : images) {
    f.pb.insert(f.pb.end(), im.pred_boxes.begin(), im.pred_boxes.end());
    f.ps.insert(f.ps.end(), im.pred_scores.begin(), im.pred_scores.end());
    f.pl.insert(f.pl.end(), im.pred_labels.begin(), im.pred_labels.end());
    f.pc.push_back(static_cast<std::int64_t>(im.pred_boxes.size() / 4));
    f.tb.insert(f.tb.end(), im.target_boxes.begin(), im.target_boxes.end());
    f.tl.insert(f.tl.end(), im.target_labels.begin(), im.target_labels.end());
    f.tc.push_back(static_cast<std::int64_t>(im.target_boxes.size() / 4));
    if (im.target_crowd.empty())
      f.crowd.insert(f.crowd.end(), im.target_labels.size(), 0);
    else
      f.crowd.insert(f.crowd.end(), im.target_crowd.begin(), im.target_crowd.end());
  }
  return f;
}

// A small scene: overlapping, missed and spurious boxes over three classes, one crowd box, sizes in
// all three COCO area ranges, and an image without predictions and one without ground truth.
std::vector<Image> scene() {
  return {
      {{10, 10, 50, 60, 100, 100, 220, 230, 5, 5, 15, 18},
       {0.9f, 0.75f, 0.3f},
       {0, 1, 0},
       {12, 8, 48, 62, 110, 95, 215, 240, 300, 300, 340, 330},
       {0, 1, 2},
       {}},
      {{0, 0, 30, 30, 40, 40, 90, 90},
       {0.6f, 0.8f},
       {2, 2},
       {2, 1, 31, 29, 45, 38, 95, 92, 0, 0, 100, 100},
       {2, 2, 1},
       {0, 0, 1}},
      {{}, {}, {}, {20, 20, 60, 60}, {1}, {}},
      {{5, 5, 25, 25, 7, 7, 26, 27}, {0.5f, 0.5f}, {1, 0}, {}, {}, {}},
      {{50, 50, 80, 90, 51, 49, 81, 88, 200, 10, 260, 40},
       {0.95f, 0.4f, 0.7f},
       {0, 0, 2},
       {50, 52, 79, 90, 198, 12, 262, 44},
       {0, 2},
       {}},
  };
}

bool same_result(const Result& a, const Result& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == Result::Kind::tensor) {
    if (a.tensor.shape != b.tensor.shape || a.tensor.data.size() != b.tensor.data.size()) return false;
    for (std::size_t i = 0; i < a.tensor.data.size(); ++i) {
      double x = a.tensor.data[i], y = b.tensor.data[i];
      if (!(x == y || (std::isnan(x) && std::isnan(y)))) return false;
    }
    return true;
  }
  if (a.kind == Result::Kind::dict) {
    if (a.fields.size() != b.fields.size()) return false;
    for (std::size_t i = 0; i < a.fields.size(); ++i)
      if (a.fields[i].first != b.fields[i].first || !same_result(a.fields[i].second, b.fields[i].second)) return false;
    return true;
  }
  if (a.items.size() != b.items.size()) return false;
  for (std::size_t i = 0; i < a.items.size(); ++i)
    if (!same_result(a.items[i], b.items[i])) return false;
  return true;
}

double field(const Result& r, const std::string& key) {
  const Result* f = r.field(key);
  EXPECT_NE(f, nullptr) << key;
  if (!f) return NAN;
  EXPECT_EQ(f->tensor.numel(), 1) << key;
  return f->tensor.data.at(0);
}

std::vector<TensorView> views_for(const std::string& metric, const Flat& f) {
  return metric == "MeanAveragePrecision" ? f.map_views() : f.iou_views();
}

const std::vector<std::pair<std::string, Json>> kConfigs = {
    {"MeanAveragePrecision", Json::object()},
    {"MeanAveragePrecision", {{"class_metrics", true}, {"extended_summary", true}}},
    {"MeanAveragePrecision", {{"average", "micro"}, {"max_detection_thresholds", {1, 2, 5}}}},
    {"IntersectionOverUnion", Json::object()},
    {"IntersectionOverUnion", {{"respect_labels", false}, {"iou_threshold", 0.3}}},
    {"GeneralizedIntersectionOverUnion", Json::object()},
    {"DistanceIntersectionOverUnion", Json::object()},
    {"CompleteIntersectionOverUnion", Json::object()},
};

TEST(DetectionMerge, DisjointImagesMergeToTheSameResultAsOneInstance) {
  auto images = scene();
  std::vector<Image> first(images.begin(), images.begin() + 2), second(images.begin() + 2, images.end());
  Flat all = flatten(images), a = flatten(first), b = flatten(second);
  for (auto& [metric, options] : kConfigs) {
    auto whole = create_metric(metric, options);
    auto left = create_metric(metric, options);
    auto right = create_metric(metric, options);
    whole->update(views_for(metric, all));
    left->update(views_for(metric, a));
    right->update(views_for(metric, b));
    left->merge(*right);
    EXPECT_TRUE(same_result(whole->compute(), left->compute())) << metric << " " << options.dump();
    // Also through a saved state (a worker's blob).
    auto restored = create_metric(metric, options);
    restored->load_state(whole->save_state());
    EXPECT_TRUE(same_result(whole->compute(), restored->compute())) << metric << " " << options.dump();
    // Two updates of the halves equal one update of all.
    auto twice = create_metric(metric, options);
    twice->update(views_for(metric, a));
    twice->update(views_for(metric, b));
    EXPECT_TRUE(same_result(whole->compute(), twice->compute())) << metric << " " << options.dump();
  }
}

// compute() keeps the precision of the summarized maxDets only unless extended_summary asks for the
// whole table: every value must be the one computed with the whole table, bit for bit.
TEST(DetectionMeanAP, SummariesWithoutTheFullPrecisionTableAreTheExtendedOnes) {
  std::vector<Image> images;
  std::uint32_t seed = 12345;
  auto next = [&seed](int n) {
    seed = seed * 1664525u + 1013904223u;
    return static_cast<int>((seed >> 8) % static_cast<std::uint32_t>(n));
  };
  for (int i = 0; i < 24; ++i) {
    Image im;
    for (int g = next(6); g-- > 0;) {
      const float x = static_cast<float>(next(400)), y = static_cast<float>(next(300));
      const float w = static_cast<float>(4 + next(150)), h = static_cast<float>(4 + next(150));
      im.target_boxes.insert(im.target_boxes.end(), {x, y, x + w, y + h});
      im.target_labels.push_back(next(3));
      for (int d = next(3); d-- > 0;) {  // jittered detections of it, sometimes of another class
        const float dx = static_cast<float>(next(21) - 10), dy = static_cast<float>(next(21) - 10);
        im.pred_boxes.insert(im.pred_boxes.end(), {x + dx, y + dy, x + w + dx, y + h - dy});
        im.pred_scores.push_back(static_cast<float>(next(1000)) / 1000.0f);
        im.pred_labels.push_back(next(5) == 0 ? next(3) : im.target_labels.back());
      }
    }
    for (int c = next(4); c-- > 0;) {  // clutter
      const float x = static_cast<float>(next(500)), y = static_cast<float>(next(400));
      im.pred_boxes.insert(im.pred_boxes.end(), {x, y, x + 5 + static_cast<float>(next(60)), y + 30});
      im.pred_scores.push_back(static_cast<float>(next(1000)) / 1000.0f);
      im.pred_labels.push_back(next(3));
    }
    images.push_back(std::move(im));
  }
  Flat f = flatten(images);
  for (const Json& options : {Json{{"class_metrics", true}}, Json{{"average", "micro"}, {"class_metrics", true}},
                              Json{{"max_detection_thresholds", {1, 2, 5}}, {"class_metrics", true}},
                              Json{{"max_detection_thresholds", {100, 10, 1}}}}) {
    SCOPED_TRACE(options.dump());
    Json extended_options = options;
    extended_options["extended_summary"] = true;
    auto summarized = create_metric("MeanAveragePrecision", options);
    auto extended = create_metric("MeanAveragePrecision", extended_options);
    summarized->update(f.map_views());
    extended->update(f.map_views());
    const Result& a = summarized->compute();
    const Result& b = extended->compute();
    ASSERT_EQ(a.kind, Result::Kind::dict);
    EXPECT_GT(field(a, "map_50"), 0.1);
    for (auto& [key, value] : a.fields) {
      const Result* full = b.field(key);
      ASSERT_NE(full, nullptr) << key;
      EXPECT_TRUE(same_result(value, *full)) << key;
    }
  }
}

TEST(DetectionMeanAP, PerfectPredictionsScoreOne) {
  std::vector<Image> images = {
      {{10, 10, 20, 20, 100, 100, 160, 150, 0, 0, 200, 220},
       {0.9f, 0.8f, 0.7f},
       {0, 1, 2},
       {10, 10, 20, 20, 100, 100, 160, 150, 0, 0, 200, 220},
       {0, 1, 2},
       {}},
      {{30, 40, 90, 80}, {0.5f}, {1}, {30, 40, 90, 80}, {1}, {}},
  };
  Flat f = flatten(images);
  auto m = create_metric("MeanAveragePrecision", {{"class_metrics", true}});
  m->update(f.map_views());
  const Result& r = m->compute();
  for (auto key : {"map", "map_50", "map_75", "map_small", "map_medium", "map_large", "mar_10", "mar_100", "mar_small",
                   "mar_medium", "mar_large"})
    EXPECT_DOUBLE_EQ(field(r, key), 1.0) << key;
  // mar_1: the second image of class 1 has one box, class 0/2 one each: every image holds <= 1 box per class.
  EXPECT_DOUBLE_EQ(field(r, "mar_1"), 1.0);
  const Result* per_class = r.field("map_per_class");
  ASSERT_NE(per_class, nullptr);
  EXPECT_EQ(per_class->tensor.shape, Shape{3});
  for (double v : per_class->tensor.data) EXPECT_DOUBLE_EQ(v, 1.0);
  auto iou = create_metric("IntersectionOverUnion", Json::object());
  iou->update(f.iou_views());
  EXPECT_DOUBLE_EQ(field(iou->compute(), "iou"), 1.0);
}

TEST(DetectionMeanAP, NothingToEvaluateGivesMinusOne) {
  auto m = create_metric("MeanAveragePrecision", Json::object());
  const Result& r = m->compute();
  EXPECT_EQ(field(r, "map"), -1.0);
  EXPECT_EQ(field(r, "mar_100"), -1.0);
  EXPECT_EQ(r.field("map_per_class"), nullptr);  // TorchMetrics returns only the 12 stats and classes then
  ASSERT_NE(r.field("classes"), nullptr);
  EXPECT_EQ(r.field("classes")->tensor.shape, Shape{0});
}

TEST(DetectionMeanAP, MaxDetectionsWithout100GiveMapMinusOne) {
  Flat f = flatten(scene());
  auto m = create_metric("MeanAveragePrecision", {{"max_detection_thresholds", {10, 1, 5}}});
  m->update(f.map_views());
  const Result& r = m->compute();
  EXPECT_EQ(field(r, "map"), -1.0);  // QUIRKS D1
  EXPECT_GT(field(r, "map_50"), 0.0);
  EXPECT_NE(r.field("mar_5"), nullptr);
  EXPECT_NE(r.field("mar_10_per_class"), nullptr);
}

TEST(DetectionUpdate, RejectedBatchLeavesTheStateUnchanged) {
  Flat good = flatten(scene());
  for (auto& [metric, options] : kConfigs) {
    auto m = create_metric(metric, options);
    m->update(views_for(metric, good));
    const auto before = m->save_state();
    const Result expected = m->compute();
    Flat bad = flatten(scene());
    bad.pb[5] = NAN;  // a NaN coordinate in the last update
    EXPECT_THROW(m->update(views_for(metric, bad)), Error) << metric;
    Flat bad_counts = flatten(scene());
    bad_counts.pc[0] += 1;
    EXPECT_THROW(m->update(views_for(metric, bad_counts)), Error) << metric;
    EXPECT_EQ(m->save_state(), before) << metric;
    EXPECT_TRUE(same_result(m->compute(), expected)) << metric;
  }
}

// The scene's boxes in another format (exact in float32: every value is an integer or a half).
std::vector<Image> in_format(std::vector<Image> images, const std::string& fmt) {
  auto conv = [&](std::vector<float>& b) {
    for (std::size_t i = 0; i + 3 < b.size(); i += 4) {
      float x1 = b[i], y1 = b[i + 1], x2 = b[i + 2], y2 = b[i + 3];
      if (fmt == "xywh") b[i + 2] = x2 - x1, b[i + 3] = y2 - y1;
      if (fmt == "cxcywh") b[i] = (x1 + x2) / 2, b[i + 1] = (y1 + y2) / 2, b[i + 2] = x2 - x1, b[i + 3] = y2 - y1;
    }
  };
  for (auto& im : images) {
    conv(im.pred_boxes);
    conv(im.target_boxes);
  }
  return images;
}

TEST(DetectionBoxFormat, FormatsAgree) {
  for (auto& [metric, options] : kConfigs) {
    auto reference = create_metric(metric, options);
    Flat xyxy = flatten(scene());
    reference->update(views_for(metric, xyxy));
    for (std::string fmt : {"xywh", "cxcywh"}) {
      Json o = options;
      o["box_format"] = fmt;
      auto m = create_metric(metric, o);
      Flat f = flatten(in_format(scene(), fmt));
      m->update(views_for(metric, f));
      EXPECT_TRUE(same_result(reference->compute(), m->compute())) << metric << " " << fmt;
    }
  }
}

TEST(DetectionValidation, ErrorsNameTheArgumentAndTheValue) {
  auto check = [](const std::string& metric, const std::function<void(Flat&)>& spoil, const std::string& want) {
    Flat f = flatten(scene());
    spoil(f);
    auto m = create_metric(metric, Json::object());
    auto msg = error_of([&] { m->update(views_for(metric, f)); });
    EXPECT_NE(msg.find(want), std::string::npos) << metric << ": " << msg;
  };
  for (std::string metric : {"MeanAveragePrecision", "IntersectionOverUnion"}) {
    Flat f = flatten(scene());
    auto v = views_for(metric, f);
    v[0].shape = {v[0].shape[0] * 2, 2};
    auto m = create_metric(metric, Json::object());
    auto msg = error_of([&] { m->update(v); });
    EXPECT_NE(msg.find("`pred_boxes` must have shape [K, 4], got [20, 2]"), std::string::npos) << msg;
  }
  for (std::string metric : {"MeanAveragePrecision", "IntersectionOverUnion"}) {
    check(
        metric, [](Flat& f) { f.tc[1] = 7; },
        "`target_counts` must add up to the number of boxes in `target_boxes` (9), got 13");
    check(
        metric, [](Flat& f) { f.pb[2] = NAN; }, "`pred_boxes` must be finite, got nan in box 0");
    check(
        metric, [](Flat& f) { f.tb[4] = INFINITY; }, "`target_boxes` must be finite, got inf in box 1");
    check(
        metric, [](Flat& f) { f.pl.pop_back(); },
        "`pred_labels` must have one entry per box of `pred_boxes` (shape [10]), got shape [9]");
    check(
        metric,
        [](Flat& f) {
          f.pc.pop_back();
          f.pc.back() += 3;
        },
        "`pred_counts` and `target_counts` must have one entry per image each");
    check(
        metric,
        [](Flat& f) {
          f.tc[0] = -1;
          f.tc[1] += 1;
        },
        "`target_counts` must be >= 0, got -1 for image 0");
  }
  // Float labels and scores of the wrong length.
  Flat f = flatten(scene());
  std::vector<float> float_labels(f.pl.begin(), f.pl.end());
  auto v = f.map_views();
  v[2] = TensorView{float_labels.data(), DType::float32, {static_cast<std::int64_t>(float_labels.size())}};
  auto m = create_metric("MeanAveragePrecision", Json::object());
  auto msg = error_of([&] { m->update(v); });
  EXPECT_NE(msg.find("`pred_labels` must be an integer tensor (class labels), got float32"), std::string::npos) << msg;
  v = f.map_views();
  v[1].shape = {3};
  msg = error_of([&] { m->update(v); });
  EXPECT_NE(msg.find("`pred_scores` must have one entry per box of `pred_boxes` (shape [10]), got shape [3]"),
            std::string::npos)
      << msg;
  // Options.
  msg = error_of([] { create_metric("MeanAveragePrecision", {{"max_detection_thresholds", {1, 10}}}); });
  EXPECT_NE(msg.find("'max_detection_thresholds' must have length 3"), std::string::npos) << msg;
  msg = error_of([] { create_metric("MeanAveragePrecision", {{"box_format", "xyzw"}}); });
  EXPECT_NE(msg.find("'box_format' must be one of 'xyxy', 'xywh', 'cxcywh', got \"xyzw\""), std::string::npos) << msg;
}

TEST(DetectionIou, EmptyImagesCountTheirDiagonalZeros) {
  // One image with two predictions and no ground truth: a zero [2, 2] matrix whose diagonal counts (D2).
  std::vector<Image> images = {
      {{0, 0, 10, 10}, {}, {0}, {0, 0, 10, 10}, {0}, {}},
      {{0, 0, 10, 10, 5, 5, 20, 20}, {}, {0, 1}, {}, {}, {}},
  };
  Flat f = flatten(images);
  f.ps.assign(3, 0.5f);
  auto m = create_metric("IntersectionOverUnion", Json::object());
  m->update(f.iou_views());
  EXPECT_NEAR(field(m->compute(), "iou"), 1.0 / 3.0, 1e-7);
  auto all_pairs = create_metric("IntersectionOverUnion", {{"respect_labels", false}});
  all_pairs->update(f.iou_views());
  EXPECT_NEAR(field(all_pairs->compute(), "iou"), 1.0 / 5.0, 1e-7);
  auto per_class = create_metric("IntersectionOverUnion", {{"class_metrics", true}});
  per_class->update(f.iou_views());
  auto msg = error_of([&] { per_class->compute(); });
  EXPECT_NE(msg.find("IndexError"), std::string::npos) << msg;
}

// TorchMetrics' docstring examples (functional/detection/diou.py, ciou.py, giou.py, iou.py and the
// class examples): the only reference values for DIoU and CIoU, which have no fixtures.
TEST(DetectionIou, DocstringExamples) {
  // Three images, one pred and one target each, same label: the mean of the matrix diagonal.
  std::vector<Image> diag = {
      {{296.55f, 93.96f, 314.97f, 152.79f}, {}, {0}, {300, 100, 315, 150}, {0}, {}},
      {{328.94f, 97.05f, 342.49f, 122.98f}, {}, {0}, {330, 100, 350, 125}, {0}, {}},
      {{356.62f, 95.47f, 372.33f, 147.55f}, {}, {0}, {350, 100, 375, 150}, {0}, {}},
  };
  Flat f = flatten(diag);
  const std::vector<std::pair<std::string, double>> expected = {{"IntersectionOverUnion", 0.5879},
                                                                {"GeneralizedIntersectionOverUnion", 0.5638},
                                                                {"DistanceIntersectionOverUnion", 0.5793},
                                                                {"CompleteIntersectionOverUnion", 0.5790}};
  const std::vector<std::string> keys = {"iou", "giou", "diou", "ciou"};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    auto m = create_metric(expected[i].first, Json::object());
    m->update(f.iou_views());
    EXPECT_NEAR(field(m->compute(), keys[i]), expected[i].second, 5e-5) << expected[i].first;
  }
  // Two preds (labels 4, 5), one target (label 5): only the same-label pair counts.
  std::vector<Image> labelled = {{{296.55f, 93.96f, 314.97f, 152.79f, 298.55f, 98.96f, 314.97f, 151.79f},
                                  {},
                                  {4, 5},
                                  {300, 100, 315, 150},
                                  {5},
                                  {}}};
  Flat g = flatten(labelled);
  for (auto [metric, key, value] :
       std::vector<std::tuple<std::string, std::string, double>>{{"IntersectionOverUnion", "iou", 0.8614},
                                                                 {"DistanceIntersectionOverUnion", "diou", 0.8611},
                                                                 {"CompleteIntersectionOverUnion", "ciou", 0.8611}}) {
    auto m = create_metric(metric, Json::object());
    m->update(g.iou_views());
    EXPECT_NEAR(field(m->compute(), key), value, 5e-5) << metric;
  }
  // Class metrics: targets with labels 4 and 5.
  std::vector<Image> per_class = {{{296.55f, 93.96f, 314.97f, 152.79f, 298.55f, 98.96f, 314.97f, 151.79f},
                                   {},
                                   {4, 5},
                                   {300, 100, 315, 150, 300, 100, 315, 150},
                                   {4, 5},
                                   {}}};
  Flat h = flatten(per_class);
  auto m = create_metric("IntersectionOverUnion", {{"class_metrics", true}});
  m->update(h.iou_views());
  const Result& r = m->compute();
  EXPECT_NEAR(field(r, "iou"), 0.7756, 5e-5);
  EXPECT_NEAR(field(r, "iou/cl_4"), 0.6898, 5e-5);
  EXPECT_NEAR(field(r, "iou/cl_5"), 0.8614, 5e-5);
}

TEST(DetectionMeanAP, DocstringExample) {
  std::vector<Image> images = {{{258, 41, 606, 285}, {0.536f}, {0}, {214, 41, 562, 285}, {0}, {}}};
  Flat f = flatten(images);
  auto m = create_metric("MeanAveragePrecision", Json::object());
  m->update(f.map_views());
  const Result& r = m->compute();
  const std::vector<std::pair<std::string, double>> expected = {{"map", 0.6},
                                                                {"map_50", 1.0},
                                                                {"map_75", 1.0},
                                                                {"map_large", 0.6},
                                                                {"map_medium", -1.0},
                                                                {"map_small", -1.0},
                                                                {"mar_1", 0.6},
                                                                {"mar_10", 0.6},
                                                                {"mar_100", 0.6},
                                                                {"mar_large", 0.6},
                                                                {"mar_medium", -1.0},
                                                                {"mar_small", -1.0},
                                                                {"map_per_class", -1.0},
                                                                {"mar_100_per_class", -1.0},
                                                                {"classes", 0.0}};
  for (auto& [key, value] : expected) EXPECT_NEAR(field(r, key), value, 1e-6) << key;
  EXPECT_EQ(r.fields.size(), expected.size());
}

TEST(DetectionRle, EncodeDecodeAreaBboxStringAndIou) {
  // TorchMetrics' segm docstring masks (5 x 5), read column-major as COCO does.
  const std::vector<std::uint8_t> pred = {0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const std::vector<std::uint8_t> target = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
  auto rp = detection::rle_encode(pred.data(), 5, 5);
  auto rt = detection::rle_encode(target.data(), 5, 5);
  EXPECT_EQ(rp.counts, (std::vector<std::uint32_t>{11, 2, 3, 2, 7}));
  EXPECT_EQ(rt.counts, (std::vector<std::uint32_t>{11, 3, 3, 1, 7}));
  EXPECT_EQ(detection::rle_decode(rp), pred);
  EXPECT_EQ(detection::rle_decode(rt), target);
  EXPECT_EQ(detection::rle_area(rp), 4u);
  EXPECT_EQ(detection::rle_to_bbox(rp), (std::array<double, 4>{2, 1, 2, 2}));
  EXPECT_EQ(detection::rle_to_bbox(rt), (std::array<double, 4>{2, 1, 2, 3}));
  EXPECT_EQ(detection::rle_to_string(rp), ";2304");
  EXPECT_EQ(detection::rle_from_string(";2304", 5, 5).counts, rp.counts);
  detection::Rle neg{4, 10, {5, 10, 20, 2, 3}};  // a negative delta (2 - 10)
  EXPECT_EQ(detection::rle_from_string(detection::rle_to_string(neg), 4, 10).counts, neg.counts);
  EXPECT_DOUBLE_EQ(detection::rle_iou(rp, rt, false), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(detection::rle_iou(rp, rt, true), 3.0 / 4.0);  // crowd: over the detection's area
  const std::vector<std::uint8_t> far = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_DOUBLE_EQ(detection::rle_iou(detection::rle_encode(far.data(), 5, 5), rt, false), 0.0);
  const std::vector<std::uint8_t> bigger(36, 1);
  EXPECT_DOUBLE_EQ(detection::rle_iou(detection::rle_encode(bigger.data(), 6, 6), rt, false), -1.0);  // sizes differ
  const std::vector<std::uint8_t> none(25, 0);
  auto empty = detection::rle_encode(none.data(), 5, 5);
  EXPECT_EQ(empty.counts, (std::vector<std::uint32_t>{25}));
  EXPECT_EQ(detection::rle_area(empty), 0u);
}

TEST(DetectionMeanAP, SegmDocstringExample) {
  std::vector<std::uint8_t> pred = {0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  std::vector<std::uint8_t> target = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
  std::vector<float> no_boxes, score = {0.536f}, area = {0};
  std::vector<std::int64_t> label = {0}, one = {1}, crowd = {0};
  std::vector<TensorView> in = {{no_boxes.data(), DType::float32, {0, 4}}, {score.data(), DType::float32, {1}},
                                {label.data(), DType::int64, {1}},         {one.data(), DType::int64, {1}},
                                {no_boxes.data(), DType::float32, {0, 4}}, {label.data(), DType::int64, {1}},
                                {one.data(), DType::int64, {1}},           {crowd.data(), DType::int64, {1}},
                                {area.data(), DType::float32, {1}},        {pred.data(), DType::bool_, {1, 5, 5}},
                                {target.data(), DType::bool_, {1, 5, 5}}};
  auto m = create_metric("MeanAveragePrecision", {{"iou_type", "segm"}});
  m->update(in);
  const Result& r = m->compute();
  // IoU 3/5 matches at 0.5 and 0.55 only (the float32 threshold 0.6 is above 0.6): 2 of 10.
  const std::vector<std::pair<std::string, double>> expected = {{"map", 0.2},
                                                                {"map_50", 1.0},
                                                                {"map_75", 0.0},
                                                                {"map_large", -1.0},
                                                                {"map_medium", -1.0},
                                                                {"map_small", 0.2},
                                                                {"mar_1", 0.2},
                                                                {"mar_10", 0.2},
                                                                {"mar_100", 0.2},
                                                                {"mar_large", -1.0},
                                                                {"mar_medium", -1.0},
                                                                {"mar_small", 0.2},
                                                                {"map_per_class", -1.0},
                                                                {"mar_100_per_class", -1.0},
                                                                {"classes", 0.0}};
  for (auto& [key, value] : expected) EXPECT_NEAR(field(r, key), value, 1e-6) << key;
  // Masks other than 0/1 and missing masks are rejected.
  pred[3] = 2;
  auto bad = create_metric("MeanAveragePrecision", {{"iou_type", "segm"}});
  auto msg = error_of([&] { bad->update(in); });
  EXPECT_NE(msg.find("`pred_masks` has dtype bool but holds the byte 2"), std::string::npos) << msg;
  msg = error_of([&] { bad->update(std::span<const TensorView>(in.data(), 9)); });
  EXPECT_NE(msg.find("needs `pred_masks` and `target_masks`"), std::string::npos) << msg;
}

}  // namespace
}  // namespace wasmetrics
