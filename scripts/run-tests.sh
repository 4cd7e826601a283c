#!/usr/bin/env bash
# Runs every suite (GoogleTest natively, node --test on the npm package) and ends with one
# summary line: "wasmetrics: N passed, N failed, N skipped". Exit status 1 if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=build/test-logs
mkdir -p "$logs"
passed=0; failed=0; skipped=0; broken=()
# The native suites and the fuzz replay run on build/native-check (`make native-check`: clang++-14,
# -O1, ASan+UBSan; a UBSan report aborts, LeakSanitizer checks at exit).
native=${NATIVE_CHECK_DIR:-build/native-check}
export UBSAN_OPTIONS=print_stacktrace=1

# Lint first (scripts/lint.sh: clang-format, Prettier, ESLint; about a minute of CPU): one test,
# failed when any formatter or ESLint finding differs. scripts/format.sh applies the formatters.
echo "== lint (clang-format, prettier, eslint)"
if bash scripts/lint.sh >"$logs/lint.txt" 2>&1; then passed=$((passed + 1)); echo "   lint: clean"
else failed=$((failed + 1)); tail -40 "$logs/lint.txt" | sed 's/^/   /'; fi

# GoogleTest, counted from its JSON report (scripts/lib/gtest-count.mjs), never from console text.
# The counting is first checked on a binary with a known outcome (1 passed, 1 failed, 1 skipped).
# Skipped conformance cases (metric not registered, or an input it does not take yet) are counted
# and listed with their reasons, never hidden.
echo "== native (GoogleTest)"
gtest_count() { # REPORT CONSOLE -> "passed failed skipped", then one "skip: REASON: WHAT (N), ..." line per reason
  if [ -s "$1" ]; then node scripts/lib/gtest-count.mjs "$1" "$2"; else echo "0 0 0"; fi
}
./$native/gtest_count_selftest --gtest_brief=1 --gtest_output="json:$logs/selftest.json" >"$logs/selftest.txt" 2>&1
selftest=$(gtest_count "$logs/selftest.json" "$logs/selftest.txt" | head -1)
[ "$selftest" = "1 1 1" ] || broken+=("GoogleTest counting self-test gave '$selftest', expected '1 1 1'")
rm -f "$logs/native.json"
./$native/wasmetrics_tests --gtest_brief=1 --gtest_output="json:$logs/native.json" >"$logs/native.txt" 2>&1
native_rc=$?
counts=$(gtest_count "$logs/native.json" "$logs/native.txt")
read -r n_pass n_fail n_skip <<<"$(head -1 <<<"$counts")"
grep -E "^\[  FAILED  \]|Failure$|^\S+\.cpp:[0-9]+: Failure" -A4 "$logs/native.txt" | head -80
if grep -qE "^(==[0-9]+==ERROR: [A-Za-z]+Sanitizer|.*: runtime error: )" "$logs/native.txt"; then broken+=("native suite: a sanitizer report (exit $native_rc)")
elif [ $((n_pass + n_fail)) -eq 0 ] || { [ $native_rc -ne 0 ] && [ "$n_fail" -eq 0 ]; }; then broken+=("native suite did not run (exit $native_rc)"); fi
echo "   native: $n_pass passed, $n_fail failed, $n_skip skipped"
sed -nE 's/^skip: (.*)$/   skipped, \1/p' <<<"$counts"
passed=$((passed + n_pass)); failed=$((failed + n_fail)); skipped=$((skipped + n_skip))

# node --test: the npm package (both WASM builds), its packaging, and the examples.
# Test files run JS_JOBS at a time (default: one per core, at least 2; node's own default is one
# fewer than the cores, so one at a time on a 2-core machine). No test depends on wall-clock time.
echo "== js (node --test)"
js_jobs=${JS_JOBS:-$(nproc)}; [ "$js_jobs" -ge 2 ] || js_jobs=2
node --test --test-concurrency="$js_jobs" --test-reporter=tap tests/js/ >"$logs/js.txt" 2>&1
js_rc=$?
grep -E "^\s*not ok" -A12 "$logs/js.txt" | head -80
j_pass=$(sed -nE 's/^# pass ([0-9]+)/\1/p' "$logs/js.txt" | tail -1)
j_fail=$(sed -nE 's/^# fail ([0-9]+)/\1/p' "$logs/js.txt" | tail -1)
j_skip=$(sed -nE 's/^# skipped ([0-9]+)/\1/p' "$logs/js.txt" | tail -1)
j_todo=$(sed -nE 's/^# todo ([0-9]+)/\1/p' "$logs/js.txt" | tail -1)
j_pass=${j_pass:-0}; j_fail=${j_fail:-0}; j_skip=$(( ${j_skip:-0} + ${j_todo:-0} ))
if [ $((j_pass + j_fail)) -eq 0 ] || { [ $js_rc -ne 0 ] && [ "$j_fail" -eq 0 ]; }; then broken+=("js suite did not run (exit $js_rc)"); fi
echo "   js: $j_pass passed, $j_fail failed, $j_skip skipped"
passed=$((passed + j_pass)); failed=$((failed + j_fail)); skipped=$((skipped + j_skip))

# Fuzzing: each target (fuzz/: the native core under ASan+UBSan, here through a plain main() on
# build/native-check; the JS readers' mutation fuzzer) replays its committed corpus, every unit
# once (fuzz/corpus holds every input that ever failed), and counts as one test. No exploration
# here: new random inputs could make the suite flaky and slow; `make fuzz FUZZ_SECONDS=N` explores
# with libFuzzer. A unit may take FUZZ_UNIT_TIMEOUT seconds of CPU time (default 60; each committed
# unit needs < 2 s CPU: fuzz.sh --measure) before it is a hang.
echo "== fuzz (replay of the committed corpus)"
# First the replay itself: fuzz_replay_selftest (fuzz/replay_selftest.cpp) must pass a fine unit and
# fail on each planted bug, with the report of the sanitizer (or the CPU budget) that caught it.
planted=$logs/replay-selftest; mkdir -p "$planted"
for k in o h u l a s; do printf '%s' "$k" >"$planted/$k"; done
./$native/fuzz_replay_selftest "$planted/o" >"$planted/o.log" 2>&1 || broken+=("fuzz replay self-test: a fine unit failed (see $planted/o.log)")
for k in "h:AddressSanitizer: heap-buffer-overflow" "u:runtime error: signed integer overflow" "l:LeakSanitizer: detected memory leaks" "a:Running: " "s:ALARM: "; do
  if FUZZ_UNIT_CPU_SECONDS=1 ./$native/fuzz_replay_selftest "$planted/${k%%:*}" >"$planted/${k%%:*}.log" 2>&1 \
     || ! grep -q "${k#*:}" "$planted/${k%%:*}.log"; then
    broken+=("fuzz replay self-test: planted bug '${k%%:*}' did not fail the replay with '${k#*:}' (see $planted)")
  fi
done
bash scripts/fuzz.sh --replay >"$logs/fuzz.txt" 2>&1
f_pass=$(grep -cE '^fuzz [a-z_]+: ok' "$logs/fuzz.txt")
f_fail=$(grep -cE '^fuzz [a-z_]+: FAILED' "$logs/fuzz.txt")
grep -E '^fuzz |^   ' "$logs/fuzz.txt" | sed 's/^/   /'
if [ $((f_pass + f_fail)) -eq 0 ]; then broken+=("fuzz targets did not run"); fi
passed=$((passed + f_pass)); failed=$((failed + f_fail))

for b in "${broken[@]}"; do echo "error: $b (see $logs)"; failed=$((failed + 1)); done
echo "wasmetrics: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
