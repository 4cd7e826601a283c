# Sourced by scripts/lint.sh and scripts/format.sh: the files each tool owns (tracked files only).
# C++: the core, bindings, tests and fuzz targets, less generated tables. JavaScript: every tracked
# script (package, page, tests, benches, examples, build scripts); TypeScript declarations are
# Prettier's only (ESLint here reads JavaScript). npm/dist and vendored code are never tracked.
cpp_files() {
  git ls-files 'src/*.cpp' 'src/*.hpp' 'src/*.h' 'bindings/*.cpp' 'bench/floors/*.cpp' 'bench/floors/*.hpp' 'tests/cpp/*.cpp' 'tests/cpp/*.hpp' 'fuzz/*.cpp' \
    | grep -v '^src/wasmetrics/text/unicode_tables.cpp$'
}
js_files() {
  git ls-files '*.js' '*.mjs' '*.cjs' | grep -v '^web/vendor/'
}
ts_files() {
  git ls-files '*.d.ts' '*.d.cts' '*.d.mts' '*.ts'
}
LINT_BIN=tools/lint/node_modules/.bin
