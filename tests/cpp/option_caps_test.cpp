// Caps on options that scale work or memory (issue 16, item 12): a value past the cap is refused at
// construction, and the message gives the cap and why it is there (what the option multiplies).
// BootStrapper's numBootstraps, a JS wrapper, is checked in tests/js/absurd-shapes.test.mjs.
#include <gtest/gtest.h>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics::testing {
namespace {

// The message of the refusal to build `metric` with `options`, or "" when it was built.
std::string refusal(const std::string& metric, const Json& options) {
  try {
    create_metric(metric, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

struct Cap {
  std::string metric;
  Json options;
  std::vector<std::string> says;  // the cap and the reason, as the message must give them
};

TEST(OptionCaps, PastTheCapIsRefusedNamingTheCapAndWhy) {
  Json many = Json::array();
  for (int i = 0; i <= 100'000; ++i) many.push_back(i / 100'000.0);
  const std::vector<Cap> caps = {
      {"BinaryROC", {{"thresholds", 10'000'000}}, {"thresholds", "at most 100000", "histogram"}},
      {"MulticlassAUROC", {{"num_classes", 3}, {"thresholds", 100'001}}, {"at most 100000", "histogram"}},
      {"BinaryPrecisionRecallCurve", {{"thresholds", many}}, {"at most 100000 values", "histogram"}},
      {"MeanAveragePrecision", {{"rec_thresholds", many}}, {"rec_thresholds", "at most 100000", "precision table"}},
      {"CHRFScore", {{"n_char_order", 1000}}, {"n_char_order", "at most 100", "one more pass"}},
      {"CHRFScore", {{"n_word_order", 1'000'000'000}}, {"n_word_order", "one more pass"}},
      {"BinaryCalibrationError", {{"n_bins", 2'000'000}}, {"n_bins", "1e6", "walks the bins"}},
      {"MulticlassAccuracy", {{"num_classes", 2147483648.0}}, {"num_classes", "16777216", "2^24", "per class"}},
  };
  for (auto& c : caps) {
    const std::string message = refusal(c.metric, c.options);
    ASSERT_FALSE(message.empty()) << c.metric << " " << c.options.dump() << " was accepted";
    for (auto& s : c.says)
      EXPECT_NE(message.find(s), std::string::npos) << c.metric << ": '" << s << "' not in: " << message;
  }
  // At the cap itself the options are accepted.
  EXPECT_EQ(refusal("BinaryROC", {{"thresholds", 100'000}}), "");
  EXPECT_EQ(refusal("CHRFScore", {{"n_char_order", 100}}), "");
}

}  // namespace
}  // namespace wasmetrics::testing
