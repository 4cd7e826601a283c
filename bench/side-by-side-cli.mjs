// The command line of the side-by-side benches against TorchMetrics (bench/text-retrieval.mjs,
// bench/image-audio.mjs): --scale=S --runs=N --quick --only=a,b --plain --out=DIR, plus the flags
// a bench adds; and the npm package (npm/dist) loaded in the build asked for.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** {args, scale, runs, only, out} from process.argv; an unknown flag or a bad number throws. */
export function sideBySideArgs(script, { here, quickScale, extraFlags = [] }) {
  const known = ['scale', 'runs', 'quick', 'only', 'plain', 'out', ...extraFlags];
  const args = Object.fromEntries(process.argv.slice(2).map((a) => {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m || !known.includes(m[1])) throw new Error(`${script}: unknown argument ${a}`);
    return [m[1], m[2] ?? true];
  }));
  const scale = Number(args.scale ?? (args.quick ? quickScale : 1));
  const runs = Number(args.runs ?? (args.quick ? 1 : 3));
  if (!(scale > 0) || !(runs >= 1)) throw new Error(`${script}: --scale must be > 0 and --runs >= 1`);
  return { args, scale, runs, only: args.only ? String(args.only).toLowerCase().split(',') : null, out: resolve(args.out ?? join(here, 'results')) };
}

/** The package from npm/dist, initialised with the SIMD build unless --plain. */
export async function loadPackage(repoRoot, args) {
  const lib = await import(pathToFileURL(join(repoRoot, 'npm/dist/index.mjs')).href);
  await lib.init({ simd: !args.plain });
  return lib;
}
