// Confusion-matrix family: shared input format rules (C4), per-label thresholds, merge, rejections.
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "test_buffers.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

using testing::Buf;
using testing::buf;
using testing::update;

TEST(ClassificationConfusionMatrix, IgnoredEntriesAndTheLogitsTest) {
  // probabilities, except a 4.0 at the ignored position: stat scores sigmoid everything (C4),
  // the binary confusion matrix drops the ignored entry first and thresholds the probabilities
  auto p = buf<float>({0.2f, 0.7f, 4.0f, 0.4f});
  auto t = buf<std::int64_t>({0, 1, -1, 1});
  auto acc = create_metric("BinaryStatScores", {{"ignore_index", -1}});
  update(*acc, p, t);
  EXPECT_EQ(acc->compute().tensor.data, (std::vector<double>{2, 1, 0, 0, 2}));  // sigmoid > 0.5 everywhere
  auto cm = create_metric("BinaryConfusionMatrix", {{"ignore_index", -1}});
  update(*cm, p, t);
  ASSERT_EQ(cm->compute().tensor.shape, (Shape{2, 2}));
  EXPECT_EQ(cm->compute().tensor.data, (std::vector<double>{1, 0, 1, 1}));  // [[tn, fp], [fn, tp]]
}

TEST(ClassificationConfusionMatrix, PerLabelThresholds) {
  auto m = create_metric("MultilabelConfusionMatrix", {{"num_labels", 2}, {"threshold", {0.1, 0.9}}});
  update(*m, buf<float>({0.5f, 0.5f, 0.5f, 0.5f}, {2, 2}), buf<std::int64_t>({1, 1, 0, 0}, {2, 2}));
  ASSERT_EQ(m->compute().tensor.shape, (Shape{2, 2, 2}));
  EXPECT_EQ(m->compute().tensor.data, (std::vector<double>{0, 1, 0, 1, 1, 0, 1, 0}));
  EXPECT_THROW(create_metric("MultilabelJaccardIndex", {{"num_labels", 3}, {"threshold", {0.5, 0.5}}}), Error);
}

TEST(ClassificationConfusionMatrix, MergeOfHalvesEqualsWhole) {
  auto p1 = buf<float>({0.7f, 0.2f, 0.1f, 0.1f, 0.8f, 0.1f, 0.3f, 0.3f, 0.4f}, {3, 3});
  auto t1 = buf<std::int64_t>({0, 2, 2});
  auto p2 = buf<std::int64_t>({1, 1, 0});
  auto t2 = buf<std::int64_t>({1, 0, 255});
  for (const char* name :
       {"MulticlassJaccardIndex", "MulticlassMatthewsCorrCoef", "MulticlassCohenKappa", "MulticlassConfusionMatrix"}) {
    Json opts{{"num_classes", 3}, {"ignore_index", 255}};
    auto whole = create_metric(name, opts);
    update(*whole, p1, t1);
    update(*whole, p2, t2);
    auto a = create_metric(name, opts);
    auto b = create_metric(name, opts);
    update(*a, p1, t1);
    update(*b, p2, t2);
    a->merge(*b);
    EXPECT_EQ(a->compute().tensor.data, whole->compute().tensor.data) << name;
  }
}

TEST(ClassificationConfusionMatrix, RejectsLabelsOutOfRange) {
  auto m = create_metric("MulticlassConfusionMatrix", {{"num_classes", 3}});
  update(*m, buf<std::int64_t>({0, 1}), buf<std::int64_t>({0, 2}));
  auto before = m->save_state();
  EXPECT_THROW(update(*m, buf<std::int64_t>({0, 3}), buf<std::int64_t>({0, 2})), Error);  // V1 in preds
  EXPECT_THROW(update(*m, buf<std::int64_t>({0, 1}), buf<float>({0.0f, 1.5f})), Error);   // V2
  EXPECT_EQ(m->save_state(), before);
}

TEST(ClassificationConfusionMatrix, JaccardIgnoreIndexInsideClasses) {
  // ignore_index 0: class 0 leaves macro and micro (C8)
  auto m = create_metric("MulticlassJaccardIndex", {{"num_classes", 3}, {"ignore_index", 0}, {"average", "macro"}});
  update(*m, buf<std::int64_t>({0, 1, 2, 2}), buf<std::int64_t>({1, 1, 2, 0}));
  // class 0 predicted for a target-1 sample: class 1 IoU 1/2, class 2 IoU 1/1 -> 0.75
  EXPECT_NEAR(m->compute().tensor.data[0], 0.75, 1e-12);
}

// Integer label maps take a counting fast path (confusion_matrix_metrics.cpp); the same maps as
// [N, C, P] scores whose argmax is the pred take the general path and are the reference. uint8 maps
// count directly up to 4096 pixels a batch and through the 256 x 256 table above: P picks which.
template <class T>
void expect_label_maps_match_general_path(std::optional<std::int64_t> ignore_index, std::int64_t P = 61) {
  constexpr std::int64_t N = 2, C = 5;
  std::vector<T> pred(N * P), target(N * P);
  std::vector<float> scores(N * C * P, 0.01f);
  for (std::int64_t i = 0; i < N * P; ++i) {
    pred[i] = static_cast<T>((i * 3 + i / 7) % C);
    target[i] = static_cast<T>(ignore_index && i % 11 == 0 ? *ignore_index : (i * 3) % C);
    scores[((i / P) * C + static_cast<std::int64_t>(pred[i])) * P + i % P] = 0.9f;
  }
  Json opts = {{"num_classes", C}};
  if (ignore_index) opts["ignore_index"] = *ignore_index;
  for (const char* name : {"MulticlassConfusionMatrix", "MulticlassJaccardIndex"}) {
    auto fast = create_metric(name, opts), general = create_metric(name, opts);
    update(*fast, buf<T>(pred, {N, P}), buf<T>(target, {N, P}));
    std::vector<std::int64_t> t64(target.begin(), target.end());
    update(*general, buf<float>(scores, {N, C, P}), buf<std::int64_t>(t64, {N, P}));
    EXPECT_EQ(fast->compute().tensor.data, general->compute().tensor.data) << name << " " << opts.dump();
  }
}

TEST(ClassificationConfusionMatrix, IntegerLabelMapsCountAsTheGeneralPath) {
  expect_label_maps_match_general_path<std::uint8_t>(255);
  expect_label_maps_match_general_path<std::uint8_t>(255, 2500);  // 5000 pixels: the table
  expect_label_maps_match_general_path<std::uint8_t>(0);          // an ignore_index that is a class
  expect_label_maps_match_general_path<std::uint8_t>(0, 2500);
  expect_label_maps_match_general_path<std::int8_t>(-1);
  expect_label_maps_match_general_path<std::int16_t>(std::nullopt);
  expect_label_maps_match_general_path<std::uint16_t>(65535);
  expect_label_maps_match_general_path<std::int32_t>(2);  // an ignore_index that is also a class
  expect_label_maps_match_general_path<std::uint32_t>(255);
  expect_label_maps_match_general_path<std::int64_t>(-100);
}

TEST(ClassificationConfusionMatrix, IntegerLabelMapsOutOfRangeFallBackToTheGeneralError) {
  auto m = create_metric("MulticlassConfusionMatrix", {{"num_classes", 3}, {"ignore_index", 255}});
  EXPECT_THROW(update(*m, buf<std::int64_t>({0, 1, 3}), buf<std::int64_t>({0, 1, 2})), Error);      // pred 3
  EXPECT_THROW(update(*m, buf<std::int64_t>({0, 1, 2}), buf<std::int64_t>({0, -1, 2})), Error);     // target -1
  EXPECT_THROW(update(*m, buf<std::uint16_t>({0, 1, 2}), buf<std::uint16_t>({0, 254, 2})), Error);  // target 254
  EXPECT_THROW(update(*m, buf<std::uint8_t>({0, 1, 3}), buf<std::uint8_t>({0, 1, 2})), Error);      // pred 3
  EXPECT_THROW(update(*m, buf<std::uint8_t>({0, 1, 2}), buf<std::uint8_t>({0, 254, 2})), Error);    // target 254
  update(*m, buf<std::uint16_t>({0, 1, 2}), buf<std::uint16_t>({0, 255, 2}));
  EXPECT_EQ(m->compute().tensor.data, (std::vector<double>{1, 0, 0, 0, 0, 0, 0, 0, 1}));
}

}  // namespace
}  // namespace wasmetrics
