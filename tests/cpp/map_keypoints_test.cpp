// MeanAveragePrecision(iou_type='keypoints') and COCOKeypoints are one engine (detection/coco_eval.cpp
// with detection/oks.hpp): on every COCOKeypoints input of detection_qa.json, the COCO files turned
// into TorchMetrics-style per-image tensors give MeanAveragePrecision the fixture's ten COCOeval
// keypoint stats (pycocotools' numbers, with COCOeval's float64 thresholds passed) and COCOKeypoints'
// own. Bad keypoint input is refused with the state unchanged.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "error_of.hpp"
#include "fixture_io.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/detection/coco_eval.hpp"

namespace wasmetrics::testing {
namespace {

const char* const kStats[10] = {"map", "map_50", "map_75", "map_medium", "map_large",
                                "mar", "mar_50", "mar_75", "mar_medium", "mar_large"};

bool registered(const std::string& name) {
  return std::any_of(metric_specs().begin(), metric_specs().end(), [&](const MetricSpec& s) { return s.name == name; });
}

std::vector<Json> keypoint_cases() {
  std::ifstream f(std::string(WASMETRICS_CONFORMANCE_DIR) + "/detection_qa.json");
  if (!f) return {};
  const Json file = Json::parse(f);
  std::vector<Json> out;
  for (const auto& c : file["cases"])
    if (c["metric"] == "COCOKeypoints" && !c.contains("error")) out.push_back(c);
  return out;
}

OwnedTensor tensor(const char* dtype, Shape shape, const std::vector<double>& data) {
  return tensor_from_json(Json{{"dtype", dtype}, {"shape", shape}, {"data", data}});
}

// The flat MeanAveragePrecision inputs (detection/inputs.hpp) of one COCO gt/dt pair: images by
// id (COCOeval's order), annotations in file order, only the categories of `gt` (those COCOeval scores).
std::vector<OwnedTensor> map_inputs(const Json& gt, const Json& dt, std::int64_t num_kpts) {
  std::vector<std::int64_t> images;
  for (const auto& im : gt["images"]) images.push_back(im["id"].get<std::int64_t>());
  std::sort(images.begin(), images.end());
  std::set<std::int64_t> cats;
  for (const auto& c : gt["categories"]) cats.insert(c["id"].get<std::int64_t>());
  std::vector<double> dkp, dscore, dlabel, dcount, gbox, glabel, gcrowd, garea, gkp, gcount;
  for (auto id : images) {
    std::int64_t nd = 0, ng = 0;
    for (const auto& d : dt) {
      if (d["image_id"] != id || !cats.count(d["category_id"].get<std::int64_t>())) continue;
      for (const auto& v : d["keypoints"]) dkp.push_back(v.get<double>());
      dscore.push_back(d["score"].get<double>());
      dlabel.push_back(d["category_id"].get<double>());
      ++nd;
    }
    for (const auto& a : gt["annotations"]) {
      if (a["image_id"] != id || !cats.count(a["category_id"].get<std::int64_t>())) continue;
      for (const auto& v : a["bbox"]) gbox.push_back(v.get<double>());
      glabel.push_back(a["category_id"].get<double>());
      gcrowd.push_back(a.value("iscrowd", 0));
      garea.push_back(a["area"].get<double>());
      for (const auto& v : a["keypoints"]) gkp.push_back(v.get<double>());
      ++ng;
    }
    dcount.push_back(static_cast<double>(nd));
    gcount.push_back(static_cast<double>(ng));
  }
  const auto kd = static_cast<std::int64_t>(dscore.size()), kg = static_cast<std::int64_t>(glabel.size());
  std::vector<OwnedTensor> in;
  in.push_back(tensor("float64", {0, 4}, {}));  // pred boxes: not used, keypoints place the detections
  in.push_back(tensor("float64", {kd}, dscore));
  in.push_back(tensor("int64", {kd}, dlabel));
  in.push_back(tensor("int64", {static_cast<std::int64_t>(dcount.size())}, dcount));
  in.push_back(tensor("float64", {kg, 4}, gbox));
  in.push_back(tensor("int64", {kg}, glabel));
  in.push_back(tensor("int64", {static_cast<std::int64_t>(gcount.size())}, gcount));
  in.push_back(tensor("int64", {kg}, gcrowd));
  in.push_back(tensor("float64", {kg}, garea));
  in.push_back(tensor("bool", {0, 0, 0}, {}));  // masks: iou_type='segm' only
  in.push_back(tensor("bool", {0, 0, 0}, {}));
  in.push_back(tensor("float64", {kd, num_kpts, 3}, dkp));
  in.push_back(tensor("float64", {kg, num_kpts, 3}, gkp));
  return in;
}

std::vector<TensorView> views(const std::vector<OwnedTensor>& owned) {
  std::vector<TensorView> v;
  for (const auto& t : owned) v.push_back(t.view());
  return v;
}

TensorView text_view(const std::string& s, std::vector<std::uint32_t>& offsets) {
  offsets = {0, static_cast<std::uint32_t>(s.size())};
  return TensorView::of_text(InputKind::text, TextView{s.data(), offsets.data(), 1, nullptr, 0, 0});
}

double number_of(const Result& r, const std::string& key) {
  const Result* f = r.field(key);
  if (!f) throw std::runtime_error("no result field " + key);
  return f->tensor.data.at(0);
}

TEST(MeanAveragePrecisionKeypoints, EqualsCocoKeypointsOnTheFixtureInputs) {
  if (!registered("COCOKeypoints")) GTEST_SKIP() << "COCOKeypoints is not registered yet";
  const auto cases = keypoint_cases();
  if (cases.empty()) GTEST_SKIP() << "no COCOKeypoints cases in detection_qa.json";
  for (const auto& c : cases) {
    SCOPED_TRACE(c["id"].get<std::string>());
    ASSERT_EQ(c["batches"].size(), 1u);
    const Json& gt = c["batches"][0]["gt"];
    const Json& dt = c["batches"][0]["dt"];
    const Json sigmas = c["args"].value("kpt_oks_sigmas", Json());
    const auto num_kpts = sigmas.is_null() ? std::int64_t{17} : static_cast<std::int64_t>(sigmas.size());

    auto coco = create_metric("COCOKeypoints", {{"kpt_oks_sigmas", sigmas}});
    const std::string gt_text = gt.dump(), dt_text = dt.dump();
    std::vector<std::uint32_t> o1, o2;
    const TensorView text[2] = {text_view(gt_text, o1), text_view(dt_text, o2)};
    coco->update(text);
    const Result coco_stats = coco->compute();

    auto map = create_metric("MeanAveragePrecision", {{"iou_type", "keypoints"},
                                                      {"box_format", "xywh"},
                                                      {"kpt_oks_sigmas", sigmas},
                                                      {"iou_thresholds", detection::numpy_linspace(0.5, 0.95, 10)},
                                                      {"rec_thresholds", detection::numpy_linspace(0.0, 1.0, 101)}});
    const auto inputs = map_inputs(gt, dt, num_kpts);
    map->update(views(inputs));
    const Result got = map->compute();
    const auto& want = c["expected"]["stats"]["data"];
    const auto& engine = coco_stats.field("stats")->tensor.data;
    for (std::size_t i = 0; i < 10; ++i) {
      const double have = number_of(got, kStats[i]);
      // MeanAveragePrecision returns float32 values, as TorchMetrics' tensors.
      EXPECT_NEAR(have, json_number(want[i]), 1e-6) << kStats[i] << " vs COCOeval";
      EXPECT_NEAR(have, engine[i], 1e-6) << kStats[i] << " vs COCOKeypoints";
    }
  }
}

TEST(MeanAveragePrecisionKeypoints, BadKeypointsAreRefusedWithTheStateUnchanged) {
  const auto sigmas = std::vector<double>{0.1, 0.1, 0.1};
  auto m = create_metric("MeanAveragePrecision", {{"iou_type", "keypoints"}, {"kpt_oks_sigmas", sigmas}});
  const Json gt = Json::parse(R"({"images": [{"id": 1}], "categories": [{"id": 1}], "annotations": [
      {"id": 1, "image_id": 1, "category_id": 1, "area": 100, "bbox": [0, 0, 10, 10], "num_keypoints": 3,
       "keypoints": [1, 1, 2, 3, 3, 2, 5, 5, 2]}]})");
  const Json dt =
      Json::parse(R"([{"image_id": 1, "category_id": 1, "score": 0.5, "keypoints": [1, 1, 1, 3, 3, 1, 5, 5, 1]}])");
  auto good = map_inputs(gt, dt, 3);
  m->update(views(good));
  const auto blob = m->save_state();

  // keypoints left out
  auto without = views(good);
  without.resize(11);
  auto err = error_of([&] { m->update(without); });
  EXPECT_NE(err.find("iou_type='keypoints' needs `pred_keypoints` and `target_keypoints`"), std::string::npos) << err;
  EXPECT_EQ(m->save_state(), blob);

  // 2 keypoints per object for 3 sigmas
  auto short_kp = map_inputs(gt, dt, 3);
  short_kp[12] = tensor("float64", {1, 2, 3}, {1, 1, 2, 3, 3, 2});
  err = error_of([&] { m->update(views(short_kp)); });
  EXPECT_NE(err.find("`target_keypoints` must have shape [K, N, 3]"), std::string::npos) << err;
  EXPECT_NE(err.find("N = 3 (one keypoint per kpt_oks_sigmas entry), got [1, 2, 3]"), std::string::npos) << err;
  EXPECT_EQ(m->save_state(), blob);

  // not finite
  auto nan_kp = map_inputs(gt, dt, 3);
  nan_kp[11] = tensor("float64", {1, 3, 3}, {1, 1, 1, 3, 3, 1, 5, std::nan(""), 1});
  err = error_of([&] { m->update(views(nan_kp)); });
  EXPECT_NE(err.find("`pred_keypoints` must be finite"), std::string::npos) << err;
  EXPECT_EQ(m->save_state(), blob);

  // one max detections value with keypoints
  err = error_of([] {
    create_metric("MeanAveragePrecision", {{"iou_type", "keypoints"}, {"max_detection_thresholds", {1, 10, 100}}});
  });
  EXPECT_NE(err.find("must have length 1 with iou_type='keypoints'"), std::string::npos) << err;
}

}  // namespace
}  // namespace wasmetrics::testing
