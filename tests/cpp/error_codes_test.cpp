// The stable error codes (core/error_code.hpp): every code the core raises, produced by a real call and
// checked by code and argument, never by wording. E_DISPOSED and E_NOT_INITIALIZED are the JS
// layer's, E_OUT_OF_MEMORY the binding's (tests/js/error-codes.test.mjs covers them).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <string>

#include "test_buffers.hpp"
#include "wasmetrics/core/error_code.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics {
namespace {

using testing::buf;
using testing::Buf;

struct Caught {
  bool thrown = false;
  std::optional<ErrorCode> code;
  std::string argument, message;
};

Caught caught(const std::function<void()>& f) {
  try {
    f();
  } catch (const CodedError& e) {
    return {true, e.code(), e.argument(), e.what()};
  } catch (const Error& e) {
    return {true, std::nullopt, "", e.what()};
  }
  return {};
}

// Expects f to throw an Error tagged `code` (and naming `argument` when given).
void expect_code(const std::function<void()>& f, ErrorCode code, const char* argument = nullptr) {
  Caught c = caught(f);
  ASSERT_TRUE(c.thrown) << "nothing thrown; expected " << error_code_name(code);
  ASSERT_TRUE(c.code.has_value()) << "untagged: " << c.message;
  EXPECT_STREQ(error_code_name(*c.code), error_code_name(code)) << c.message;
  EXPECT_FALSE(c.message.empty());
  if (argument) EXPECT_EQ(c.argument, argument) << c.message;
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(ErrorCodes, NamesAreUniqueAndWellFormed) {
  std::set<std::string> names;
#define CHECK_CODE(code, doc)                            \
  EXPECT_TRUE(names.insert(#code).second) << #code;      \
  EXPECT_STREQ(error_code_name(ErrorCode::code), #code); \
  EXPECT_GT(std::string(doc).size(), 10u) << #code << " has no line of text";
  WASMETRICS_ERROR_CODES(CHECK_CODE)
#undef CHECK_CODE
  EXPECT_GE(names.size(), 14u);
}

TEST(ErrorCodes, UnknownMetricAndOptions) {
  expect_code([] { create_metric("MeanSquaredErorr", Json::object()); }, ErrorCode::E_UNKNOWN_METRIC);
  expect_code([] { create_metric("MeanSquaredError", {{"foo", 1}}); }, ErrorCode::E_OPTION, "foo");
  // the caller's spelling is the argument
  expect_code([] { create_metric("MeanSquaredError", {{"numOutputs", 0}}); }, ErrorCode::E_OPTION, "numOutputs");
  // the shared classification option checks name the option
  expect_code([] { create_metric("MulticlassAccuracy", {{"num_classes", 1}}); }, ErrorCode::E_OPTION, "num_classes");
  expect_code([] { create_metric("MulticlassAccuracy", Json::object()); }, ErrorCode::E_OPTION, "num_classes");
  expect_code(
      [] {
        create_metric("MulticlassAccuracy", {{"num_classes", 3}, {"labels", {"a", "b"}}});
      },
      ErrorCode::E_OPTION, "labels");
  // a metric's own untagged check of its options is E_OPTION too
  expect_code([] { create_metric("TweedieDevianceScore", {{"power", 0.5}}); }, ErrorCode::E_OPTION);
}

TEST(ErrorCodes, InputShapeDtypeLabelRangeNonFinite) {
  auto mse = create_metric("MeanSquaredError", Json::object());
  auto p3 = buf<float>({1, 2, 3});
  expect_code([&] { mse->update(std::vector<TensorView>{p3.view()}); }, ErrorCode::E_INPUT);  // one input
  // a bool input holding a byte other than 0 or 1 (Metric's one rule for bools)
  Buf<std::uint8_t> bools{{1, 2, 0}, {3}};
  TensorView bool_view{bools.v.data(), DType::bool_, bools.shape};
  expect_code([&] { mse->update(std::vector<TensorView>{bool_view, p3.view()}); }, ErrorCode::E_INPUT, "preds");

  auto acc = create_metric("MulticlassAccuracy", {{"num_classes", 3}});
  auto labels = buf<std::int32_t>({0, 1, 2}), out_of_range = buf<std::int32_t>({0, 5, 1});
  expect_code([&] { testing::update(*acc, labels, out_of_range); }, ErrorCode::E_LABEL_RANGE, "target");
  auto int_scores = buf<std::int32_t>({1, 0, 0, 0, 1, 0, 0, 0, 1}, {3, 3});
  expect_code([&] { testing::update(*acc, int_scores, labels); }, ErrorCode::E_DTYPE, "preds");
  auto nan_scores = buf<double>({0.2, 0.3, 0.5, kNaN, 0.5, 0.5, 0.1, 0.1, 0.8}, {3, 3});
  expect_code([&] { testing::update(*acc, nan_scores, labels); }, ErrorCode::E_NON_FINITE, "preds");
  auto ragged = buf<std::int32_t>({0, 1});
  expect_code([&] { testing::update(*acc, ragged, labels); }, ErrorCode::E_SHAPE);

  // a metric's own untagged refusal of its inputs is E_INPUT
  auto tweedie = create_metric("TweedieDevianceScore", {{"power", 1.0}});
  auto pos = buf<float>({1, 2}), neg = buf<float>({-1, 2});
  expect_code([&] { testing::update(*tweedie, pos, neg); }, ErrorCode::E_INPUT);

  // a refused update leaves the state unchanged
  auto fresh = create_metric("MulticlassAccuracy", {{"num_classes", 3}});
  testing::update(*acc, labels, labels);
  testing::update(*fresh, labels, labels);
  EXPECT_EQ(acc->save_state(), fresh->save_state());
}

// The shared checks of core/inputs.hpp and core/sample_weight.hpp tag their refusals and name the
// argument (as the metric's inputs name it).
TEST(ErrorCodes, SharedInputChecks) {
  auto mse = create_metric("MeanSquaredError", Json::object());
  auto p3 = buf<float>({1, 2, 3}), t2 = buf<float>({1, 2});
  expect_code([&] { testing::update(*mse, p3, t2); }, ErrorCode::E_SHAPE, "preds");  // require_same_shape

  auto pearson = create_metric("PearsonCorrCoef", Json::object());
  auto ints = buf<std::int32_t>({1, 2, 3});
  expect_code([&] { testing::update(*pearson, ints, p3); }, ErrorCode::E_DTYPE, "preds");  // require_floating
  expect_code([&] { testing::update(*pearson, p3, ints); }, ErrorCode::E_DTYPE, "target");

  auto acc = create_metric("BinaryAccuracy", Json::object());
  auto preds = buf<float>({0.2f, 0.8f, 0.6f});
  auto target = buf<std::int32_t>({0, 1, 1});
  auto weigh = [&](const auto& w) {
    std::vector<TensorView> in{preds.view(), target.view(), w.view()};
    acc->update(in);
  };
  expect_code([&] { weigh(buf<double>({1, 1})); }, ErrorCode::E_SHAPE, "sample_weight");
  expect_code([&] { weigh(buf<double>({1, kNaN, 1})); }, ErrorCode::E_NON_FINITE, "sample_weight");
  expect_code(
      [&] {
        weigh(buf<double>({1, std::numeric_limits<double>::infinity(), 1}));
      },
      ErrorCode::E_NON_FINITE, "sample_weight");
  expect_code([&] { weigh(buf<double>({1, -1, 1})); }, ErrorCode::E_INPUT, "sample_weight");
  weigh(buf<double>({1, 0, 2}));  // accepted
}

TEST(ErrorCodes, ComputeQueryStateBlobStateMismatch) {
  auto r2 = create_metric("R2Score", Json::object());
  auto one = buf<float>({1});
  testing::update(*r2, one, one);
  expect_code([&] { r2->compute(); }, ErrorCode::E_COMPUTE);

  auto mse = create_metric("MeanSquaredError", Json::object());
  expect_code([&] { mse->query("no_such_query", Json::object()); }, ErrorCode::E_QUERY);

  const std::vector<std::uint8_t> junk{1, 2, 3, 4};
  expect_code([&] { mse->load_state(junk); }, ErrorCode::E_STATE_BLOB);
  auto a = create_metric("MulticlassAccuracy", {{"num_classes", 3}});
  auto b = create_metric("MulticlassAccuracy", {{"num_classes", 4}});
  auto blob = b->save_state();
  expect_code([&] { a->load_state(blob); }, ErrorCode::E_STATE_BLOB);
  expect_code([&] { a->merge(*b); }, ErrorCode::E_STATE_MISMATCH);
  expect_code([&] { mse->merge(*a); }, ErrorCode::E_STATE_MISMATCH);
  expect_code([&] { a->compute_from(*b); }, ErrorCode::E_STATE_MISMATCH);
}

TEST(ErrorCodes, TagUntaggedKeepsATagAndTheArgument) {
  Caught kept = caught([] { tag_untagged(ErrorCode::E_INPUT, [] { fail_as(ErrorCode::E_SHAPE, "preds", "x"); }); });
  EXPECT_EQ(kept.code, ErrorCode::E_SHAPE);
  EXPECT_EQ(kept.argument, "preds");
  Caught tagged = caught([] { tag_untagged(ErrorCode::E_INPUT, [] { fail("y"); }); });
  EXPECT_EQ(tagged.code, ErrorCode::E_INPUT);
  EXPECT_EQ(tagged.message, "y");
}

}  // namespace
}  // namespace wasmetrics
