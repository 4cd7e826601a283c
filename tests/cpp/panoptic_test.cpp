// PanopticQuality / ModifiedPanopticQuality beyond the fixtures: a scene worked by hand (matching at
// IoU > 0.5 exactly, stuff scored both ways, void), and bad input refused with the argument named
// and the state unchanged.
#include <cmath>

#include <gtest/gtest.h>

#include "error_of.hpp"
#include "test_buffers.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

using testing::buf;
using testing::Buf;
using testing::error_of;

// One image of 5 points, (category, instance) each. things [1], stuffs [2], 9 is void.
//   preds:  (1,0) (1,0) (2,0) (2,5) (1,3)
//   target: (1,0) (1,0) (1,0) (2,0) (9,0)
// Pred segments: thing (1,0) area 2, stuff 2 area 2 (instance ids of a stuff ignored), thing (1,3)
// area 1, lying on target void. Target: thing (1,0) area 3, stuff 2 area 1.
// (1,0)x(1,0): IoU 2/3 > 0.5, a true positive. stuff 2 x stuff 2: IoU 1/2, not > 0.5: the target
// stuff is a false negative, the pred stuff a false positive. Pred (1,3) is all on void: ignored.
// thing: SQ 2/3, RQ 1, PQ 2/3; stuff: SQ 0, RQ 0, PQ 0. Means: PQ 1/3, SQ 1/3, RQ 1/2.
// Modified: the stuff scores IoU sum / target segments = 0.5 / 1; MPQ = (2/3 + 1/2) / 2 = 7/12.
Buf<std::int64_t> scene_preds() { return buf<std::int64_t>({1, 0, 1, 0, 2, 0, 2, 5, 1, 3}, {1, 5, 2}); }
Buf<std::int64_t> scene_target() { return buf<std::int64_t>({1, 0, 1, 0, 1, 0, 2, 0, 9, 0}, {1, 5, 2}); }

Tensor computed(const std::string& name, const Json& options) {
  auto m = create_metric(name, options);
  testing::update(*m, scene_preds(), scene_target());
  return m->compute().tensor;
}

TEST(Panoptic, HandWorkedScene) {
  const Json cats = {{"things", {1}}, {"stuffs", {2}}};
  EXPECT_NEAR(computed("PanopticQuality", cats).data[0], 1.0 / 3, 1e-12);
  Json sq_rq = cats;
  sq_rq["return_sq_and_rq"] = true;
  const Tensor three = computed("PanopticQuality", sq_rq);
  ASSERT_EQ(three.shape, Shape{3});
  EXPECT_NEAR(three.data[0], 1.0 / 3, 1e-12);
  EXPECT_NEAR(three.data[1], 1.0 / 3, 1e-12);
  EXPECT_NEAR(three.data[2], 0.5, 1e-12);
  Json both = sq_rq;
  both["return_per_class"] = true;
  const Tensor per_class = computed("PanopticQuality", both);
  ASSERT_EQ(per_class.shape, (Shape{2, 3}));
  const std::vector<double> want = {2.0 / 3, 2.0 / 3, 1.0, 0.0, 0.0, 0.0};
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(per_class.data[i], want[i], 1e-12) << i;
  EXPECT_NEAR(computed("ModifiedPanopticQuality", cats).data[0], 7.0 / 12, 1e-12);
}

TEST(Panoptic, OneCategoryPerClassIsSqueezedAsTorchMetrics) {
  // Only thing 1 is declared: 2 and 9 are void in target, and in preds as allowed here.
  const Tensor t = computed("PanopticQuality",
                            {{"things", {1}}, {"return_per_class", true}, {"allow_unknown_preds_category", true}});
  EXPECT_TRUE(t.shape.empty());  // [1, 1] -> 0-d
}

TEST(Panoptic, NoCategorySeenGivesNaN) {
  auto m = create_metric("PanopticQuality", {{"things", {1}}, {"stuffs", {2}}});
  EXPECT_TRUE(std::isnan(m->compute().tensor.data[0]));
}

TEST(Panoptic, BadOptionsAreRefusedNamingThem) {
  EXPECT_NE(error_of([] {
              create_metric("PanopticQuality", {{"things", {0, 1}}, {"stuffs", {1, 6}}});
            }).find("'things' and 'stuffs' must have distinct category ids"),
            std::string::npos);
  EXPECT_NE(error_of([] { create_metric("PanopticQuality", Json::object()); }).find("at least one"), std::string::npos);
  EXPECT_NE(error_of([] {
              create_metric("ModifiedPanopticQuality", {{"things", {-1}}});
            }).find("'things'"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              create_metric("PanopticQuality", {{"stuffs", {1.5}}});
            }).find("'stuffs'"),
            std::string::npos);
  // ModifiedPanopticQuality takes neither of PanopticQuality's result options.
  EXPECT_NE(error_of([] {
              create_metric("ModifiedPanopticQuality", {{"things", {1}}, {"return_per_class", true}});
            }).find("unknown option"),
            std::string::npos);
}

TEST(Panoptic, BadInputIsRefusedNamingItAndLeavesTheStateUnchanged) {
  auto m = create_metric("PanopticQuality", {{"things", {1}}, {"stuffs", {2}}});
  testing::update(*m, scene_preds(), scene_target());
  const auto blob = m->save_state();
  auto refused = [&](const auto& p, const auto& t) {
    std::string message = error_of([&] { testing::update(*m, p, t); });
    EXPECT_EQ(m->save_state(), blob) << message;
    return message;
  };
  auto has = [](const std::string& message, const std::string& part) {
    return message.find(part) != std::string::npos;
  };
  // An undeclared pred category, in the second image of the batch.
  auto unknown = buf<std::int64_t>({1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 7, 0, 2, 0, 2, 0, 2, 0}, {2, 5, 2});
  auto target = buf<std::int64_t>(std::vector<std::int64_t>(20, 1), {2, 5, 2});
  std::string message = refused(unknown, target);
  EXPECT_TRUE(has(message, "`preds`") && has(message, "category id 7") && has(message, "image 1")) << message;
  // The same category in target is void: accepted.
  EXPECT_EQ(error_of([&] {
              auto other = create_metric("PanopticQuality", {{"things", {1}}, {"stuffs", {2}}});
              testing::update(*other, target, unknown);
            }),
            "");
  message = refused(buf<std::int64_t>(std::vector<std::int64_t>(15, 1), {1, 5, 3}),
                    buf<std::int64_t>(std::vector<std::int64_t>(15, 1), {1, 5, 3}));
  EXPECT_TRUE(has(message, "`preds`") && has(message, "2 channels")) << message;
  message = refused(buf<std::int64_t>(std::vector<std::int64_t>(10, 1), {5, 2}),
                    buf<std::int64_t>(std::vector<std::int64_t>(10, 1), {5, 2}));
  EXPECT_TRUE(has(message, "spatial dimension")) << message;
  message = refused(scene_preds(), buf<std::int64_t>(std::vector<std::int64_t>(8, 1), {1, 4, 2}));
  EXPECT_TRUE(has(message, "same shape") && has(message, "[1, 5, 2]") && has(message, "[1, 4, 2]")) << message;
  message = refused(buf<float>(std::vector<float>(10, 1), {1, 5, 2}), scene_target());
  EXPECT_TRUE(has(message, "`preds`") && has(message, "integer") && has(message, "float32")) << message;
}

TEST(Panoptic, AllowUnknownPredsCategoryCountsThemAsVoid) {
  // Unknown pred category 7 covers 3 of the 4 points of target thing (1,0); pred thing (1,4) the
  // fourth.
  auto preds = buf<std::int64_t>({7, 0, 7, 0, 7, 0, 1, 4}, {1, 4, 2});
  auto target = buf<std::int64_t>({1, 0, 1, 0, 1, 0, 1, 0}, {1, 4, 2});
  auto m = create_metric("PanopticQuality", {{"things", {1}}, {"allow_unknown_preds_category", true}});
  testing::update(*m, preds, target);
  // Pred (1,4) x target (1,0): IoU = 1 / (1 + 4 - 3 - 1) = 1: the void part is left out of the union.
  EXPECT_NEAR(m->compute().tensor.data[0], 1.0, 1e-12);
}

}  // namespace
}  // namespace wasmetrics
