#pragma once
// The stable codes of a refusal, one line of text each, and the tagged failure that carries one.
// The WASM binding turns an Error into a JS WasmetricsError whose `code` is the Error's code and
// hands this list to npm/scripts/build.mjs, which generates the JS list (WasmetricsError.codes),
// the TypeScript union and the npm README's table from it: this list is the one source. A code is
// never renamed or reused: users branch on it, never on the wording.
//
// A plain fail() (core/error.hpp) stays untagged: the entry point that sees it gives it its generic
// code (an untagged refusal inside update() is E_INPUT, see tag_untagged in core/metric.cpp). The
// shared checks (options, shapes, dtypes, class labels, non-finite values) say more with fail_as.
// A header of its own so that adding codes rebuilds only what raises them.
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "wasmetrics/core/error.hpp"

// E_DISPOSED and E_NOT_INITIALIZED are raised by the JS layer only, E_OUT_OF_MEMORY by the binding
// (std::bad_alloc); the others by the core.
#define WASMETRICS_ERROR_CODES(X)                                                                                   \
  X(E_UNKNOWN_METRIC, "no metric is registered under this name")                                                    \
  X(E_OPTION, "an option is unknown, of the wrong type, out of its range, or inconsistent with another")            \
  X(E_INPUT, "an update() or forward() input is refused: its count, kind, length or values (the message names it)") \
  X(E_SHAPE, "an input's shape or number of dimensions is refused, or two inputs' shapes disagree")                 \
  X(E_DTYPE, "an input's dtype is refused (e.g. integers where float scores are needed)")                           \
  X(E_LABEL_RANGE, "a class label or index in an input lies outside its valid range")                               \
  X(E_NON_FINITE, "an input holds NaN or an infinity where finite values are needed")                               \
  X(E_COMPUTE, "compute() cannot produce a value from the accumulated state (e.g. too few samples)")                \
  X(E_QUERY, "a query's name is unknown, or it cannot answer from the accumulated state")                           \
  X(E_STATE_BLOB, "a state blob is corrupt, truncated, or saved by another metric or other options")                \
  X(E_STATE_MISMATCH, "merge() or computeFrom() of metrics whose metric or options differ")                         \
  X(E_OUT_OF_MEMORY, "the WebAssembly heap cannot hold the state or the batch")                                     \
  X(E_DISPOSED, "the metric was used after dispose()")                                                              \
  X(E_NOT_INITIALIZED, "the package was used before `await init()` resolved")                                       \
  X(E_INTERNAL, "a failure the engine does not expect (reset, saveState...): a bug, please report it")

namespace wasmetrics {

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

// An Error that says which refusal it is, and the argument at fault: an input's or option's name
// as the caller spelled it (empty when no one argument is).
class CodedError : public Error {
 public:
  CodedError(const std::string& what, ErrorCode code, std::string argument)
      : Error(what), code_(code), argument_(std::move(argument)) {}
  ErrorCode code() const { return code_; }
  const std::string& argument() const { return argument_; }

 private:
  ErrorCode code_;
  std::string argument_;
};

// The code of `e`, or `fallback` when it is untagged.
inline ErrorCode code_or(const Error& e, ErrorCode fallback) {
  const auto* coded = dynamic_cast<const CodedError*>(&e);
  return coded ? coded->code() : fallback;
}

// fail_as(ErrorCode::E_SHAPE, "preds", metric, ": `preds` must be 2-D, got ", ...): fail, tagged.
template <class... Parts>
[[noreturn]] void fail_as(ErrorCode code, std::string_view argument, const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  throw CodedError(out.str(), code, std::string(argument));
}

// Runs f(); an untagged Error it throws is rethrown tagged with `code` (the entry point's generic
// code: Metric::update says E_INPUT when the check that refused said nothing more precise).
template <class F>
decltype(auto) tag_untagged(ErrorCode code, F&& f) {
  try {
    return f();
  } catch (const CodedError&) {
    throw;
  } catch (const Error& e) {
    throw CodedError(e.what(), code, "");
  }
}

}  // namespace wasmetrics
