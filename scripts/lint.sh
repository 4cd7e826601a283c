#!/usr/bin/env bash
# `make lint`: checks, changes nothing. clang-format (.clang-format) over the C++, Prettier
# (tools/lint/prettier.config.mjs) and ESLint (tools/lint/eslint.config.mjs) over the JavaScript;
# no tracked symlinks.
# scripts/format.sh applies the formatters. Exit status: non-zero when any check fails.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/lint-files.sh
status=0

# A tracked symlink is a machine's path, not source: one to .third_party once broke every clean clone.
links=$(git ls-files -s | awk '$1 == "120000" { print $4 }')
if [ -n "$links" ]; then
  echo "lint: tracked symlinks (git rm --cached them):"; sed 's/^/  /' <<<"$links"
  status=1
fi

# Update and compute reach a metric's state through typed StateSlot handles (HACKING.md, "Declaring
# and reading state"); indexing a State by name compares strings on every call, so outside core/
# (serialization, merge) it is refused. Heuristic: the usual State names, or a StateVar member after.
by_name=$(git grep -nE '\b(s|s_|state|st)\["[a-z_0-9]+"\]|\["[a-z_0-9]+"\]\s*\.\s*(as\s*<|append|shape\b|bytes\b|dtype\b|numel\(|reduction\b)' \
  -- 'src/wasmetrics/*' ':!src/wasmetrics/core/*')
if [ -n "$by_name" ]; then
  echo "lint: a State read by name in update/compute (declare a StateSlot instead):"; sed 's/^/  /' <<<"$by_name"
  status=1
fi

mapfile -t cpp < <(cpp_files)
if ! clang-format --dry-run --Werror "${cpp[@]}" 2>/tmp/wasmetrics-clang-format.log; then
  places=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' /tmp/wasmetrics-clang-format.log)
  echo "lint: clang-format: $(wc -l <<<"$places") places in $(cut -d: -f1 <<<"$places" | sort -u | wc -l) files" \
    "differ (scripts/format.sh fixes them)"
  status=1
fi

mapfile -t js < <(js_files)
mapfile -t ts < <(ts_files)
if ! "$LINT_BIN/prettier" --config tools/lint/prettier.config.mjs --ignore-path .prettierignore --check \
  --log-level warn "${js[@]}" "${ts[@]}"; then
  echo "lint: prettier: the files above differ (scripts/format.sh fixes them)"
  status=1
fi
if ! "$LINT_BIN/eslint" --config tools/lint/eslint.config.mjs --no-warn-ignored "${js[@]}"; then
  echo "lint: eslint: the problems above need fixing by hand"
  status=1
fi

[ "$status" -eq 0 ] && echo "lint: clang-format, prettier, eslint: clean"
exit "$status"
