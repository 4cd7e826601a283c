// The floors' WebAssembly module (wasmetrics_bench_floors.js/.wasm beside each build's package module,
// copied into npm/dist as bench-floors-{simd,plain}.wasm and loaded by dist/bench.mjs only): the
// package's .wasm carries nothing bench-only (issue 18). Pointers are into this module's own heap.
#include <emscripten/bind.h>

#include <cstdint>

#include "floors.hpp"

namespace {
template <class T>
T* at(std::uintptr_t p) {
  return reinterpret_cast<T*>(p);
}
}  // namespace

EMSCRIPTEN_BINDINGS(wasmetrics_bench_floors) {
  using namespace wasmetrics::kernels;
  emscripten::function(
      "benchReadFloor", +[](std::uintptr_t p, double n) {
        return static_cast<double>(read_floor_sum(at<const std::uint8_t>(p), static_cast<std::size_t>(n)));
      });
  emscripten::function(
      "benchScatterFloor", +[](std::uintptr_t pred, std::uintptr_t target, double n) {
        return static_cast<double>(
            scatter_floor(at<const std::uint8_t>(pred), at<const std::uint8_t>(target), static_cast<std::size_t>(n)));
      });
  emscripten::function(
      "benchScatterFloorU16", +[](std::uintptr_t pred, std::uintptr_t target, double n) {
        return static_cast<double>(scatter_floor_u16(at<const std::uint16_t>(pred), at<const std::uint16_t>(target),
                                                     static_cast<std::size_t>(n)));
      });
  emscripten::function(
      "benchRadixSortFloor", +[](std::uintptr_t scores, std::uintptr_t labels, double n) {
        return static_cast<double>(
            radix_sort_floor(at<float>(scores), at<std::uint8_t>(labels), static_cast<std::size_t>(n)));
      });
  emscripten::function(
      "benchRocSweepFloor", +[](std::uintptr_t scores, std::uintptr_t labels, double n) {
        return roc_sweep_floor(at<float>(scores), at<std::uint8_t>(labels), static_cast<std::size_t>(n));
      });
  emscripten::function(
      "benchMomentsFloor", +[](std::uintptr_t x, std::uintptr_t y, double n) {
        return moments_floor(at<const float>(x), at<const float>(y), static_cast<std::size_t>(n));
      });
  emscripten::function(
      "benchHistogramFloor", +[](std::uintptr_t scores, std::uintptr_t labels, double n, int bins) {
        return static_cast<double>(histogram_floor(at<const float>(scores), at<const std::uint8_t>(labels),
                                                   static_cast<std::size_t>(n), bins));
      });
}
