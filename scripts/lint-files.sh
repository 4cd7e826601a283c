# Sourced by scripts/lint.sh and scripts/format.sh: the files each tool owns (tracked files only).
# C++: the core, bindings, tests and fuzz targets, less generated tables. JavaScript: the package
# sources, the demo page's modules, the JS tests and the scripts (npm/dist and vendored code never).
cpp_files() {
  git ls-files 'src/*.cpp' 'src/*.hpp' 'src/*.h' 'bindings/*.cpp' 'tests/cpp/*.cpp' 'tests/cpp/*.hpp' 'fuzz/*.cpp' \
    | grep -v '^src/wasmetrics/text/unicode_tables.cpp$'
}
js_files() {
  git ls-files 'npm/src/*.js' 'npm/src/*.mjs' 'npm/src/*.cjs' 'web/js/*.mjs' 'web/js/*.js' \
    'tests/js/*.mjs' 'tests/js/*.js' 'tests/js/*.cjs' 'scripts/*.mjs' 'scripts/*.js'
}
LINT_BIN=tools/lint/node_modules/.bin
