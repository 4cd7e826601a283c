// The classification input-format stage alone (validation, logits rule, thresholds,
// ignore_index, top-k): options built from the task's option schema pieces, then one
// (preds, target) pair formatted as labels (binary/multilabel) or classes (multiclass).
// Error is the expected refusal; anything else is a finding. Formatted output is checked for
// the invariants the counting kernels rely on.
#include <cstdlib>

#include "fuzz_common.hpp"
#include "wasmetrics/classification/input_format.hpp"

using namespace wasmetrics;
using namespace wasmetrics::classification;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  auto task = static_cast<Task>(in.ConsumeIntegralInRange<int>(0, 2));
  auto test = in.ConsumeBool() ? LogitsTest::whole_tensor : LogitsTest::kept_entries;
  std::vector<OptionSpec> specs = {threshold_option(task), ignore_index_option(), validate_args_option(),
                                   multidim_average_option(), input_kind_option(task)};
  if (task == Task::multiclass) {
    specs.push_back(num_classes_option());
    specs.push_back(top_k_option());
  }
  if (task == Task::multilabel) specs.push_back(num_labels_option());
  try {
    Options options = validate_options("FuzzFormat", specs, fuzz::fuzz_options(in, specs));
    InputFormat f = input_format_from_options(options, task, test);
    auto preds = fuzz::fuzz_tensor(in);
    auto target = fuzz::fuzz_tensor(in);
    if (task == Task::multiclass) {
      ClassLabels c = format_classes(f, preds.view, target.view);
      if (c.target.size() != static_cast<std::size_t>(c.n * c.extra)) std::abort();
      if (c.preds.size() != static_cast<std::size_t>(c.n * c.extra * c.k)) std::abort();
      for (auto t : c.target)
        if (t != ClassLabels::kIgnoredClass && t != ClassLabels::kInvalidClass && (t < 0 || t >= f.num_classes))
          std::abort();
      for (auto p : c.preds)
        if (p != ClassLabels::kInvalidClass && (p < 0 || p >= f.num_classes)) std::abort();
    } else {
      LabelCodes l = format_labels(f, preds.view, target.view);
      if (l.code.size() != static_cast<std::size_t>(l.n * l.labels * l.extra)) std::abort();
      for (auto code : l.code)
        if (code > 3 && code != LabelCodes::kIgnored) std::abort();
    }
  } catch (const Error&) {
  }
  return 0;
}
