// The examples of the metrics confusion_matrix_metrics.cpp declares (MetricSpec::examples), by name:
// TorchMetrics 1.5.2 docstring examples (printed values rounded: atol 5e-5) or hand-worked cases.
#include <map>
#include <string>

#include "wasmetrics/core/registry.hpp"

namespace wasmetrics::classification {

std::vector<MetricExample> confusion_matrix_examples(const std::string& name) {
  static const std::map<std::string, const char*> table = {
      {"BinaryConfusionMatrix", R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: BinaryConfusionMatrix()", "args": {}, "batches": [{"preds": {"dtype": "int64", "shape": [4], "data": [0, 1, 0, 0]}, "target": {"dtype": "int64", "shape": [4], "data": [1, 1, 0, 0]}}], "expected": {"shape": [2, 2], "data": [2, 0, 1, 1]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: BinaryConfusionMatrix()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [0.35, 0.85, 0.48, 0.01]}, "target": {"dtype": "int64", "shape": [4], "data": [1, 1, 0, 0]}}], "expected": {"shape": [2, 2], "data": [2, 0, 1, 1]}, "atol": 5e-05}
      ])json"},
      {"MulticlassConfusionMatrix", R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MulticlassConfusionMatrix(num_classes=3)", "args": {"num_classes": 3}, "batches": [{"preds": {"dtype": "int64", "shape": [4], "data": [2, 1, 0, 1]}, "target": {"dtype": "int64", "shape": [4], "data": [2, 1, 0, 0]}}], "expected": {"shape": [3, 3], "data": [1, 1, 0, 0, 1, 0, 0, 0, 1]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: MulticlassConfusionMatrix(num_classes=3)", "args": {"num_classes": 3}, "batches": [{"preds": {"dtype": "float32", "shape": [4, 3], "data": [0.16, 0.26, 0.58, 0.22, 0.61, 0.17, 0.71, 0.09, 0.2, 0.05, 0.82, 0.13]}, "target": {"dtype": "int64", "shape": [4], "data": [2, 1, 0, 0]}}], "expected": {"shape": [3, 3], "data": [1, 1, 0, 0, 1, 0, 0, 0, 1]}, "atol": 5e-05}
      ])json"},
      {"MultilabelConfusionMatrix", R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MultilabelConfusionMatrix(num_labels=3)", "args": {"num_labels": 3}, "batches": [{"preds": {"dtype": "int64", "shape": [2, 3], "data": [0, 0, 1, 1, 0, 1]}, "target": {"dtype": "int64", "shape": [2, 3], "data": [0, 1, 0, 1, 0, 1]}}], "expected": {"shape": [3, 2, 2], "data": [1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: MultilabelConfusionMatrix(num_labels=3)", "args": {"num_labels": 3}, "batches": [{"preds": {"dtype": "float32", "shape": [2, 3], "data": [0.11, 0.22, 0.84, 0.73, 0.33, 0.92]}, "target": {"dtype": "int64", "shape": [2, 3], "data": [0, 1, 0, 1, 0, 1]}}], "expected": {"shape": [3, 2, 2], "data": [1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1]}, "atol": 5e-05}
      ])json"},
      {"BinaryJaccardIndex", R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: BinaryJaccardIndex()", "args": {}, "batches": [{"preds": {"dtype": "int64", "shape": [4], "data": [0, 1, 0, 0]}, "target": {"dtype": "int64", "shape": [4], "data": [1, 1, 0, 0]}}], "expected": {"shape": [], "data": [0.5]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: BinaryJaccardIndex()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [0.35, 0.85, 0.48, 0.01]}, "target": {"dtype": "int64", "shape": [4], "data": [1, 1, 0, 0]}}], "expected": {"shape": [], "data": [0.5]}, "atol": 5e-05}
      ])json"},
      {"MulticlassJaccardIndex", R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MulticlassJaccardIndex(num_classes=3)", "args": {"num_classes": 3}, "batches": [{"preds": {"dtype": "int64", "shape": [4], "data": [2, 1, 0, 1]}, "target": {"dtype": "int64", "shape": [4], "data": [2, 1, 0, 0]}}], "expected": {"shape": [], "data": [0.6667]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: MulticlassJaccardIndex(num_classes=3)", "args": {"num_classes": 3}, "batches": [{"preds": {"dtype": "float32", "shape": [4, 3], "data": [0.16, 0.26, 0.58, 0.22, 0.61, 0.17, 0.71, 0.09, 0.2, 0.05, 0.82, 0.13]}, "target": {"dtype": "int64", "shape": [4], "data": [2, 1, 0, 0]}}], "expected": {"shape": [], "data": [0.6667]}, "atol": 5e-05}
      ])json"},
      {"MultilabelJaccardIndex", R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MultilabelJaccardIndex(num_labels=3)", "args": {"num_labels": 3}, "batches": [{"preds": {"dtype": "int64", "shape": [2, 3], "data": [0, 0, 1, 1, 0, 1]}, "target": {"dtype": "int64", "shape": [2, 3], "data": [0, 1, 0, 1, 0, 1]}}], "expected": {"shape": [], "data": [0.5]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: MultilabelJaccardIndex(num_labels=3)", "args": {"num_labels": 3}, "batches": [{"preds": {"dtype": "float32", "shape": [2, 3], "data": [0.11, 0.22, 0.84, 0.73, 0.33, 0.92]}, "target": {"dtype": "int64", "shape": [2, 3], "data": [0, 1, 0, 1, 0, 1]}}], "expected": {"shape": [], "data": [0.5]}, "atol": 5e-05}
      ])json"},
      {"BinaryMatthewsCorrCoef", R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: BinaryMatthewsCorrCoef()", "args": {}, "batches": [{"preds": {"dtype": "int64", "shape": [4], "data": [0, 1, 0, 0]}, "target": {"dtype": "int64", "shape": [4], "data": [1, 1, 0, 0]}}], "expected": {"shape": [], "data": [0.5774]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: BinaryMatthewsCorrCoef()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [0.35, 0.85, 0.48, 0.01]}, "target": {"dtype": "int64", "shape": [4], "data": [1, 1, 0, 0]}}], "expected": {"shape": [], "data": [0.5774]}, "atol": 5e-05}
      ])json"},
      {"MulticlassMatthewsCorrCoef", R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MulticlassMatthewsCorrCoef(num_classes=3)", "args": {"num_classes": 3}, "batches": [{"preds": {"dtype": "int64", "shape": [4], "data": [2, 1, 0, 1]}, "target": {"dtype": "int64", "shape": [4], "data": [2, 1, 0, 0]}}], "expected": {"shape": [], "data": [0.7]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: MulticlassMatthewsCorrCoef(num_classes=3)", "args": {"num_classes": 3}, "batches": [{"preds": {"dtype": "float32", "shape": [4, 3], "data": [0.16, 0.26, 0.58, 0.22, 0.61, 0.17, 0.71, 0.09, 0.2, 0.05, 0.82, 0.13]}, "target": {"dtype": "int64", "shape": [4], "data": [2, 1, 0, 0]}}], "expected": {"shape": [], "data": [0.7]}, "atol": 5e-05}
      ])json"},
      {"MultilabelMatthewsCorrCoef", R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MultilabelMatthewsCorrCoef(num_labels=3)", "args": {"num_labels": 3}, "batches": [{"preds": {"dtype": "int64", "shape": [2, 3], "data": [0, 0, 1, 1, 0, 1]}, "target": {"dtype": "int64", "shape": [2, 3], "data": [0, 1, 0, 1, 0, 1]}}], "expected": {"shape": [], "data": [0.3333]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: MultilabelMatthewsCorrCoef(num_labels=3)", "args": {"num_labels": 3}, "batches": [{"preds": {"dtype": "float32", "shape": [2, 3], "data": [0.11, 0.22, 0.84, 0.73, 0.33, 0.92]}, "target": {"dtype": "int64", "shape": [2, 3], "data": [0, 1, 0, 1, 0, 1]}}], "expected": {"shape": [], "data": [0.3333]}, "atol": 5e-05}
      ])json"},
      {"BinaryCohenKappa", R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: BinaryCohenKappa()", "args": {}, "batches": [{"preds": {"dtype": "int64", "shape": [4], "data": [0, 1, 0, 0]}, "target": {"dtype": "int64", "shape": [4], "data": [1, 1, 0, 0]}}], "expected": {"shape": [], "data": [0.5]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: BinaryCohenKappa()", "args": {}, "batches": [{"preds": {"dtype": "float32", "shape": [4], "data": [0.35, 0.85, 0.48, 0.01]}, "target": {"dtype": "int64", "shape": [4], "data": [1, 1, 0, 0]}}], "expected": {"shape": [], "data": [0.5]}, "atol": 5e-05}
      ])json"},
      {"MulticlassCohenKappa", R"json([
        {"doc": "TorchMetrics 1.5.2 docstring: MulticlassCohenKappa(num_classes=3)", "args": {"num_classes": 3}, "batches": [{"preds": {"dtype": "int64", "shape": [4], "data": [2, 1, 0, 1]}, "target": {"dtype": "int64", "shape": [4], "data": [2, 1, 0, 0]}}], "expected": {"shape": [], "data": [0.6364]}, "atol": 5e-05},
        {"doc": "TorchMetrics 1.5.2 docstring: MulticlassCohenKappa(num_classes=3)", "args": {"num_classes": 3}, "batches": [{"preds": {"dtype": "float32", "shape": [4, 3], "data": [0.16, 0.26, 0.58, 0.22, 0.61, 0.17, 0.71, 0.09, 0.2, 0.05, 0.82, 0.13]}, "target": {"dtype": "int64", "shape": [4], "data": [2, 1, 0, 0]}}], "expected": {"shape": [], "data": [0.6364]}, "atol": 5e-05}
      ])json"},
  };
  auto it = table.find(name);
  return it == table.end() ? std::vector<MetricExample>{} : examples_from_json(it->second);
}

}  // namespace wasmetrics::classification
