#!/usr/bin/env node
// Where Node's start goes (issue 18), step by step: replays what `import 'wasmetrics'` does
// (dist/node-bridge.cjs, then Node's require of dist/index.cjs) with a mark after each step, in
// fresh processes, and prints each step's median wall time and page faults (the machine's price of
// a fresh page, bench/page-cost.mjs, turns faults into ms). bench/startup.mjs times the real import
// end to end; this one says which step to work on. The require is replayed as Node does it (read
// the file as UTF-8, compile it as a CommonJS function, call it), so Node's loader bookkeeping
// (resolution, the module cache) is not in it.
//   node bench/startup-steps.mjs [--runs=N] [--dist=DIR]
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EARLY_COMPILE_KEY } from '../npm/src/early-compile.mjs';
import { SIMD_PROBE } from '../npm/src/simd-probe.mjs';
import { benchArgs } from './args.mjs';
import { freshPageMicros } from './page-cost.mjs';
import { FIRST_METRIC } from './startup-metric.mjs';
import { median } from './stats.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = benchArgs('bench/startup-steps.mjs', ['runs', 'dist']);
const RUNS = Number(args.runs ?? 7);
const DIST = resolve(args.dist ?? join(repoRoot, 'npm/dist'));

// A CommonJS probe: each mark records wall ms and minor page faults since the previous one.
const probe = `
const fs = require('node:fs'), path = require('node:path'), vm = require('node:vm');
const dist = ${JSON.stringify(DIST)};
const steps = [];
let t = performance.now(), f = process.resourceUsage().minorPageFault;
const t0 = t;
const mark = (step) => {
  const now = performance.now(), faults = process.resourceUsage().minorPageFault;
  steps.push({ step, ms: now - t, faults: faults - f });
  t = now; f = faults;
};
(async () => {
  const simd = WebAssembly.validate(new Uint8Array(${JSON.stringify([...SIMD_PROBE])}));
  const bytes = fs.readFileSync(path.join(dist, simd ? 'wasmetrics-simd.wasm' : 'wasmetrics-plain.wasm'));
  mark('read the .wasm');
  let compiledAt = NaN;
  const compiled = WebAssembly.compile(bytes);
  compiled.then(() => { compiledAt = performance.now() - t0; });
  globalThis[Symbol.for(${JSON.stringify(EARLY_COMPILE_KEY)})] = { simd, compiled };
  mark('WebAssembly.compile, its synchronous part (the copy)');
  const file = path.join(dist, 'index.cjs');
  const source = fs.readFileSync(file, 'utf8');
  mark('read index.cjs');
  const fn = vm.compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
  mark('compile index.cjs');
  const module = { exports: {} };
  fn.call(module.exports, module.exports, require, module, file, dist);
  mark('evaluate index.cjs');
  const lib = module.exports;
  await compiled;
  mark('wait for the background decode');
  await lib.init();
  mark('init()');
  const metric = new lib.MeanSquaredError();
  mark('new MeanSquaredError()');
  metric.update(new Float32Array(${JSON.stringify(FIRST_METRIC.preds)}), new Float32Array(${JSON.stringify(FIRST_METRIC.target)}));
  const value = metric.compute();
  mark('first update() + compute()');
  if (!(Math.abs(value - ${FIRST_METRIC.value}) < 1e-6)) throw new Error('wrong value ' + value);
  console.log(JSON.stringify({ steps, total: performance.now() - t0, compiledAt }));
})();
`;

const loadBefore = loadavg()[0];
const runs = [];
for (let i = 0; i < RUNS; i++) {
  runs.push(JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })));
}
const loadAfter = loadavg()[0];
const usPerFault = freshPageMicros();

console.log(
  `startup steps (${DIST}, median of ${RUNS} fresh processes; ${usPerFault.toFixed(1)} us per fresh page here)`,
);
console.log('| step | ms | page faults | of which faults, ms |');
console.log('|---|---:|---:|---:|');
runs[0].steps.forEach(({ step }, i) => {
  const ms = median(runs.map((r) => r.steps[i].ms));
  const faults = median(runs.map((r) => r.steps[i].faults));
  console.log(`| ${step} | ${ms.toFixed(1)} | ${faults.toFixed(0)} | ${((faults * usPerFault) / 1000).toFixed(1)} |`);
});
const total = median(runs.map((r) => r.total));
const faults = median(runs.map((r) => r.steps.reduce((sum, s) => sum + s.faults, 0)));
console.log(
  `| **all** | **${total.toFixed(1)}** | **${faults.toFixed(0)}** | ${((faults * usPerFault) / 1000).toFixed(1)} |`,
);
console.log(
  `the background compile resolved at ${median(runs.map((r) => r.compiledAt)).toFixed(1)} ms (as the main thread saw it); ` +
    `load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)}`,
);
