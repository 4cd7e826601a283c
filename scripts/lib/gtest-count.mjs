// Counts a GoogleTest JSON report (--gtest_output=json:FILE) as "PASSED FAILED SKIPPED" on one
// line, then one "skip: REASON" line per distinct skip reason with its count. The report, not the
// console text, is what we count: Debian's GoogleTest prints no "[  FAILED  ] N tests" line under
// --gtest_brief=1, which once let 195 failures pass as "0 failed".
import { readFileSync } from 'node:fs';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let passed = 0;
let failed = 0;
let skipped = 0;
const reasons = new Map();
for (const suite of report.testsuites ?? []) {
  for (const t of suite.testsuite ?? []) {
    if (t.status === 'NOTRUN') continue; // disabled or filtered out
    if ((t.failures ?? []).length > 0) failed++;
    else if (t.result === 'SKIPPED') {
      skipped++;
      // GoogleTest 1.12 keeps the GTEST_SKIP() message in "skipped": [{message}] (older: none).
      const msg = (t.skipped ?? [])[0]?.message ?? '';
      const reason = msg.split('\n').find((l) => /\S/.test(l) && !/^[^ ]+:\d+$/.test(l.trim())) ?? '(no reason given)';
      reasons.set(reason.trim(), (reasons.get(reason.trim()) ?? 0) + 1);
    } else passed++;
  }
}
console.log(`${passed} ${failed} ${skipped}`);
for (const [r, n] of reasons) console.log(`skip: ${r} (${n})`);
