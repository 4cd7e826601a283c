// The engine, tested through a real metric (MeanSquaredError): options validation, the
// all-or-nothing update, forward, merge, and the state blob (round trip and every refusal).
#include <gtest/gtest.h>

#include "error_of.hpp"
#include "fixture_io.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/state_blob.hpp"

namespace wasmetrics {
namespace {

using testing::error_of;
using testing::Json;

struct Pair {
  std::vector<float> p, t;
  std::vector<TensorView> views() const {
    return {TensorView{p.data(), DType::float32, {static_cast<std::int64_t>(p.size())}},
            TensorView{t.data(), DType::float32, {static_cast<std::int64_t>(t.size())}}};
  }
};

double scalar(const Result& r) {
  EXPECT_EQ(r.kind, Result::Kind::tensor);
  EXPECT_EQ(r.tensor.shape, Shape{});
  return r.tensor.data.at(0);
}

TEST(Options, UnknownNameIsNamedWithTheKnownOnes) {
  auto msg = error_of([] { create_metric("MeanSquaredError", {{"sqared", true}}); });
  EXPECT_NE(msg.find("unknown option 'sqared'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("squared"), std::string::npos) << msg;
  EXPECT_NE(msg.find("numOutputs"), std::string::npos) << msg;
}

TEST(Options, WrongTypeAndRangeAreNamed) {
  auto msg = error_of([] { create_metric("MeanSquaredError", {{"squared", 1}}); });
  EXPECT_NE(msg.find("'squared' must be true or false, got 1"), std::string::npos) << msg;
  msg = error_of([] { create_metric("MeanSquaredError", {{"numOutputs", 0}}); });
  EXPECT_NE(msg.find("'numOutputs' must be an integer in [1"), std::string::npos) << msg;
  msg = error_of([] { create_metric("MeanSquaredError", {{"num_outputs", 2.5}}); });
  EXPECT_NE(msg.find("got 2.5"), std::string::npos) << msg;
}

TEST(Options, CamelAndSnakeCaseAreTheSameOption) {
  auto a = create_metric("MeanSquaredError", {{"numOutputs", 2}});
  auto b = create_metric("MeanSquaredError", {{"num_outputs", 2}});
  EXPECT_EQ(a->options().canonical(), b->options().canonical());
  auto msg = error_of([] { create_metric("MeanSquaredError", {{"numOutputs", 2}, {"num_outputs", 2}}); });
  EXPECT_NE(msg.find("given twice"), std::string::npos) << msg;
}

// zero_division was stored as 0 by default and 0.0 when given: equal options hashed differently,
// so blobs, merges and compute groups refused each other. Defaults are normalised like given values.
TEST(Options, GivenAtTheirDefaultsEqualOmitted) {
  auto omitted = create_metric("MulticlassF1Score", {{"num_classes", 3}});
  auto given = create_metric("MulticlassF1Score", {{"num_classes", 3}, {"zero_division", 0}, {"average", "macro"}});
  EXPECT_EQ(given->options().canonical(), omitted->options().canonical());
  EXPECT_EQ(given->options_hash(), omitted->options_hash());
  EXPECT_NO_THROW(given->load_state(omitted->save_state()));
  EXPECT_EQ(given->state_key(), omitted->state_key());
  auto other = create_metric("MulticlassF1Score", {{"num_classes", 3}, {"zero_division", 1}});
  EXPECT_NE(other->options_hash(), omitted->options_hash());
}

TEST(Registry, UnknownMetricListsKnownOnes) {
  auto msg = error_of([] { create_metric("MeanSquareError", Json::object()); });
  EXPECT_NE(msg.find("unknown metric 'MeanSquareError'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("MeanSquaredError"), std::string::npos) << msg;
}

TEST(Registry, JsonListsEveryMetricWithItsSchema) {
  Json j = registry_json();
  ASSERT_EQ(j["metrics"].size(), metric_specs().size());
  for (auto& m : j["metrics"]) {
    EXPECT_FALSE(m["doc"].get<std::string>().empty()) << m["name"];
    EXPECT_FALSE(m["inputs"].empty()) << m["name"];
    for (auto& o : m["options"]) EXPECT_FALSE(o["doc"].get<std::string>().empty()) << m["name"] << "." << o["name"];
  }
}

TEST(Metric, InputCountIsChecked) {
  auto m = create_metric("MeanSquaredError", Json::object());
  Pair a{{1, 2}, {1, 3}};
  auto v = a.views();
  auto msg = error_of([&] { m->update(std::span<const TensorView>(v.data(), 1)); });
  EXPECT_NE(msg.find("expects (preds, target, sample_weight?), got 1 input"), std::string::npos) << msg;
}

TEST(Metric, RejectedUpdateLeavesStateUnchanged) {
  auto m = create_metric("MeanSquaredError", Json::object());
  Pair good{{1, 2, 3}, {1, 2, 5}};
  m->update(good.views());
  double before = scalar(m->compute());
  Pair bad{{1, 2, 3}, {1, 2}};
  EXPECT_THROW(m->update(bad.views()), Error);
  EXPECT_THROW(m->forward(bad.views()), Error);
  EXPECT_DOUBLE_EQ(scalar(m->compute()), before);
}

TEST(Metric, ForwardIsTheBatchValueAndAccumulates) {
  auto m = create_metric("MeanSquaredError", Json::object());
  Pair a{{0, 0}, {1, 1}};              // batch MSE 1
  Pair b{{0, 0, 0, 0}, {3, 3, 3, 3}};  // batch MSE 9
  EXPECT_DOUBLE_EQ(scalar(m->forward(a.views())), 1.0);
  EXPECT_DOUBLE_EQ(scalar(m->forward(b.views())), 9.0);
  // Over all 6 samples: (2*1 + 4*9) / 6, not the mean of the batch values (5).
  EXPECT_DOUBLE_EQ(scalar(m->compute()), 38.0 / 6.0);
}

TEST(Metric, MergeOfHalvesEqualsTheWhole) {
  Pair a{{0.5f, 1.5f}, {1, 1}}, b{{2, 3, 4}, {2, 2, 2}};
  auto whole = create_metric("MeanSquaredError", {{"squared", false}});
  whole->update(a.views());
  whole->update(b.views());
  auto left = create_metric("MeanSquaredError", {{"squared", false}});
  auto right = create_metric("MeanSquaredError", {{"squared", false}});
  left->update(a.views());
  right->update(b.views());
  left->merge(*right);
  EXPECT_DOUBLE_EQ(scalar(left->compute()), scalar(whole->compute()));
  auto other = create_metric("MeanSquaredError", Json::object());
  EXPECT_THROW(left->merge(*other), Error);  // different options
}

TEST(Metric, ResetForgetsEverything) {
  auto m = create_metric("MeanSquaredError", Json::object());
  Pair a{{0}, {2}};
  m->update(a.views());
  m->reset();
  Pair b{{0}, {1}};
  m->update(b.views());
  EXPECT_DOUBLE_EQ(scalar(m->compute()), 1.0);
}

TEST(StateBlob, RoundTrip) {
  auto m = create_metric("MeanSquaredError", {{"numOutputs", 1}});
  Pair a{{1, 2, 3}, {0, 0, 0}};
  m->update(a.views());
  auto blob = m->save_state();
  auto n = create_metric("MeanSquaredError", Json::object());
  n->load_state(blob);
  EXPECT_DOUBLE_EQ(scalar(n->compute()), scalar(m->compute()));
  EXPECT_EQ(n->state().updates, 1);
}

TEST(StateBlob, RefusesOtherOptionsAndCorruption) {
  auto m = create_metric("MeanSquaredError", Json::object());
  Pair a{{1, 2, 3}, {0, 0, 0}};
  m->update(a.views());
  auto blob = m->save_state();
  auto other = create_metric("MeanSquaredError", {{"squared", false}});
  EXPECT_NE(error_of([&] { other->load_state(blob); }).find("different options"), std::string::npos);
  // Every truncation and every single-byte flip is refused, never read out of bounds.
  auto target = create_metric("MeanSquaredError", Json::object());
  for (std::size_t cut = 0; cut < blob.size(); ++cut) {
    std::vector<std::uint8_t> part(blob.begin(), blob.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_THROW(target->load_state(part), Error) << "truncated at " << cut;
  }
  for (std::size_t i = 0; i < blob.size(); ++i) {
    auto bad = blob;
    bad[i] ^= 0x40;
    EXPECT_THROW(target->load_state(bad), Error) << "flipped byte " << i;
  }
  // And the target still works after all of that.
  target->update(a.views());
  EXPECT_DOUBLE_EQ(scalar(target->compute()), scalar(m->compute()));
}

}  // namespace
}  // namespace wasmetrics

namespace wasmetrics {
namespace {

TEST(ComputeGroups, StatScoreMetricsWithTheSameInputsShareOneState) {
  Json opts = {{"num_classes", 3}};
  auto precision = create_metric("MulticlassPrecision", opts);
  auto recall = create_metric("MulticlassRecall", opts);
  auto f1 = create_metric("MulticlassF1Score", {{"num_classes", 3}, {"average", "micro"}});
  auto other = create_metric("MulticlassF1Score", {{"num_classes", 4}});
  EXPECT_EQ(precision->state_key(), recall->state_key());
  EXPECT_EQ(precision->state_key(), f1->state_key());  // `average` only changes the reduction
  EXPECT_NE(precision->state_key(), other->state_key());

  std::vector<std::int32_t> p{0, 1, 2, 2, 1, 0, 1}, t{0, 2, 2, 1, 1, 0, 0};
  Shape s{static_cast<std::int64_t>(p.size())};
  std::vector<TensorView> in{{p.data(), DType::int32, s}, {t.data(), DType::int32, s}};
  precision->update(in);
  recall->update(in);
  f1->update(in);
  // Recall and F1 computed from Precision's state equal their own.
  EXPECT_EQ(testing::compare_result(
                recall->compute_from(*precision),
                Json{{"shape", recall->compute().tensor.shape}, {"data", recall->compute().tensor.data}}, 0, 0),
            "");
  EXPECT_DOUBLE_EQ(f1->compute_from(*precision).tensor.data[0], f1->compute().tensor.data[0]);
  EXPECT_THROW(other->compute_from(*precision), Error);
}

TEST(ComputeGroups, DefaultKeysAreUniquePerNameAndOptions) {
  auto a = create_metric("MeanSquaredError", Json::object());
  auto b = create_metric("MeanSquaredError", {{"squared", false}});
  auto c = create_metric("MeanSquaredError", Json::object());
  EXPECT_NE(a->state_key(), b->state_key());
  EXPECT_EQ(a->state_key(), c->state_key());
}

TEST(State, OptionsWhoseStateCannotFitAreRefusedNamingTheState) {
  auto msg = error_of([] { create_metric("MulticlassConfusionMatrix", {{"num_classes", 100000}})->state(); });
  EXPECT_NE(msg.find("'confmat' of shape [100000, 100000]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("1 GiB"), std::string::npos) << msg;
  msg = error_of([] { create_metric("MulticlassAccuracy", {{"num_classes", 1 << 25}}); });
  EXPECT_NE(msg.find("num_classes' must be an integer in (-inf, 16777216.0], got 33554432"), std::string::npos) << msg;
}

}  // namespace
}  // namespace wasmetrics

namespace wasmetrics {
namespace {

// One rule for bool inputs, for every registered metric: a byte other than 0/1 in a bool tensor is
// refused with the input named, before any metric reads it (issue 16: MeanMetric read 85 as 85).
TEST(BoolInputs, EveryMetricRefusesBytesOtherThanZeroAndOne) {
  const std::vector<std::uint8_t> bytes = {0, 1, 85, 1};
  std::size_t checked = 0;
  std::string not_constructed;
  std::size_t tensor_only = 0;
  for (auto& spec : metric_specs()) {
    bool all_tensors = true;
    for (auto& in : spec.inputs) all_tensors = all_tensors && in.kind == InputKind::tensor;
    if (!all_tensors) continue;  // string inputs are refused by kind first (text metrics)
    ++tensor_only;
    // Options from the first example (some metrics have required options), else the defaults.
    std::unique_ptr<Metric> metric;
    for (const Json& args : {spec.examples.empty() ? Json::object() : spec.examples[0].args, Json::object()}) {
      try {
        metric = create_metric(spec.name, args);
        break;
      } catch (const Error&) {
      }
    }
    if (!metric) {
      not_constructed += " " + spec.name;
      continue;
    }
    std::vector<TensorView> inputs;
    for (auto& in : spec.inputs)
      if (!in.optional) inputs.push_back(TensorView{bytes.data(), DType::bool_, {4}});
    auto before = metric->save_state();
    auto msg = error_of([&] { metric->update(inputs); });
    EXPECT_NE(msg.find("has dtype bool but holds the byte 85 at flat index 2"), std::string::npos)
        << spec.name << ": " << msg;
    EXPECT_NE(msg.find("`" + spec.inputs[0].name + "`"), std::string::npos) << spec.name << ": " << msg;
    EXPECT_EQ(metric->save_state(), before) << spec.name;
    ++checked;
  }
  // Every metric without required options, or with an example, is checked.
  EXPECT_GT(checked, tensor_only * 9 / 10) << "not constructed:" << not_constructed;
}

TEST(BoolInputs, ZeroAndOneBytesAreReadAsNumbers) {
  const std::vector<std::uint8_t> p = {0, 1, 1, 0}, t = {0, 1, 0, 0};
  auto mse = create_metric("MeanSquaredError", Json::object());
  mse->update(std::vector<TensorView>{{p.data(), DType::bool_, {4}}, {t.data(), DType::bool_, {4}}});
  EXPECT_DOUBLE_EQ(mse->compute().tensor.data.at(0), 0.25);
}

}  // namespace
}  // namespace wasmetrics
