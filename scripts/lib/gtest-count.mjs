// Counts a GoogleTest run from its JSON report (--gtest_output=json:FILE) and prints
// "PASSED FAILED SKIPPED" on one line, then one "skip: REASON" line per kind of skip. The report,
// not the console text, is what we count: Debian's GoogleTest prints no "[  FAILED  ] N tests"
// line under --gtest_brief=1, which once let 195 failures pass as "0 failed". Its JSON has no skip
// messages, so the reasons come from the console log (each "FILE:LINE: Skipped" line is followed
// by the GTEST_SKIP() message).
//   node gtest-count.mjs REPORT.json [CONSOLE.txt]
import { existsSync, readFileSync } from 'node:fs';

const [reportFile, consoleFile] = process.argv.slice(2);
const report = JSON.parse(readFileSync(reportFile, 'utf8'));
let passed = 0;
let failed = 0;
let skipped = 0;
for (const suite of report.testsuites ?? []) {
  for (const t of suite.testsuite ?? []) {
    if (t.status === 'NOTRUN') continue; // disabled or filtered out
    if ((t.failures ?? []).length > 0) failed++;
    else if (t.result === 'SKIPPED') skipped++;
    else passed++;
  }
}
console.log(`${passed} ${failed} ${skipped}`);

// "X is not implemented yet" and "X does not take input Y yet" are grouped by reason, listing the
// metrics with their counts; any other message is its own reason.
if (consoleFile && existsSync(consoleFile)) {
  const lines = readFileSync(consoleFile, 'utf8').split('\n');
  const groups = new Map();
  const add = (reason, what) => {
    if (!groups.has(reason)) groups.set(reason, new Map());
    const g = groups.get(reason);
    g.set(what, (g.get(what) ?? 0) + 1);
  };
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!/: Skipped$/.test(lines[i])) continue;
    const msg = lines[i + 1].trim();
    const m = /^(\S+) (is not implemented yet|does not take input (.+) yet)$/.exec(msg);
    if (m) add(m[3] ? `does not take ${m[3]} yet` : 'not implemented yet', m[1]);
    else add(msg || '(no reason given)', '');
  }
  for (const [reason, whats] of groups) {
    const list = [...whats].map(([w, n]) => (w ? `${w} (${n})` : `${n}`)).join(', ');
    console.log(`skip: ${reason}: ${list}`);
  }
}
