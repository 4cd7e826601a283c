// State-blob loading. Input: byte 0 picks a registry metric, byte 1 says whether to repair the
// trailing checksum (so mutations reach the decoder behind it), bytes 2-3 a little-endian length
// L, then L bytes of options JSON, then the blob. The seeds (make_seeds.cpp) are real blobs. A blob must be rejected
// with Error or load into a state that computes (or refuses with Error) and saves back to the same bytes.
#include <cstdlib>

#include "fuzz_common.hpp"
#include "wasmetrics/core/metric.hpp"
#include "wasmetrics/core/registry.hpp"
#include "wasmetrics/core/state_blob.hpp"

using namespace wasmetrics;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const auto& specs = metric_specs();
  const MetricSpec& spec = specs[data[0] % specs.size()];
  bool repair_checksum = data[1] & 1;

  std::size_t json_len = data[2] | (data[3] << 8);
  if (4 + json_len > size) return 0;
  Json options = Json::parse(data + 4, data + 4 + json_len, nullptr, false);
  if (!options.is_object()) return 0;  // the JS side always passes an object
  std::vector<std::uint8_t> blob(data + 4 + json_len, data + size);
  if (repair_checksum && blob.size() >= 8) {
    auto sum = fnv1a64(std::span<const std::uint8_t>(blob.data(), blob.size() - 8));
    for (int i = 0; i < 8; ++i) blob[blob.size() - 8 + i] = static_cast<std::uint8_t>(sum >> (8 * i));
  }
  std::unique_ptr<Metric> metric;
  try {
    metric = create_metric(spec.name, options);
  } catch (const Error&) {
    return 0;
  }
  try {
    metric->load_state(blob);
  } catch (const Error&) {
    return 0;
  }
  if (metric->save_state() != blob) std::abort();
  try {
    metric->compute();
  } catch (const Error&) {
  }
  return 0;
}
