// Regression tests for the bugs the fuzzers (fuzz/) found; each input is also in fuzz/corpus.
#include <gtest/gtest.h>

#include "test_buffers.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/metric.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/state_blob.hpp"

using namespace wasmetrics;
using wasmetrics::testing::buf;

namespace {

// Creates, updates with one small batch and computes: whichever step refuses must use Error.
void create_update_compute(const std::string& name, const Json& options, std::vector<TensorView> inputs) {
  auto m = create_metric(name, options);
  m->update(inputs);
  m->compute();
}

}  // namespace

// fuzz_metrics: 1-D float preds with a 0-D target took the [N, C, ...] branch and read preds.shape[1].
TEST(FuzzRegression, MulticlassScoresWithScalarTargetIsRefused) {
  auto preds = buf<float>({0.2f, 0.5f, 0.3f});
  auto target = buf<std::int64_t>({1}, Shape{});
  target.shape = {};
  auto m = create_metric("MulticlassAccuracy", {{"numClasses", 3}});
  TensorView in[] = {preds.view(), target.view()};
  EXPECT_THROW(m->update(in), Error);
  EXPECT_EQ(m->state().updates, 0);
}

// fuzz_state_blob: CatMetric's per-batch shape records come from the blob; [7e18, 4] overflowed
// the element count (signed overflow) before the corrupt record was noticed.
TEST(FuzzRegression, CatMetricRejectsOverflowingShapeRecord) {
  auto m = create_metric("CatMetric", Json::object());
  auto v = buf<float>({1.f, 2.f, 3.f, 4.f});
  TensorView in[] = {v.view()};
  m->update(in);
  State s = m->state();
  auto& shapes = s["shapes"];
  shapes.bytes.clear();
  shapes.shape[0] = 0;
  shapes.append<std::int64_t>(std::vector<std::int64_t>{2, 7022360262984335363LL, 4});
  auto hostile = create_metric("CatMetric", Json::object());
  hostile->load_state(encode_state("CatMetric", hostile->options_hash(), s));
  EXPECT_THROW(hostile->compute(), Error);
  // A record whose trailing dim is 0 holds no values but must not overflow the row count either.
  shapes.bytes.clear();
  shapes.shape[0] = 0;
  shapes.append<std::int64_t>(std::vector<std::int64_t>{2, 1LL << 62, 0, 2, 1LL << 62, 0});
  hostile->load_state(encode_state("CatMetric", hostile->options_hash(), s));
  EXPECT_THROW(hostile->compute(), Error);
}

// A blob state whose shape multiplies past int64 (zeros aside) is rejected at load.
TEST(FuzzRegression, StateBlobRejectsImpossibleShape) {
  auto m = create_metric("CatMetric", Json::object());
  State s = m->state();
  s["value"].shape = {1LL << 62};  // 2^62 float32 elements in 0 bytes
  EXPECT_THROW(m->load_state(encode_state("CatMetric", m->options_hash(), s)), Error);
  EXPECT_FALSE(shape_fits({1LL << 62, 4}));
  EXPECT_TRUE(shape_fits({1LL << 62, 0}));
  EXPECT_TRUE(shape_fits({3, 4}));
}

// fuzz_input_format: num_labels = 2^31 allocated 16 GiB of per-label thresholds.
TEST(FuzzRegression, HugeNumLabelsIsAnError) {
  auto p = buf<float>({0.2f, 0.7f}, {1, 2});
  auto t = buf<std::int64_t>({0, 1}, {1, 2});
  EXPECT_THROW(create_update_compute("MultilabelAccuracy", {{"numLabels", 2147483648.0}}, {p.view(), t.view()}), Error);
}

// A confusion matrix of 10^5 classes would need 80 GB: refused with Error, not a failed allocation.
TEST(FuzzRegression, OversizedStateIsAnError) {
  auto p = buf<std::int64_t>({0, 1});
  auto t = buf<std::int64_t>({1, 1});
  try {
    create_update_compute("MulticlassConfusionMatrix", {{"numClasses", 100000}}, {p.view(), t.view()});
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("1 GiB"), std::string::npos) << e.what();
  }
}

// fuzz_metrics: an option value with invalid UTF-8 made the error message's JSON dump throw
// nlohmann's type_error instead of the project's Error.
TEST(FuzzRegression, InvalidUtf8OptionValueIsAnError) {
  EXPECT_THROW(create_metric("MeanSquaredError", {{"squared", std::string("\xff\xfeq")}}), Error);
}

// fuzz_metrics: legacy Dice took min/max of an empty target when preds were not empty.
TEST(FuzzRegression, DiceWithEmptyTargetIsRefused) {
  auto p = buf<float>({0.2f, 0.7f});
  auto t = buf<std::int64_t>({}, {0});
  EXPECT_THROW(create_update_compute("Dice", Json::object(), {p.view(), t.view()}), Error);
}

// fuzz_metrics: the exact-curve metrics had the same 1-D preds / scalar target read of preds.shape[1].
TEST(FuzzRegression, MulticlassCurveWithScalarTargetIsRefused) {
  auto preds = buf<float>({0.2f, 0.5f, 0.3f});
  auto target = buf<std::int64_t>({1});
  target.shape = {};
  for (const char* name : {"MulticlassROC", "MulticlassAUROC", "MulticlassAveragePrecision"}) {
    auto m = create_metric(name, {{"numClasses", 3}});
    TensorView in[] = {preds.view(), target.view()};
    EXPECT_THROW(m->update(in), Error) << name;
  }
}

// fuzz_metrics: CalibrationError with n_bins = 2^31 allocated 16 GiB of bin bounds at construction.
TEST(FuzzRegression, HugeCalibrationBinsIsAnError) {
  EXPECT_THROW(create_metric("BinaryCalibrationError", {{"nBins", 2147483648.0}}), Error);
  EXPECT_NO_THROW(create_metric("BinaryCalibrationError", {{"nBins", 100}}));
}

// fuzz_metrics: legacy Dice cast a uint32 label of 4294967295 to an int32 class id (UB).
TEST(FuzzRegression, DiceWithHugeLabelIsAnError) {
  auto p = buf<std::uint32_t>({0, 4294967295u});
  auto t = buf<std::uint32_t>({0, 1});
  EXPECT_THROW(create_update_compute("Dice", Json::object(), {p.view(), t.view()}), Error);
  EXPECT_THROW(create_update_compute("Dice", Json::object(), {t.view(), p.view()}), Error);
}

// fuzz_metrics (seed 1): MultilabelExactMatch with 2^24 labels bisected the same logit cut of the
// one threshold for every label (minutes); one bisection per distinct threshold now. Finishing
// at all is the test: before the fix this ran past any test timeout. The two corpus units that
// found it (fuzz_metrics: MultilabelExactMatch, numLabels 2^24; fuzz_input_format: multilabel,
// numLabels 2^24, samplewise) took up to 35 s each under ASan on a busy machine and were dropped
// from fuzz/corpus, which `make test` replays: this test keeps the finding.
TEST(FuzzRegression, ManyLabelsShareOneThresholdCut) {
  auto m = create_metric("MultilabelExactMatch", {{"numLabels", 1 << 24}, {"threshold", 0.3}});
  auto p = buf<float>(std::vector<float>(1 << 24, 0.5f), {1, 1 << 24});
  auto t = buf<std::int32_t>(std::vector<std::int32_t>(1 << 24, 1), {1, 1 << 24});
  TensorView in[] = {p.view(), t.view()};
  m->update(in);
  EXPECT_EQ(m->compute().tensor.data[0], 1.0);
}
