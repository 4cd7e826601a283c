#include "wasmetrics/classification/best_thresholds.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "wasmetrics/core/error.hpp"

namespace wasmetrics::classification {

std::vector<OptionSpec> best_thresholds_options() {
  return {
      {.name = "criterion",
       .type = OptionType::string,
       .default_value = "f1",
       .choices = {"f1", "fbeta", "youden", "min_precision", "min_recall"},
       .doc = "'f1' / 'fbeta': maximise F1 / F-beta; 'youden': maximise Youden's J = sensitivity + specificity - 1; "
              "'min_precision': the best recall with precision >= minPrecision; 'min_recall': the best precision with "
              "recall >= minRecall"},
      {.name = "beta",
       .type = OptionType::number,
       .default_value = 1.0,
       .min = 0.0,
       .min_exclusive = true,
       .doc = "the beta of criterion 'fbeta'"},
      {.name = "min_precision",
       .type = OptionType::number,
       .default_value = nullptr,
       .min = 0.0,
       .max = 1.0,
       .nullable = true,
       .doc = "required by criterion 'min_precision'"},
      {.name = "min_recall",
       .type = OptionType::number,
       .default_value = nullptr,
       .min = 0.0,
       .max = 1.0,
       .nullable = true,
       .doc = "required by criterion 'min_recall'"},
  };
}

ThresholdChoice threshold_choice_from_options(const Options& args) {
  ThresholdChoice c;
  const std::string name = args.get_string("criterion");
  auto required = [&](const char* option) {
    if (args.is_null(option))
      fail(args.metric(), ": criterion '", name, "' needs option '", to_camel_case(option), "' (a number in [0, 1])");
    return args.get_number(option);
  };
  if (name == "f1") {
    c.criterion = ThresholdCriterion::f_beta;
  } else if (name == "fbeta") {
    c.criterion = ThresholdCriterion::f_beta;
    c.beta = args.get_number("beta");
  } else if (name == "youden") {
    c.criterion = ThresholdCriterion::youden;
  } else if (name == "min_precision") {
    c.criterion = ThresholdCriterion::min_precision;
    c.minimum = required("min_precision");
  } else {
    c.criterion = ThresholdCriterion::min_recall;
    c.minimum = required("min_recall");
  }
  return c;
}

namespace {

// One candidate: predicting positive the samples counted in (tp, fp).
struct Point {
  double threshold;
  double tp, fp;
};

struct Scored {
  double value, tiebreak;  // tiebreak: precision (min_precision) or recall (min_recall)
  bool qualifies;
};

Scored score(const ThresholdChoice& c, double tp, double fp, double pos, double neg) {
  const double precision = tp + fp > 0 ? tp / (tp + fp) : 0.0;
  const double recall = pos > 0 ? tp / pos : 0.0;
  switch (c.criterion) {
    case ThresholdCriterion::f_beta: {
      const double b2 = c.beta * c.beta, denom = (1 + b2) * tp + b2 * (pos - tp) + fp;
      return {denom > 0 ? (1 + b2) * tp / denom : 0.0, 0.0, true};
    }
    case ThresholdCriterion::youden:
      return {recall - (neg > 0 ? fp / neg : 0.0), 0.0, true};
    case ThresholdCriterion::min_precision:
      return {recall, precision, tp + fp > 0 && precision >= c.minimum};
    case ThresholdCriterion::min_recall:
      return {precision, recall, tp + fp > 0 && recall >= c.minimum};
  }
  return {0, 0, false};
}

// The largest float32 strictly below x.
float below(float x) { return std::nextafter(x, -std::numeric_limits<float>::infinity()); }

// A float32 t with lower <= t < upper, halfway where the two are not neighbours.
float between(float lower, float upper) {
  float mid = static_cast<float>(0.5 * static_cast<double>(lower) + 0.5 * static_cast<double>(upper));
  return mid < upper ? mid : below(upper);
}

// The same in float64 (the scores of a float64 state).
double between(double lower, double upper) {
  const double mid = 0.5 * lower + 0.5 * upper;
  return mid < upper ? mid : std::nextafter(upper, -std::numeric_limits<double>::infinity());
}

// Candidates from the most to the least conservative, each with its feedable threshold; sets the
// totals of positives and negatives.
std::vector<Point> candidates(const ClassCurve& c, const std::vector<float>& given_thr, double& pos, double& neg) {
  std::vector<Point> pts;
  if (c.binned) {
    pos = c.pos;
    neg = c.neg;
    for (std::size_t j = 0; j < c.tp.size(); ++j)
      if (given_thr[j] > 0.0f) pts.push_back({below(given_thr[j]), c.tp[j], c.fp[j]});
    std::stable_sort(pts.begin(), pts.end(), [](const Point& a, const Point& b) { return a.threshold > b.threshold; });
    return pts;
  }
  const std::size_t n = c.tps.size();  // distinct scores, descending, with cumulative counts
  pos = n ? c.tps[n - 1] : 0.0;
  neg = n ? c.fps[n - 1] : 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    // scores are probabilities: the next lower distinct score, or 0 below the lowest
    const double lower = i + 1 < n ? c.thr[i + 1] : 0.0;
    if (!(c.thr[i] > 0.0) || !(lower >= 0.0)) continue;
    const double t =
        c.f64 ? between(lower, c.thr[i]) : between(static_cast<float>(lower), static_cast<float>(c.thr[i]));
    pts.push_back({t, c.tps[i], c.fps[i]});
  }
  return pts;
}

}  // namespace

BestThreshold best_threshold(const ClassCurve& curve, const std::vector<float>& given_thr,
                             const ThresholdChoice& choice) {
  double pos = 0, neg = 0;
  const std::vector<Point> pts = candidates(curve, given_thr, pos, neg);
  // "predict nothing" (threshold 1) first: a later point must beat it strictly, so ties keep the
  // more conservative threshold.
  Point best{1.0, 0.0, 0.0};
  Scored best_score = score(choice, 0.0, 0.0, pos, neg);
  for (const Point& p : pts) {
    const Scored s = score(choice, p.tp, p.fp, pos, neg);
    if (!s.qualifies) continue;
    if (!best_score.qualifies || s.value > best_score.value ||
        (s.value == best_score.value && s.tiebreak > best_score.tiebreak)) {
      best = p;
      best_score = s;
    }
  }
  BestThreshold out;
  out.threshold = best.threshold;
  out.value = best_score.qualifies ? best_score.value : 0.0;
  out.precision = best.tp + best.fp > 0 ? best.tp / (best.tp + best.fp) : 0.0;
  out.recall = pos > 0 ? best.tp / pos : 0.0;
  out.specificity = neg > 0 ? (neg - best.fp) / neg : 0.0;
  return out;
}

}  // namespace wasmetrics::classification
