#pragma once
// The stable codes of the package's WasmetricsError (npm/src/errors.mjs), one line of text each.
// This list is the one source: the binding tags every error it throws with one, errorCodesJson()
// hands the list to npm/scripts/build.mjs, which generates the TypeScript union and the README's
// table from it. A code is never renamed or reused: users branch on it, never on the wording.
// Codes the JS layer raises itself (E_DISPOSED, E_NOT_INITIALIZED) are listed here too.
#define WASMETRICS_ERROR_CODES(X)                                                                    \
  X(E_UNKNOWN_METRIC, "no metric is registered under this name")                                     \
  X(E_OPTION, "an option is unknown, of the wrong type, out of its range, or inconsistent with another") \
  X(E_INPUT, "an update() or forward() input is refused: its count, shape, dtype, length or values (the message names it)") \
  X(E_COMPUTE, "compute() cannot produce a value from the accumulated state (e.g. too few samples)") \
  X(E_QUERY, "a query's name or options are refused")                                                \
  X(E_STATE_BLOB, "a state blob is corrupt, truncated, or saved by another metric or other options") \
  X(E_STATE_MISMATCH, "merge() or computeFrom() of metrics whose metric or options differ")          \
  X(E_OUT_OF_MEMORY, "the WebAssembly heap cannot hold the state or the batch")                      \
  X(E_DISPOSED, "the metric was used after dispose()")                                               \
  X(E_NOT_INITIALIZED, "the package was used before `await init()` resolved")                        \
  X(E_INTERNAL, "a failure the engine does not expect (reset, saveState...): a bug, please report it")

namespace wasmetrics::bindings {

enum class ErrorCode {
#define WASMETRICS_ERROR_CODE_ENUM(code, doc) code,
  WASMETRICS_ERROR_CODES(WASMETRICS_ERROR_CODE_ENUM)
#undef WASMETRICS_ERROR_CODE_ENUM
};

inline const char* error_code_name(ErrorCode c) {
  switch (c) {
#define WASMETRICS_ERROR_CODE_NAME(code, doc) \
  case ErrorCode::code:                       \
    return #code;
    WASMETRICS_ERROR_CODES(WASMETRICS_ERROR_CODE_NAME)
#undef WASMETRICS_ERROR_CODE_NAME
  }
  return "E_INTERNAL";
}

}  // namespace wasmetrics::bindings
