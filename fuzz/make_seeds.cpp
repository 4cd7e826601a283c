// Writes the committed seed corpus: fuzz/corpus/<target>/<name>. Run by hand after adding
// metrics (`build/fuzz/fuzz_make_seeds fuzz/corpus`); the fuzzers extend it as they run.
//   state_blob: per metric, a working options set and real blobs (empty state and after updates)
//   metrics:    per metric, bytes whose tail selects that metric (FuzzedDataProvider reads
//               integers from the end), with a deterministic pseudo-random body
//   input_format: a few pseudo-random inputs per task
#include <filesystem>
#include <fstream>
#include <random>

#include "wasmetrics/core/metric.hpp"
#include "wasmetrics/core/registry.hpp"

using namespace wasmetrics;
namespace fs = std::filesystem;

static void write(const fs::path& p, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

int main(int argc, char** argv) {
  fs::path root = argc > 1 ? argv[1] : "fuzz/corpus";
  for (auto t : {"state_blob", "metrics", "input_format"}) fs::create_directories(root / t);
  std::mt19937 rng(9);
  auto body = [&](std::size_t n) {
    std::vector<std::uint8_t> b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    return b;
  };
  const Json candidates[] = {
      Json::object(),       {{"task", "binary"}},
      {{"num_classes", 3}}, {{"task", "multiclass"}, {"num_classes", 3}},
      {{"num_labels", 3}},  {{"task", "multilabel"}, {"num_labels", 3}},
      {{"num_outputs", 1}}, {{"num_classes", 2}},
  };
  std::vector<float> probs = {0.2f, 0.8f, 0.6f, 0.1f, 0.3f, 0.9f, 0.4f, 0.5f, 0.7f, 0.05f, 0.15f, 0.25f};
  std::vector<std::int64_t> labels = {0, 1, 1, 0, 2, 1, 0, 2, 1, 1, 0, 2};
  const auto& specs = metric_specs();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto& spec = specs[i];
    for (const Json& options : candidates) {
      std::unique_ptr<Metric> m;
      try {
        m = create_metric(spec.name, options);
      } catch (const Error&) {
        continue;
      }
      std::string text = options.dump();
      auto seed = [&](const std::string& tag) {
        std::vector<std::uint8_t> bytes = {static_cast<std::uint8_t>(i), 1, static_cast<std::uint8_t>(text.size()),
                                           static_cast<std::uint8_t>(text.size() >> 8)};
        bytes.insert(bytes.end(), text.begin(), text.end());
        auto blob = m->save_state();
        bytes.insert(bytes.end(), blob.begin(), blob.end());
        write(root / "state_blob" / (spec.name + "-" + tag), bytes);
      };
      seed("empty");
      // Generic batches; whichever the metric accepts gives a non-empty state.
      const Shape shapes[] = {{12}, {4, 3}, {6, 2}};
      for (auto& sh : shapes) {
        TensorView p{probs.data(), DType::float32, sh}, t{labels.data(), DType::int64, sh};
        TensorView pt{probs.data(), DType::float32, sh};
        std::vector<TensorView> ins;
        for (std::size_t k = 0; k < spec.inputs.size(); ++k) ins.push_back(k == 0 ? p : (k == 1 ? t : pt));
        for (int attempt = 0; attempt < 2; ++attempt) {
          try {
            m->update(ins);
            seed("shape" + std::to_string(sh.size()) + "-" + std::to_string(attempt));
            break;
          } catch (const Error&) {
            if (ins.size() > 1) ins[1] = pt;  // regression metrics want float targets
          }
        }
      }
      break;
    }
    for (int v = 0; v < 2; ++v) {
      auto bytes = body(v ? 200 : 64);
      bytes.push_back(static_cast<std::uint8_t>(i));
      bytes.push_back(1);  // not the random-name branch (0 mod 64)
      write(root / "metrics" / (spec.name + "-" + std::to_string(v)), bytes);
    }
  }
  for (int task = 0; task < 3; ++task)
    for (int v = 0; v < 3; ++v) {
      auto bytes = body(48 + 40 * v);
      bytes.push_back(static_cast<std::uint8_t>(task));
      write(root / "input_format" / ("task" + std::to_string(task) + "-" + std::to_string(v)), bytes);
    }
  return 0;
}
