// Every text metric's registry examples (MetricExample: TorchMetrics' docstring values) computed
// through the native API, inputs read as the conformance runner reads them.
#include <gtest/gtest.h>

#include "fixture_io.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics::testing {
namespace {

TEST(TextExamples, MatchTheirExpectedValues) {
  int checked = 0;
  for (auto& spec : metric_specs()) {
    if (spec.family != "text") continue;
    EXPECT_FALSE(spec.examples.empty()) << spec.name << " has no example";
    for (auto& ex : spec.examples) {
      auto metric = create_metric(spec.name, ex.args);
      for (auto& b : ex.batches) {
        std::vector<OwnedTensor> tensors;
        std::vector<OwnedText> texts;
        tensors.reserve(spec.inputs.size());
        texts.reserve(spec.inputs.size());
        std::vector<TensorView> views;
        for (auto& in : spec.inputs) {
          if (is_tensor_json(b[in.name])) {
            tensors.push_back(tensor_from_json(b[in.name]));
            views.push_back(tensors.back().view());
          } else {
            texts.push_back(text_from_json(b[in.name], in.kind));
            views.push_back(texts.back().view());
          }
        }
        metric->update(views);
      }
      EXPECT_EQ(compare_result(metric->compute(), ex.expected, ex.atol, ex.rtol), "") << spec.name << ": " << ex.doc;
      ++checked;
    }
  }
  if (checked == 0) GTEST_SKIP() << "no text metric registered";
}

}  // namespace
}  // namespace wasmetrics::testing
