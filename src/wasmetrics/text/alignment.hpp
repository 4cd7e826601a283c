#pragma once
// Per-pair edit alignment for the word/character error rates: which reference tokens a
// transcription kept (hits), substituted or deleted, and which tokens it inserted, with positions —
// what a transcription QA tool shows a reviewer (jiwer's process_words / process_characters).
//
// The alignment is a minimum-edit one (its S + D + I is the Levenshtein distance WER/CER count)
// and, among those, one with the most hits (Morris et al.'s H; TorchMetrics' MER/WIL/WIP count
// hits differently, QUIRKS-text-retrieval TR4). Ties left after that prefer, walking back from
// the end, a diagonal step (hit or substitution), then a deletion, then an insertion.
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace wasmetrics::text {

enum class EditOp : std::uint8_t { equal = 0, substitute = 1, insert = 2, delete_ = 3 };

// A run of one operation, as jiwer's AlignmentChunk: reference tokens [target_start, target_end)
// and prediction tokens [pred_start, pred_end); an insertion has an empty reference range, a
// deletion an empty prediction range, equal and substitute runs ranges of one length.
struct AlignmentChunk {
  EditOp op;
  std::size_t target_start, target_end, pred_start, pred_end;
};

struct Alignment {
  std::int64_t hits = 0, substitutions = 0, insertions = 0, deletions = 0;
  std::vector<AlignmentChunk> chunks;
};

// The DP keeps one byte per (reference + 1) x (prediction + 1) cell for the backtrace; pairs
// beyond this many cells are refused (a 8,000 x 8,000-character pair is 64 MiB).
inline constexpr std::size_t kMaxAlignmentCells = std::size_t{1} << 26;

// Aligns the token ids of a prediction against its reference. `what` names the caller in the
// error for a pair over kMaxAlignmentCells.
Alignment align_tokens(std::span<const std::uint32_t> pred, std::span<const std::uint32_t> target,
                       std::string_view what);

}  // namespace wasmetrics::text
