#!/usr/bin/env node
// Startup (issue 18): `import` of the package -> first computed metric, in fresh Node processes
// (each pays the whole cost: reading the bundle, compiling the .wasm, instantiating, the first
// metric). Prints each phase's median over N processes, the process's CPU time up to the first
// value (less sensitive to a busy machine than wall time), the load average, and the budget (100 ms).
// listMetrics() (the full registry with every example, built on first request) is timed after.
//   node bench/startup.mjs [--runs=N] [--entry=index.node.mjs|index.mjs|index.cjs]
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const RUNS = Number(args.runs ?? 7);
const ENTRY = args.entry ?? 'index.node.mjs'; // what `import 'wasmetrics'` resolves to in Node
const BUDGET_MS = 100;

const entryUrl = pathToFileURL(join(repoRoot, 'npm/dist', ENTRY)).href;
const probe = `
const t0 = performance.now();
const mod = await import(${JSON.stringify(entryUrl)});
const lib = typeof mod.init === 'function' ? mod : mod.default; // index.cjs: module.exports
const t1 = performance.now();
await lib.init();
const t2 = performance.now();
const m = new lib.MeanSquaredError();
m.update(new Float32Array([3, 5, 2.5, 7]), new Float32Array([2.5, 5, 4, 8]));
const value = m.compute();
m.dispose();
const t3 = performance.now();
const { user, system } = process.cpuUsage(); // the whole process so far, node's own start included
const cpu = (user + system) / 1000;
if (!(Math.abs(value - 0.875) < 1e-6)) throw new Error('wrong value ' + value);
const n = lib.listMetrics().length;
const t4 = performance.now();
if (!(n > 0)) throw new Error('listMetrics() is empty');
console.log(JSON.stringify({ import: t1 - t0, init: t2 - t1, firstCompute: t3 - t2, total: t3 - t0, cpu, listMetrics: t4 - t3 }));
`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const loadBefore = loadavg()[0];
const runs = [];
for (let i = 0; i < RUNS; i++) {
  runs.push(JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' })));
}
const out = Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((r) => r[k]))]));
console.log(
  `startup (${ENTRY}, median of ${RUNS} fresh processes): import ${out.import.toFixed(0)} ms, ` +
    `init ${out.init.toFixed(0)} ms, first compute ${out.firstCompute.toFixed(1)} ms; ` +
    `import -> first value ${out.total.toFixed(0)} ms (budget ${BUDGET_MS} ms: ${out.total <= BUDGET_MS ? 'met' : 'NOT met'}), ` +
    `process CPU to first value ${out.cpu.toFixed(0)} ms; then listMetrics() ${out.listMetrics.toFixed(0)} ms; ` +
    `load average ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`,
);
