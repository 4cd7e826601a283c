// Calibration, hinge, ranking, legacy Dice and the `task` wrappers: wrapper = task-specific metric,
// options of another task rejected by name, calibration merge of halves, rejected updates.
#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "error_of.hpp"
#include "test_buffers.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

using testing::Buf;
using testing::buf;
using testing::error_of;
using testing::update;

const auto kMcPreds = buf<float>({0.7f, 0.2f, 0.1f, 0.1f, 0.8f, 0.1f, 0.3f, 0.3f, 0.4f, 0.2f, 0.5f, 0.3f}, {4, 3});
const auto kMcTarget = buf<std::int64_t>({0, 2, 2, 1});
const auto kBinPreds = buf<float>({0.9f, 0.2f, 0.6f, 0.4f, 0.55f, 1.0f});
const auto kBinTarget = buf<std::int64_t>({1, 0, 0, 1, 1, 1});

TEST(ClassificationOther, TaskWrapperEqualsTaskSpecificMetric) {
  struct Pair {
    std::string wrapper;
    Json wrapper_opts;
    std::string specific;
    Json specific_opts;
    bool multiclass;
  };
  std::vector<Pair> pairs = {
      {"Accuracy", {{"task", "binary"}}, "BinaryAccuracy", Json::object(), false},
      // TorchMetrics' wrapper default average is 'micro' (MulticlassAccuracy's own is 'macro')
      {"Accuracy",
       {{"task", "multiclass"}, {"num_classes", 3}},
       "MulticlassAccuracy",
       {{"num_classes", 3}, {"average", "micro"}},
       true},
      {"F1Score",
       {{"task", "multiclass"}, {"num_classes", 3}, {"average", "macro"}},
       "MulticlassF1Score",
       {{"num_classes", 3}},
       true},
      {"FBetaScore", {{"task", "binary"}}, "BinaryFBetaScore", {{"beta", 1.0}}, false},
      {"JaccardIndex",
       {{"task", "multiclass"}, {"num_classes", 3}},
       "MulticlassJaccardIndex",
       {{"num_classes", 3}},
       true},
      {"CalibrationError", {{"task", "binary"}, {"n_bins", 4}}, "BinaryCalibrationError", {{"n_bins", 4}}, false},
      {"CalibrationError",
       {{"task", "multiclass"}, {"num_classes", 3}, {"norm", "max"}},
       "MulticlassCalibrationError",
       {{"num_classes", 3}, {"norm", "max"}},
       true},
      {"HingeLoss",
       {{"task", "multiclass"}, {"num_classes", 3}, {"multiclass_mode", "one-vs-all"}},
       "MulticlassHingeLoss",
       {{"num_classes", 3}, {"multiclass_mode", "one-vs-all"}},
       true},
      {"HingeLoss", {{"task", "binary"}, {"squared", true}}, "BinaryHingeLoss", {{"squared", true}}, false},
  };
  for (auto& c : pairs) {
    auto w = create_metric(c.wrapper, c.wrapper_opts);
    auto s = create_metric(c.specific, c.specific_opts);
    EXPECT_EQ(w->name(), c.specific) << c.wrapper;
    if (c.multiclass) {
      update(*w, kMcPreds, kMcTarget);
      update(*s, kMcPreds, kMcTarget);
    } else {
      update(*w, kBinPreds, kBinTarget);
      update(*s, kBinPreds, kBinTarget);
    }
    EXPECT_EQ(w->compute().tensor.data, s->compute().tensor.data) << c.wrapper << " " << c.wrapper_opts.dump();
    // the same metric underneath: states merge and blobs load across the two
    EXPECT_NO_THROW(s->merge(*w)) << c.wrapper;
    EXPECT_NO_THROW(w->load_state(s->save_state())) << c.wrapper;
  }
}

TEST(ClassificationOther, TaskWrapperRejectsOptionsOfAnotherTask) {
  EXPECT_NE(error_of([] {
              create_metric("Accuracy", {{"task", "binary"}, {"num_classes", 3}});
            }).find("'num_classes'"),
            std::string::npos);
  std::string e = error_of([] {
    create_metric("Precision", {{"task", "multilabel"}, {"num_labels", 3}, {"top_k", 2}});
  });
  EXPECT_NE(e.find("'top_k'"), std::string::npos) << e;
  EXPECT_NE(e.find("multilabel"), std::string::npos) << e;
  e = error_of([] { create_metric("HingeLoss", {{"task", "binary"}, {"multiclass_mode", "one-vs-all"}}); });
  EXPECT_NE(e.find("'multiclass_mode'"), std::string::npos) << e;
  e = error_of([] { create_metric("Accuracy", Json::object()); });
  EXPECT_NE(e.find("'task'"), std::string::npos) << e;
  EXPECT_THROW(create_metric("ExactMatch", {{"task", "binary"}}), Error);
  EXPECT_THROW(create_metric("CohenKappa", {{"task", "multilabel"}}), Error);
  EXPECT_THROW(create_metric("Accuracy", {{"task", "multiclass"}}), Error);  // num_classes required
  // an option of another task left at the wrapper default is harmless (TorchMetrics ignores it)
  EXPECT_NO_THROW(create_metric("Accuracy", {{"task", "binary"}, {"average", "micro"}}));
}

TEST(ClassificationOther, CalibrationMergeOfHalvesEqualsWhole) {
  for (const char* norm : {"l1", "l2", "max"}) {
    Json opts{{"num_classes", 3}, {"norm", norm}, {"n_bins", 5}, {"ignore_index", -1}};
    auto p2 = buf<float>({2.0f, -1.0f, 0.5f, 0.0f, 3.0f, 1.0f}, {2, 3});  // logits: softmax
    auto t2 = buf<std::int64_t>({0, -1});
    auto whole = create_metric("MulticlassCalibrationError", opts);
    update(*whole, kMcPreds, kMcTarget);
    update(*whole, p2, t2);
    auto a = create_metric("MulticlassCalibrationError", opts);
    auto b = create_metric("MulticlassCalibrationError", opts);
    update(*a, kMcPreds, kMcTarget);
    update(*b, p2, t2);
    a->merge(*b);
    EXPECT_EQ(a->compute().tensor.data, whole->compute().tensor.data) << norm;
  }
  // a confidence of exactly 1.0 falls in the extra bin: accuracy 1, confidence 1 -> no error there
  auto m = create_metric("BinaryCalibrationError", {{"n_bins", 2}});
  update(*m, buf<float>({1.0f, 1.0f}), buf<std::int64_t>({1, 1}));
  EXPECT_EQ(m->compute().tensor.data[0], 0.0);
}

TEST(ClassificationOther, RejectedUpdateLeavesStateUnchanged) {
  auto mc = create_metric("MulticlassCalibrationError", {{"num_classes", 3}});
  update(*mc, kMcPreds, kMcTarget);
  auto before = mc->save_state();
  EXPECT_THROW(update(*mc, kMcPreds, buf<std::int64_t>({0, 1, 3, 1})), Error);  // V1
  auto nan_preds = kMcPreds;
  nan_preds.v[4] = std::nanf("");
  EXPECT_THROW(update(*mc, nan_preds, kMcTarget), Error);  // V4
  EXPECT_EQ(mc->save_state(), before);

  auto hinge = create_metric("BinaryHingeLoss", Json::object());
  update(*hinge, kBinPreds, kBinTarget);
  before = hinge->save_state();
  EXPECT_THROW(update(*hinge, kBinPreds, buf<std::int64_t>({1, 0, 2, 1, 1, 1})), Error);   // V3
  EXPECT_THROW(update(*hinge, kBinPreds, buf<float>({1, 0, 0.5f, 1, 1, 1})), Error);       // V2
  EXPECT_THROW(update(*hinge, buf<std::int64_t>({1, 0, 0, 1, 1, 1}), kBinTarget), Error);  // int preds
  EXPECT_EQ(hinge->save_state(), before);

  auto rank = create_metric("MultilabelRankingLoss", {{"num_labels", 3}});
  update(*rank, kMcPreds, buf<std::int64_t>({1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0}, {4, 3}));
  before = rank->save_state();
  EXPECT_THROW(update(*rank, kMcPreds, buf<std::int64_t>({1, 0, 0, 0, 1, 1, 1, 0, 1, 0, 0, 2}, {4, 3})), Error);
  EXPECT_EQ(rank->save_state(), before);

  auto dice = create_metric("Dice", {{"num_classes", 3}, {"average", "macro"}});
  update(*dice, kMcPreds, kMcTarget);
  before = dice->save_state();
  EXPECT_THROW(update(*dice, buf<std::int64_t>({0, 1, 3, 1}), kMcTarget), Error);  // V1 in integer preds
  EXPECT_THROW(update(*dice, kMcPreds, buf<std::int64_t>({0, 1, 3, 1})), Error);   // V1 in target
  EXPECT_EQ(dice->save_state(), before);
}

TEST(ClassificationOther, LegacyDiceConstructionErrors) {
  EXPECT_THROW(create_metric("Dice", {{"num_classes", 6}, {"ignore_index", 255}}), Error);
  EXPECT_THROW(create_metric("Dice", {{"num_classes", 3}, {"average", nullptr}}), Error);
  EXPECT_THROW(create_metric("Dice", {{"num_classes", 3}, {"average", "weighted"}}), Error);
  EXPECT_THROW(create_metric("Dice", {{"average", "macro"}}), Error);  // macro needs num_classes
  // without num_classes the class count is inferred: 255 is an ordinary (ignored) class
  auto d = create_metric("Dice", {{"ignore_index", 255}});
  update(*d, buf<std::int64_t>({0, 1, 2, 2}, {1, 2, 2}), buf<std::int64_t>({0, 255, 2, 1}, {1, 2, 2}));
  EXPECT_NEAR(d->compute().tensor.data[0], 4.0 / 7.0, 1e-12);
}

}  // namespace
}  // namespace wasmetrics
