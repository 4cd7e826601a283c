#!/usr/bin/env node
// Markdown tables (timings and ratio targets) from bench/results/{simd,plain}.json, for bench/README.md.
// Usage: node bench/report.mjs [DIR]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'results'));
const res = Object.fromEntries(
  ['simd', 'plain']
    .filter((b) => existsSync(join(dir, `${b}.json`)))
    .map((b) => [b, JSON.parse(readFileSync(join(dir, `${b}.json`), 'utf8'))]),
);
const builds = Object.keys(res);
if (!builds.length) throw new Error(`no results in ${dir}; run \`make bench\` first`);
const first = res[builds[0]];
console.log(
  `Measured ${first.date.slice(0, 10)} on this machine (2 shared cores), node ${first.node}, ` +
    `scale ${first.scale}, median of ${first.runs} runs (plain JS ${first.jsRuns}).\n`,
);
console.log(`| workload | contender | ${builds.map((b) => `${b} ms`).join(' | ')} |`);
console.log(`|---|---|${builds.map(() => '---:').join('|')}|`);
for (const r of first.rows) {
  const cells = builds.map(
    (b) => res[b].rows.find((x) => x.workload === r.workload && x.contender === r.contender)?.ms,
  );
  console.log(
    `| ${r.workload} | ${r.contender} | ${cells.map((c) => (c === undefined ? '' : c.toFixed(1))).join(' | ')} |`,
  );
}
console.log(`\n| workload | ratio | target | ${builds.join(' | ')} |`);
console.log(`|---|---|---|${builds.map(() => '---:').join('|')}|`);
for (const q of first.ratios) {
  const cells = builds.map((b) => res[b].ratios.find((x) => x.workload === q.workload && x.what === q.what));
  console.log(
    `| ${q.workload} | ${q.what} | ${q.target} | ${cells.map((c) => (c ? `${c.value.toFixed(2)} ${c.met ? 'met' : '**miss**'}` : '')).join(' | ')} |`,
  );
}
