#pragma once
// WASMETRICS_OUT_OF_LINE(fn): keeps a kernel a WebAssembly function of its own. emcc's link step
// runs Binaryen's -O3, which inlines every function that has one caller, whatever its size (clang's
// noinline does not reach it): the kernels ended up inside their callers' large functions, which
// hold unrelated SIMD code, and V8's optimizing compiler then spilled the kernel loops' registers
// (bench/README, W5 and the binned curves). Binaryen never inlines a function whose address is in
// the table, so this keeps the function's address in a variable the linker must keep. Natively
// it does nothing. Use at namespace scope, after fn's definition, with a non-overloaded name.
#if defined(__EMSCRIPTEN__)
#define WASMETRICS_OUT_OF_LINE_CAT2(a, b) a##b
#define WASMETRICS_OUT_OF_LINE_CAT(a, b) WASMETRICS_OUT_OF_LINE_CAT2(a, b)
#define WASMETRICS_OUT_OF_LINE(fn)                                                       \
  [[maybe_unused]] __attribute__((used)) static void (*const WASMETRICS_OUT_OF_LINE_CAT( \
      wasmetrics_out_of_line_, __COUNTER__))() = reinterpret_cast<void (*)()>(&fn)
#else
#define WASMETRICS_OUT_OF_LINE(fn) static_assert(true, "")
#endif
