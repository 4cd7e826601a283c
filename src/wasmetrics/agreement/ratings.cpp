#include "wasmetrics/agreement/ratings.hpp"

#include <cmath>

#include "wasmetrics/core/error.hpp"
#include "wasmetrics/core/inputs.hpp"

namespace wasmetrics::agreement {

OptionSpec num_classes_option() {
  return {.name = "num_classes",
          .type = OptionType::integer,
          .default_value = nullptr,
          .min = 1,
          .doc = "number of classes; ratings are class indices in [0, num_classes)"};
}

OptionSpec disagreement_weights_option() {
  return {.name = "weights",
          .type = OptionType::string,
          .default_value = nullptr,
          .choices = {"linear", "quadratic"},
          .nullable = true,
          .doc = "null: every disagreement weighs 1; 'linear': |i - j|; 'quadratic': (i - j)²"};
}

std::int64_t required_classes(const std::string& metric, const Options& o) {
  if (o.is_null("num_classes")) fail(metric, ": option 'num_classes' is required");
  return o.get_int("num_classes");
}

void require_matrix(const std::string& metric, const TensorView& ratings) {
  if (ratings.ndim() != 2)
    fail(metric, ": `ratings` must be a 2-D matrix [units, coders], got ", ratings.ndim(), "-D (shape ",
         shape_str(ratings.shape), ")");
}

std::vector<std::int64_t> class_indices(const std::string& metric, const TensorView& ratings,
                                        std::int64_t num_classes) {
  require_matrix(metric, ratings);
  std::vector<std::int64_t> out;
  out.reserve(static_cast<std::size_t>(ratings.numel()));
  visit_elements(ratings, [&](auto v) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      const double x = static_cast<double>(v[i]);
      if (std::isnan(x))
        fail(metric, " does not accept missing ratings: `ratings` has NaN at unit ", i / ratings.shape[1], ", coder ",
             i % ratings.shape[1]);
      if (!(x >= 0 && x < static_cast<double>(num_classes) && x == std::floor(x)))
        fail(metric, ": `ratings` must be integer class indices in [0, ", num_classes, "), got ", x, " at unit ",
             i / ratings.shape[1], ", coder ", i % ratings.shape[1]);
      out.push_back(static_cast<std::int64_t>(x));
    }
  });
  return out;
}

CodersSlot declare_coders(StateLayout& layout) { return layout.add<std::int64_t>("coders", Reduction::custom, {}); }

void merge_coders(const std::string& metric, CodersSlot coders, State& into, const State& from) {
  auto& mine = coders.value(into);
  const auto theirs = coders.value(from);
  if (theirs == 0) return;
  if (mine != 0 && mine != theirs)
    fail(metric, ": every update must rate with the same number of coders (columns): this one has ", theirs,
         ", the earlier ones ", mine);
  mine = theirs;
}

}  // namespace wasmetrics::agreement
