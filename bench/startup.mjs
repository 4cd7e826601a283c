#!/usr/bin/env node
// Startup (issue 18): `import` of the package -> first computed metric, in fresh Node processes
// (each pays the whole cost: reading the bundle, compiling the .wasm, instantiating, the first
// metric). Prints each phase's median over N processes, the process's CPU time up to the first
// value (less sensitive to a busy machine than wall time), the load average, the budget (100 ms),
// and the size of each .wasm (raw and gzip). listMetrics() (the full registry with every example,
// built on first request) is timed after.
// --dist=DIR,DIR2,... compares builds of the package (npm/dist by default): the runs interleave
// (one process of each per round), so a busy machine weighs on each alike.
//   node bench/startup.mjs [--runs=N] [--entry=index.node.mjs|index.mjs|index.cjs] [--dist=DIR,...]
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchArgs } from './args.mjs';
import { median } from './stats.mjs';
import { freshPageMicros } from './page-cost.mjs';
import { FIRST_METRIC } from './startup-metric.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = benchArgs('bench/startup.mjs', ['runs', 'entry', 'dist']);
const RUNS = Number(args.runs ?? 7);
const ENTRY = args.entry ?? 'index.node.mjs'; // what `import 'wasmetrics'` resolves to in Node
const BUDGET_MS = 100;
const DISTS = (args.dist ?? join(repoRoot, 'npm/dist')).split(',').map((d) => resolve(d));

const probe = (entryUrl) => `
const faults0 = process.resourceUsage().minorPageFault;
const t0 = performance.now();
const mod = await import(${JSON.stringify(entryUrl)});
const lib = typeof mod.init === 'function' ? mod : mod.default; // index.cjs: module.exports
const t1 = performance.now();
await lib.init();
const t2 = performance.now();
const m = new lib.MeanSquaredError();
m.update(new Float32Array(${JSON.stringify(FIRST_METRIC.preds)}), new Float32Array(${JSON.stringify(FIRST_METRIC.target)}));
const value = m.compute();
m.dispose();
const t3 = performance.now();
const faults = process.resourceUsage().minorPageFault - faults0;
const { user, system } = process.cpuUsage(); // the whole process so far, node's own start included
const cpu = (user + system) / 1000;
// The main thread's share (Linux: its schedstat, ns on a CPU): what a work moved to V8's background
// threads (the .wasm's compile) no longer adds to the wall time when cores are free.
let mainCpu = NaN;
try {
  const { readFileSync } = await import('node:fs');
  mainCpu = Number(readFileSync('/proc/self/task/' + process.pid + '/schedstat', 'utf8').split(' ')[0]) / 1e6;
} catch {}
if (!(Math.abs(value - ${FIRST_METRIC.value}) < 1e-6)) throw new Error('wrong value ' + value);
const n = lib.listMetrics().length;
const t4 = performance.now();
if (!(n > 0)) throw new Error('listMetrics() is empty');
console.log(JSON.stringify({ import: t1 - t0, init: t2 - t1, firstCompute: t3 - t2, total: t3 - t0, cpu, mainCpu, faults, listMetrics: t4 - t3 }));
`;

const loadBefore = loadavg()[0];
const runs = DISTS.map(() => []);
for (let i = 0; i < RUNS; i++) {
  DISTS.forEach((dist, d) => {
    const entryUrl = pathToFileURL(join(dist, ENTRY)).href;
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', probe(entryUrl)], { encoding: 'utf8' });
    runs[d].push(JSON.parse(stdout));
  });
}
const loadAfter = loadavg()[0];
const usPerFault = freshPageMicros(); // bench/page-cost.mjs: most of a start is first touches of fresh pages
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
DISTS.forEach((dist, d) => {
  const rs = runs[d];
  const out = Object.fromEntries(Object.keys(rs[0]).map((k) => [k, median(rs.map((r) => r[k]))]));
  const sizes = readdirSync(dist)
    .filter((f) => f.startsWith('wasmetrics-') && f.endsWith('.wasm')) // the package's, not the bench floors'
    .map((f) => {
      const bytes = readFileSync(join(dist, f));
      return `${f} ${kb(bytes.length)} (gzip ${kb(gzipSync(bytes).length)})`;
    });
  console.log(
    `startup (${dist}/${ENTRY}, median of ${RUNS} fresh processes): import ${out.import.toFixed(0)} ms, ` +
      `init ${out.init.toFixed(0)} ms, first compute ${out.firstCompute.toFixed(1)} ms; ` +
      `import -> first value ${out.total.toFixed(0)} ms (budget ${BUDGET_MS} ms: ${out.total <= BUDGET_MS ? 'met' : 'NOT met'}), ` +
      `process CPU to first value ${out.cpu.toFixed(0)} ms (main thread ${out.mainCpu.toFixed(0)} ms); ` +
      `${out.faults.toFixed(0)} page faults to first value (x ${usPerFault.toFixed(1)} us per fresh page here = ` +
      `${((out.faults * usPerFault) / 1000).toFixed(0)} ms); then listMetrics() ${out.listMetrics.toFixed(0)} ms; ` +
      `${sizes.join(', ')}`,
  );
});
console.log(
  `load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)}${DISTS.length > 1 ? ' (runs interleaved)' : ''}`,
);
