// Every registry metric: create with fuzzer-chosen options, then a fuzzer-chosen sequence of
// update / forward / compute / merge / save+load / reset over fuzzer-built tensors. The project's
// Error is the expected way to refuse anything; any other exception, a crash, a sanitizer report
// or a leak is a finding. After a refused update the state must be byte-identical to before.
// WASMETRICS_FUZZ_TRACE=1 prints what a unit does (metric, options, each step with its inputs and
// time), to turn a slow or failing unit into a regression test.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "fuzz_common.hpp"
#include "wasmetrics/core/metric.hpp"
#include "wasmetrics/core/registry.hpp"

using namespace wasmetrics;

namespace {

std::vector<fuzz::FuzzTensor> fuzz_inputs(FuzzedDataProvider& in, const MetricSpec& spec) {
  std::size_t count = spec.inputs.size();
  if (in.ConsumeIntegralInRange<int>(0, 15) == 0)
    count = in.ConsumeIntegralInRange<std::size_t>(0, 4);
  else if (count && spec.inputs.back().optional && in.ConsumeBool())
    --count;
  std::vector<fuzz::FuzzTensor> out;
  for (std::size_t i = 0; i < count; ++i) out.push_back(fuzz::fuzz_tensor(in));
  return out;
}

std::vector<TensorView> views(const std::vector<fuzz::FuzzTensor>& ts) {
  std::vector<TensorView> v;
  for (auto& t : ts) v.push_back(t.view);
  return v;
}

const bool tracing = std::getenv("WASMETRICS_FUZZ_TRACE") != nullptr;

std::string describe(const std::vector<TensorView>& vs) {
  std::string out;
  for (auto& v : vs) out += (out.empty() ? "" : ", ") + std::string(dtype_name(v.dtype)) + shape_str(v.shape);
  return "(" + out + ")";
}

// Prints one step and its duration when tracing.
struct TraceStep {
  const char* op;
  std::string detail;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  ~TraceStep() {
    if (!tracing) return;
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "  %s%s: %.1f ms\n", op, detail.c_str(), ms);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const auto& specs = metric_specs();
  std::string name = in.ConsumeIntegralInRange<int>(0, 63) == 0
                         ? in.ConsumeRandomLengthString(16)
                         : specs[in.ConsumeIntegralInRange<std::size_t>(0, specs.size() - 1)].name;
  std::unique_ptr<Metric> metric, other;
  const MetricSpec* spec = nullptr;
  try {
    spec = &find_metric(name);
    Json options = fuzz::fuzz_options(in, spec->options);
    metric = create_metric(name, options);
    other = create_metric(name, options);
    // Options may legally ask for states of up to 1 GiB (2^24 classes); every step below copies
    // the state a few times, which under ASan takes longer than the hang timeout. Such sizes are
    // covered by tests/js/big-data.test.mjs; here they would only be reported as slow units.
    // (Building the state is also where a state over the cap is refused, as the binding does.)
    if (metric->state().byte_size() > (64u << 20)) return 0;
    if (tracing)
      std::fprintf(stderr, "%s %s, state %zu bytes\n", name.c_str(), metric->options().canonical().c_str(),
                   metric->state().byte_size());
  } catch (const Error&) {
    return 0;
  }

  int steps = in.ConsumeIntegralInRange<int>(1, 6);
  for (int s = 0; s < steps && in.remaining_bytes() > 0; ++s) {
    int op = in.ConsumeIntegralInRange<int>(0, 7);
    try {
      if (op <= 3) {  // update (the common case), forward, or an update of the second instance
        auto ts = fuzz_inputs(in, *spec);
        auto vs = views(ts);
        TraceStep trace{op == 3 ? "update(other)" : op == 2 ? "forward" : "update", describe(vs)};
        if (op == 3) {
          other->update(vs);
          continue;
        }
        auto before = metric->save_state();
        try {
          if (op == 2)
            metric->forward(vs);
          else
            metric->update(vs);
        } catch (const Error& e) {
          // All-or-nothing: a refused batch leaves the state exactly as it was. A forward() folds
          // the batch in before computing its value (as TorchMetrics), so when only that value
          // fails (an all-ignored batch, max_fpr > 1 ...) the state is that of a plain update.
          auto expected = before;
          if (op == 2) {
            auto replay = create_metric(name, metric->options().json());
            replay->load_state(before);
            try {
              replay->update(vs);
              expected = replay->save_state();
            } catch (const Error&) {
            }
          }
          if (metric->save_state() != expected) {
            std::fprintf(stderr, "a rejected %s changed the state: %s %s (%s)\n", op == 2 ? "forward" : "update",
                         name.c_str(), metric->options().canonical().c_str(), e.what());
            std::abort();
          }
          throw;
        }
      } else if (op == 4) {
        TraceStep trace{"compute", ""};
        metric->compute();
      } else if (op == 5) {
        TraceStep trace{"merge", ""};
        metric->merge(*other);
      } else if (op == 6) {  // a saved state loads into a fresh instance and saves identically
        TraceStep trace{"save/load", ""};
        auto blob = metric->save_state();
        auto copy = create_metric(name, metric->options().json());
        copy->load_state(blob);
        if (copy->save_state() != blob) {
          std::fprintf(stderr, "save/load round trip differs: %s %s\n", name.c_str(),
                       metric->options().canonical().c_str());
          std::abort();
        }
      } else {
        TraceStep trace{"reset", ""};
        metric->reset();
      }
    } catch (const Error& e) {
      if (tracing) std::fprintf(stderr, "  refused: %s\n", e.what());
    }
  }
  try {
    TraceStep trace{"final compute", ""};
    metric->compute();
  } catch (const Error&) {
  }
  return 0;
}
