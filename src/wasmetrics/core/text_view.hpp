#pragma once
// TextView: a borrowed batch of strings, the text counterpart of a TensorView. Every string of the
// batch lies back to back in ONE UTF-8 buffer (the JS layer encodes the whole batch into the heap
// in one pass, never one string per Embind call); `offsets` delimit the strings and, for lists of
// references (or records), `groups` delimit the lists as a second level of offsets.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wasmetrics {

// What an update() input is. The registry lists it per input (InputSpec::kind) so that JS converts
// the user's value and the TypeScript types name it.
enum class InputKind : std::uint8_t {
  tensor = 0,      // a numeric TensorView
  text = 1,        // str | str[]                        (Python: str | Sequence[str])
  text_lists = 2,  // str | (str | str[])[]             (Python: Sequence[str | Sequence[str]])
  records = 3,     // object | object[]: dicts flattened to (path, value) string pairs, see below
};

constexpr std::string_view input_kind_name(InputKind k) {
  switch (k) {
    case InputKind::tensor:
      return "tensor";
    case InputKind::text:
      return "text";
    case InputKind::text_lists:
      return "text_lists";
    case InputKind::records:
      return "records";
  }
  return "?";
}

// For error messages: "a tensor", "strings", ...
constexpr std::string_view describe_input_kind(InputKind k) {
  switch (k) {
    case InputKind::tensor:
      return "a tensor";
    case InputKind::text:
      return "a string or a list of strings";
    case InputKind::text_lists:
      return "a string, a list of strings or a list of lists of strings";
    case InputKind::records:
      return "a dict or a list of dicts";
  }
  return "?";
}

struct TextView {
  const char* bytes = nullptr;             // UTF-8 (validated by the reader, see utf8.hpp)
  const std::uint32_t* offsets = nullptr;  // count + 1 byte offsets: string i is [offsets[i], offsets[i+1])
  std::size_t count = 0;                   // number of strings
  const std::uint32_t* groups =
      nullptr;  // depth 2 and records: ngroups + 1 string indices: list j is [groups[j], groups[j+1])
  std::size_t ngroups = 0;
  // How the value was given: 0 one `str` (count 1), 1 a list of `str`, 2 a list of lists (a bare
  // string inside the outer list is a list of one). Python metrics treat a lone `str` differently
  // from a list (ROUGE's references, BLEU's hypotheses), so the shape of the value is kept.
  // A records input: depth 0 one dict, 1 a list of dicts; each dict is one group of strings that
  // alternate key path and value (`answers.text`, a list value repeating its path per element,
  // numbers written as JSON text).
  int depth = 1;

  std::string_view str(std::size_t i) const {
    return {bytes + offsets[i], static_cast<std::size_t>(offsets[i + 1] - offsets[i])};
  }
  // The number of samples: strings for depth 0/1, lists for depth 2 and records.
  std::size_t size() const { return groups ? ngroups : count; }
  std::size_t group_begin(std::size_t j) const { return groups ? groups[j] : j; }
  std::size_t group_end(std::size_t j) const { return groups ? groups[j + 1] : j + 1; }
};

}  // namespace wasmetrics
