#include "wasmetrics/nominal/labels.hpp"

#include <cmath>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/inputs.hpp"
#include "wasmetrics/core/tensor_adapt.hpp"

namespace wasmetrics::nominal {

NanHandling NanHandling::from(const std::string& metric, const Options& o) {
  NanHandling h;
  h.drop = o.get_string("nan_strategy") == "drop";
  if (!h.drop) {
    if (o.is_null("nan_replace_value"))
      fail(metric, ": `nan_replace_value` must be a number when `nan_strategy` is 'replace', got null");
    h.replace_value = o.get_number("nan_replace_value");
  }
  return h;
}

std::vector<OptionSpec> nan_options() {
  return {
      {.name = "nan_strategy",
       .type = OptionType::string,
       .default_value = "replace",
       .choices = {"replace", "drop"},
       .doc = "'replace': NaN labels become nan_replace_value; 'drop': pairs with a NaN are left out"},
      {.name = "nan_replace_value",
       .type = OptionType::number,
       .default_value = 0.0,
       .nullable = true,
       .doc = "the value NaN labels are replaced by (nan_strategy='replace')"},
  };
}

namespace {

// One label per row: the value itself (1-D) or argmax over the row (2-D), as double (NaN kept).
std::vector<double> row_labels(const std::string& metric, const char* name, const TensorView& t) {
  if (t.ndim() != 1 && t.ndim() != 2)
    fail(metric, ": `", name, "` must be 1-D labels or 2-D [N, C] scores, got shape ", shape_str(t.shape));
  if (t.ndim() == 1) return visit_adapted(t, [](const auto& v) { return std::vector<double>(v.begin(), v.end()); });
  const auto rows = static_cast<std::size_t>(t.shape[0]), cols = static_cast<std::size_t>(t.shape[1]);
  if (cols == 0 && rows > 0)
    fail(metric, ": `", name, "` of shape ", shape_str(t.shape), " has no column to take the argmax of");
  std::vector<double> out(rows);
  visit_adapted(t, [&](const auto& s) {  // [rows, cols]
    // torch.argmax: the first NaN is the maximum (xt::argmax does not order NaN so: a hand loop).
    for (std::size_t r = 0; r < rows; ++r) {
      std::size_t best = 0;
      for (std::size_t c = 0; c < cols; ++c) {
        const double v = static_cast<double>(s(r, c));
        const double b = static_cast<double>(s(r, best));
        if (std::isnan(b)) break;
        if (std::isnan(v) || v > b) best = c;
      }
      out[r] = static_cast<double>(best);
    }
  });
  return out;
}

}  // namespace

LabelPairs read_label_pairs(const std::string& metric, const TensorView& preds, const TensorView& target,
                            std::int64_t num_classes, const NanHandling& nan) {
  auto p = row_labels(metric, "preds", preds);
  auto t = row_labels(metric, "target", target);
  if (p.size() != t.size())
    fail(metric, ": `preds` and `target` must hold the same number of samples, got ", p.size(), " (shape ",
         shape_str(preds.shape), ") and ", t.size(), " (shape ", shape_str(target.shape), ")");
  LabelPairs out;
  out.target.reserve(t.size());
  out.preds.reserve(p.size());
  auto index = [&](double v, const char* name) -> std::int64_t {
    if (std::isnan(v)) v = nan.replace_value;
    const double truncated = std::trunc(v);
    if (!(truncated >= 0 && truncated < static_cast<double>(num_classes)))
      fail(metric, ": `", name, "` holds the label ", v, ", outside [0, num_classes=", num_classes, ")");
    return static_cast<std::int64_t>(truncated);
  };
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (nan.drop && (std::isnan(p[i]) || std::isnan(t[i]))) continue;
    out.preds.push_back(index(p[i], "preds"));
    out.target.push_back(index(t[i], "target"));
  }
  return out;
}

}  // namespace wasmetrics::nominal
