// 1,000,000 refused calls of each kind (issue 16, item 7) through the npm package: the in-use
// WebAssembly heap must stay flat and the module must keep working. `make test` runs 20,000 of each
// (tests/js/refused-calls.test.mjs). Usage: node bench/refused-calls.mjs [calls] [--plain]
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

import { measureRefusedCalls } from '../tests/js/refused-calls.mjs';

const calls = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const w = await import(pathToFileURL(join(import.meta.dirname, '../npm/dist/index.mjs')).href);
await w.init({ simd: !process.argv.includes('--plain') });
let failed = false;
for (const { kind, growth } of measureRefusedCalls(w, calls)) {
  const ok = growth <= 65536;
  failed ||= !ok;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${kind}: ${calls} refused calls, in-use heap ${growth >= 0 ? '+' : ''}${growth} bytes`,
  );
}
const m = new w.MeanSquaredError();
m.update([1, 2], [1, 4]);
console.log(`afterwards MeanSquaredError still computes ${m.compute()}`);
process.exit(failed ? 1 : 0);
