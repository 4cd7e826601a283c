// Runs every case of ../shared/conformance/*.json through the native C++ API. A case whose metric
// is not registered yet is reported as skipped (never passed, never dropped).
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>

#include "fixture_batches.hpp"
#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/registry.hpp"

namespace wasmetrics::testing {
namespace {

std::string conformance_dir() {
  if (const char* env = std::getenv("WASMETRICS_CONFORMANCE_DIR")) return env;
  return WASMETRICS_CONFORMANCE_DIR;
}

struct CaseRef {
  std::string file;
  std::size_t index;
  std::string id;
};
// gtest would otherwise print the struct's raw bytes (padding included) for every case.
void PrintTo(const CaseRef& c, std::ostream* os) { *os << c.file << ":" << c.id; }

const Json& file_cases(const std::string& file) {
  static std::map<std::string, Json> cache;
  auto it = cache.find(file);
  if (it == cache.end()) it = cache.emplace(file, read_json_file(conformance_dir() + "/" + file)["cases"]).first;
  return it->second;
}

std::vector<CaseRef> all_cases() {
  std::vector<CaseRef> out;
  std::vector<std::string> files;
  std::error_code ec;
  for (auto& e : std::filesystem::directory_iterator(conformance_dir(), ec))
    if (e.path().extension() == ".json") files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  for (auto& f : files) {
    const Json& cases = file_cases(f);
    for (std::size_t i = 0; i < cases.size(); ++i) out.push_back({f, i, cases[i]["id"].get<std::string>()});
  }
  return out;
}

bool is_registered(const std::string& name) {
  for (auto& s : metric_specs())
    if (s.name == name) return true;
  return false;
}

// The options of `args` given as integer literals (`1`, not `1.0`) to an option the product declares
// as a number. TorchMetrics refuses a Python int for some float arguments (VMeasureScore's `beta=1`:
// "should be a positive float"); the product takes numbers as JS has them, 1 and 1.0 being one
// number (core/options.hpp, QUIRKS.md C2) — a deliberate leniency.
std::vector<std::string> integer_literals_for_numbers(const Json& args, const MetricSpec& spec) {
  std::vector<std::string> out;
  for (auto& [key, value] : args.items())
    for (auto& o : spec.options)
      if (o.name == key && o.type == OptionType::number && value.is_number_integer()) out.push_back(key);
  return out;
}

// FORMAT-image-audio.md: a tensor argument (SpatialCorrelationCoefficient's `high_pass_filter`) is a
// tensor object; options hold numbers, so the product takes its row-major values (a square kernel).
Json tensor_args_as_values(Json args) {
  for (auto& [key, value] : args.items())
    if (is_tensor_json(value)) value = Json(value["data"]);
  return args;
}

class Conformance : public ::testing::TestWithParam<CaseRef> {};

TEST_P(Conformance, Case) {
  const Json& c = file_cases(GetParam().file)[GetParam().index];
  const std::string metric_name = c["metric"];
  if (!is_registered(metric_name)) GTEST_SKIP() << metric_name << " is not implemented yet";
  const MetricSpec& spec = find_metric(metric_name);
  if (auto extra = inputs_not_taken(c.value("batches", Json::array()), spec); !extra.empty()) {
    std::string names;
    for (auto& e : extra) names += (names.empty() ? "" : ", ") + e;
    GTEST_SKIP() << metric_name << " does not take input " << names << " yet";
  }
  const Json args = tensor_args_as_values(c.value("args", Json::object()));
  const bool is_error = c.contains("error");
  const std::string error_at = c.value("error_at", "");
  const double atol = c.value("atol", 1e-6), rtol = c.value("rtol", 1e-5);

  if (is_error && error_at == "init" && c["error"].get<std::string>().find("float") != std::string::npos) {
    if (auto ints = integer_literals_for_numbers(args, spec); !ints.empty()) {
      try {
        create_metric(metric_name, args);
      } catch (const Error&) {
        return;  // refused for another reason (e.g. out of range): the expected outcome
      }
      GTEST_SKIP() << "deliberate deviation: TorchMetrics refuses the Python int " << ints[0] << "=" << args[ints[0]]
                   << " for a float argument; numbers are numbers here (QUIRKS.md C2)";
    }
  }
  if (is_error && error_at == "init") {
    EXPECT_THROW(create_metric(metric_name, args), Error) << "expected: " << c["error"];
    return;
  }
  auto metric = create_metric(metric_name, args);
  const bool use_forward = c.contains("forward") && error_at != "compute";
  const auto& batches = c["batches"];
  for (std::size_t i = 0; i < batches.size(); ++i) {
    Batch batch = read_batch(batches[i], spec);
    if (is_error && error_at == "update[" + std::to_string(i) + "]") {
      if (use_forward) {
        EXPECT_THROW(metric->forward(batch.views), Error) << "expected: " << c["error"];
      } else {
        EXPECT_THROW(metric->update(batch.views), Error) << "expected: " << c["error"];
      }
      return;
    }
    if (use_forward) {
      Result r = metric->forward(batch.views);
      auto diff = compare_result(r, c["forward"][i], atol, rtol, "forward[" + std::to_string(i) + "]");
      EXPECT_EQ(diff, "");
    } else {
      metric->update(batch.views);
    }
  }
  if (is_error) {
    ASSERT_EQ(error_at, "compute") << "unknown error_at";
    EXPECT_THROW(metric->compute(), Error) << "expected: " << c["error"];
    return;
  }
  auto diff = compare_result(metric->compute(), c["expected"], atol, rtol, "compute()");
  EXPECT_EQ(diff, "");
}

std::string case_name(const ::testing::TestParamInfo<CaseRef>& info) {
  std::string n = info.param.id;
  for (auto& ch : n)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Conformance, ::testing::ValuesIn(all_cases()), case_name);

TEST(ConformanceFixtures, AreFound) { EXPECT_GT(all_cases().size(), 0u) << "no fixtures in " << conformance_dir(); }

}  // namespace
}  // namespace wasmetrics::testing
