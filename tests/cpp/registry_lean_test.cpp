// The lean registry creation reads (registry_lean.hpp): every registered metric is found by name
// with the same schema as the full registry; unknown names are not found.
#include <gtest/gtest.h>

#include "wasmetrics/core/registry_lean.hpp"

namespace wasmetrics {
namespace {

TEST(RegistryLean, FindsEveryMetricWithTheFullSchema) {
  for (const MetricSpec& full : metric_specs()) {
    const MetricSpec* lean = lean_metric_spec(full.name);
    ASSERT_NE(lean, nullptr) << full.name;
    EXPECT_EQ(lean->name, full.name);
    EXPECT_EQ(lean->family, full.family);
    ASSERT_EQ(lean->inputs.size(), full.inputs.size()) << full.name;
    ASSERT_EQ(lean->options.size(), full.options.size()) << full.name;
    for (std::size_t i = 0; i < full.options.size(); ++i) {
      EXPECT_EQ(lean->options[i].name, full.options[i].name) << full.name;
      EXPECT_EQ(lean->options[i].default_value, full.options[i].default_value) << full.name;
    }
    ASSERT_EQ(lean->queries.size(), full.queries.size()) << full.name;
    EXPECT_FALSE(full.examples.empty()) << full.name;
  }
}

TEST(RegistryLean, UnknownNamesAreNotFound) {
  EXPECT_EQ(lean_metric_spec("MeanSquaredErorr"), nullptr);
  EXPECT_EQ(lean_metric_spec(""), nullptr);
  EXPECT_THROW(create_metric("MeanSquaredErorr", Json::object()), Error);
}

TEST(RegistryLean, CreatedMetricsPointAtTheirSpec) {
  auto m = create_metric("MeanSquaredError", Json::object());
  ASSERT_NE(m->spec(), nullptr);
  EXPECT_EQ(m->spec()->name, "MeanSquaredError");
  EXPECT_EQ(m->spec(), lean_metric_spec("MeanSquaredError"));
}

}  // namespace
}  // namespace wasmetrics

namespace wasmetrics {
namespace {

TEST(RegistryLean, ByPositionBuildsTheSpecAtThatPosition) {
  const auto& all = metric_specs();
  for (std::size_t i = 0; i < all.size(); i += 17) {
    const MetricSpec* s = lean_metric_spec_at(i, all[i].name);
    ASSERT_NE(s, nullptr) << all[i].name;
    EXPECT_EQ(s->name, all[i].name);
    EXPECT_EQ(s->options.size(), all[i].options.size()) << all[i].name;
  }
  EXPECT_EQ(lean_metric_spec_at(0, "NotAtZero"), nullptr);
  // once the full registry exists (metric_specs() above), the position is not needed
  ASSERT_NE(lean_metric_spec_at(all.size(), all[0].name), nullptr);
  EXPECT_EQ(lean_metric_spec_at(all.size(), all[0].name)->name, all[0].name);
  auto m = create_metric_at(0, all[0].name, Json::object());
  EXPECT_EQ(m->name(), all[0].name);
  // a wrong position falls back to the name
  auto mse = create_metric_at(3, "MeanSquaredError", Json::object());
  EXPECT_EQ(mse->name(), "MeanSquaredError");
  EXPECT_THROW(create_metric_at(0, "MeanSquaredErorr", Json::object()), Error);
}

}  // namespace
}  // namespace wasmetrics
