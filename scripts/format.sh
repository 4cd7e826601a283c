#!/usr/bin/env bash
# Applies the formatters that `make lint` checks: clang-format to the C++, Prettier to the
# JavaScript (the same file lists, scripts/lint-files.sh). Rewrites files in place; review and
# commit the result. ESLint's findings are not auto-fixed here: they are fixed by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lint-files.sh
mapfile -t cpp < <(cpp_files)
clang-format -i "${cpp[@]}"
mapfile -t js < <(js_files)
mapfile -t ts < <(ts_files)
"$LINT_BIN/prettier" --config tools/lint/prettier.config.mjs --ignore-path .prettierignore --write \
  --log-level warn "${js[@]}" "${ts[@]}"
echo "format: ${#cpp[@]} C++ and ${#js[@]} JavaScript + ${#ts[@]} declaration files formatted"
