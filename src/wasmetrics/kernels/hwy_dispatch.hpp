#pragma once
// How a kernel reaches its Highway code. Natively every target the compiler can generate is
// built (foreach_target.h) and the best one the CPU supports is picked at run time, so that
// GoogleTest can also run each target (HWY_EXPORT_AND_TEST_P). WASM has one target fixed at
// compile time (WASM with -msimd128, SCALAR without), so it calls it statically and needs no
// libhwy at link time (HWY_DYNAMIC_DISPATCH reads libhwy's chosen-target table).
#if defined(__EMSCRIPTEN__)
#if defined(__wasm_simd128__)
#define HWY_COMPILE_ONLY_STATIC 1
#else
// The plain build: Highway's SCALAR target (one lane, the accumulators as independent chains);
// EMU128 measured slower there on the moment kernels (arrays of lanes through memory).
#define HWY_COMPILE_ONLY_SCALAR 1
#endif
#define WASMETRICS_HWY_EXPORT(fn) static_assert(true, "")
#define WASMETRICS_HWY_CALL(fn) HWY_STATIC_DISPATCH(fn)
#else
#define WASMETRICS_HWY_EXPORT(fn) HWY_EXPORT(fn)
#define WASMETRICS_HWY_CALL(fn) HWY_DYNAMIC_DISPATCH(fn)
#endif
