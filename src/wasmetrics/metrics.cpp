// The one list of metrics. Adding a metric: write its file (defining `<id>_spec()`), add one
// X(<id>) line below. Everything else (Embind, JS classes, TypeScript, docs) reads the registry.
#include "wasmetrics/core/registry.hpp"

// One list per family, so that work on different families never edits the same lines.
#define WASMETRICS_REGRESSION(X) \
  X(mean_squared_error) \
  X(mean_absolute_error) \
  X(mean_absolute_percentage_error) \
  X(symmetric_mean_absolute_percentage_error) \
  X(weighted_mean_absolute_percentage_error) \
  X(mean_squared_log_error) \
  X(r2_score) \
  X(pearson_corr_coef) \
  X(spearman_corr_coef) \
  X(kendall_rank_corr_coef) \
  X(explained_variance) \
  X(cosine_similarity) \
  X(log_cosh_error) \
  X(tweedie_deviance_score) \
  X(concordance_corr_coef) \
  X(relative_squared_error) \
  X(minkowski_distance) \
  X(kl_divergence)

#define WASMETRICS_AGGREGATION(X) \
  X(mean_metric) \
  X(sum_metric) \
  X(max_metric) \
  X(min_metric) \
  X(cat_metric) \
  X(running_mean) \
  X(running_sum)

#define WASMETRICS_CLASSIFICATION(X) \
  X(binary_accuracy) \
  X(multiclass_accuracy) \
  X(multilabel_accuracy) \
  X(binary_precision) \
  X(multiclass_precision) \
  X(multilabel_precision) \
  X(binary_recall) \
  X(multiclass_recall) \
  X(multilabel_recall) \
  X(binary_f1_score) \
  X(multiclass_f1_score) \
  X(multilabel_f1_score) \
  X(binary_fbeta_score) \
  X(multiclass_fbeta_score) \
  X(multilabel_fbeta_score) \
  X(binary_specificity) \
  X(multiclass_specificity) \
  X(multilabel_specificity) \
  X(binary_negative_predictive_value) \
  X(multiclass_negative_predictive_value) \
  X(multilabel_negative_predictive_value) \
  X(binary_hamming_distance) \
  X(multiclass_hamming_distance) \
  X(multilabel_hamming_distance) \
  X(binary_stat_scores) \
  X(multiclass_stat_scores) \
  X(multilabel_stat_scores) \
  X(multiclass_exact_match) \
  X(multilabel_exact_match) \
  X(binary_confusion_matrix) \
  X(multiclass_confusion_matrix) \
  X(multilabel_confusion_matrix) \
  X(binary_jaccard_index) \
  X(multiclass_jaccard_index) \
  X(multilabel_jaccard_index) \
  X(binary_matthews_corr_coef) \
  X(multiclass_matthews_corr_coef) \
  X(multilabel_matthews_corr_coef) \
  X(binary_cohen_kappa) \
  X(multiclass_cohen_kappa)

#define WASMETRICS_SEGMENTATION(X) \
  X(mean_iou) \
  X(generalized_dice_score) \
  X(dice_score) \
  X(hausdorff_distance)

#define WASMETRICS_DETECTION(X) \
  X(mean_average_precision) \
  X(intersection_over_union) \
  X(generalized_intersection_over_union) \
  X(distance_intersection_over_union) \
  X(complete_intersection_over_union)

// Curves, calibration, hinge and ranking metrics (classification, second part).
#define WASMETRICS_CLASSIFICATION_CURVES(X) \
  X(binary_roc) \
  X(multiclass_roc) \
  X(multilabel_roc) \
  X(binary_precision_recall_curve) \
  X(multiclass_precision_recall_curve) \
  X(multilabel_precision_recall_curve) \
  X(binary_auroc) \
  X(multiclass_auroc) \
  X(multilabel_auroc) \
  X(binary_average_precision) \
  X(multiclass_average_precision) \
  X(multilabel_average_precision) \
  X(binary_recall_at_fixed_precision) \
  X(multiclass_recall_at_fixed_precision) \
  X(multilabel_recall_at_fixed_precision) \
  X(binary_precision_at_fixed_recall) \
  X(multiclass_precision_at_fixed_recall) \
  X(multilabel_precision_at_fixed_recall) \
  X(binary_specificity_at_sensitivity) \
  X(multiclass_specificity_at_sensitivity) \
  X(multilabel_specificity_at_sensitivity) \
  X(binary_sensitivity_at_specificity) \
  X(multiclass_sensitivity_at_specificity) \
  X(multilabel_sensitivity_at_specificity)

#define WASMETRICS_CLASSIFICATION_OTHER(X) \
  X(binary_calibration_error) \
  X(multiclass_calibration_error) \
  X(binary_hinge_loss) \
  X(multiclass_hinge_loss) \
  X(binary_brier_score) \
  X(multiclass_brier_score) \
  X(multilabel_brier_score) \
  X(binary_log_loss) \
  X(multiclass_log_loss) \
  X(multilabel_ranking_average_precision) \
  X(multilabel_coverage_error) \
  X(multilabel_ranking_loss) \
  X(dice) \
  X(accuracy) \
  X(precision) \
  X(recall) \
  X(f1_score) \
  X(fbeta_score) \
  X(specificity) \
  X(negative_predictive_value) \
  X(hamming_distance) \
  X(stat_scores) \
  X(exact_match) \
  X(jaccard_index) \
  X(confusion_matrix) \
  X(matthews_corr_coef) \
  X(cohen_kappa) \
  X(calibration_error) \
  X(hinge_loss) \
  X(roc) \
  X(precision_recall_curve) \
  X(auroc) \
  X(average_precision) \
  X(recall_at_fixed_precision) \
  X(precision_at_fixed_recall) \
  X(specificity_at_sensitivity) \
  X(sensitivity_at_specificity)

#define WASMETRICS_METRICS(X)                                                                       \
  WASMETRICS_REGRESSION(X) WASMETRICS_AGGREGATION(X) WASMETRICS_CLASSIFICATION(X)                   \
  WASMETRICS_CLASSIFICATION_CURVES(X) WASMETRICS_CLASSIFICATION_OTHER(X) WASMETRICS_SEGMENTATION(X) \
  WASMETRICS_DETECTION(X)

namespace wasmetrics {

#define WASMETRICS_DECLARE(id) MetricSpec id##_spec();
WASMETRICS_METRICS(WASMETRICS_DECLARE)
#undef WASMETRICS_DECLARE

std::vector<MetricSpec> all_metric_specs() {
  std::vector<MetricSpec> out;
#define WASMETRICS_ADD(id) out.push_back(id##_spec());
  WASMETRICS_METRICS(WASMETRICS_ADD)
#undef WASMETRICS_ADD
  return out;
}

}  // namespace wasmetrics
