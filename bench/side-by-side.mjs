// What the side-by-side benches against TorchMetrics share (bench/text-retrieval.mjs,
// bench/image-audio.mjs): their command line (--scale=S --runs=N --quick --only=a,b --plain
// --out=DIR, plus the flags a bench adds), the npm package (npm/dist) loaded in the build asked
// for, the TorchMetrics side run in a child process, and the results file they write.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchArgs } from './args.mjs';

/** TorchMetrics' snake_case option names as the package's camelCase ones. */
export const camel = (o) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c) => c.toUpperCase()), v]));

/** {args, scale, runs, only, out} from process.argv; an unknown flag or a bad number throws. */
export function sideBySideArgs(script, { here, quickScale, extraFlags = [] }) {
  const known = ['scale', 'runs', 'quick', 'only', 'plain', 'out', ...extraFlags];
  const args = benchArgs(script, known);
  const scale = Number(args.scale ?? (args.quick ? quickScale : 1));
  const runs = Number(args.runs ?? (args.quick ? 1 : 3));
  if (!(scale > 0) || !(runs >= 1)) throw new Error(`${script}: --scale must be > 0 and --runs >= 1`);
  return {
    args,
    scale,
    runs,
    only: args.only ? String(args.only).toLowerCase().split(',') : null,
    out: resolve(args.out ?? join(here, 'results')),
  };
}

/** The package from npm/dist, initialised with the SIMD build unless --plain. */
export async function loadPackage(repoRoot, args) {
  const lib = await import(pathToFileURL(join(repoRoot, 'npm/dist/index.mjs')).href);
  await lib.init({ simd: !args.plain });
  return lib;
}

/**
 * Runs a bench's TorchMetrics script (`$PYTHON`, default python3) with `args`, the cases as JSON on
 * stdin; its last stdout line is the JSON answer. {skipped: why} when Python fails or TorchMetrics
 * cannot be imported.
 */
export function runTorchMetrics(script, args, spec) {
  const res = spawnSync(process.env.PYTHON || 'python3', [script, ...args], {
    input: JSON.stringify(spec),
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  if (res.error || res.status !== 0)
    return { skipped: `python3 failed (${res.error?.message ?? `exit ${res.status}`})` };
  const out = JSON.parse(res.stdout.trim().split('\n').pop());
  return out.available ? out : { skipped: `TorchMetrics not available (${out.reason})` };
}

/** The load average as the benches print it ("1.0 0.8 0.5"). */
export const loadAverage = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

/**
 * Writes `{...header, node, date, loadavgStart, loadavgEnd, rows}` to OUT/NAME.json and prints
 * the load average at the end; `started` {date, load} is when the run began.
 */
export function writeBenchResults(out, name, header, started, rows) {
  mkdirSync(out, { recursive: true });
  const file = join(out, `${name}.json`);
  const loadavgEnd = loadAverage();
  const result = {
    ...header,
    node: process.versions.node,
    date: started.date.toISOString(),
    loadavgStart: started.load,
    loadavgEnd,
    rows,
  };
  writeFileSync(file, `${JSON.stringify(result, null, 1)}\n`);
  console.log(`\nload average at the end ${loadavgEnd}; wrote ${file}`);
}
