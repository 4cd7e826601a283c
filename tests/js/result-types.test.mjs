// compute()'s declared result types (npm/scripts/result-types.mjs, what index.d.ts is generated
// from) against what compute() really returns: every example of every registered metric, run
// through the package; and the types themselves, compiled with tsc against expected types.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { matchesResultType, resultType, tsResultTypes } from '../../npm/scripts/result-types.mjs';
import { batchInputs } from './conformance-runner.mjs';
import { camelCaseArgs, importPackage, repoRoot } from './helpers.mjs';

const lib = await importPackage();
await lib.init();
const isTensor = (v) => v instanceof lib.Tensor;

test("every example's compute() has its metric's declared result type", () => {
  const wrong = [];
  let checked = 0;
  for (const spec of lib.listMetrics()) {
    const type = resultType(spec);
    assert.notEqual(type, null, `${spec.name}: no result type (no examples and none declared)`);
    spec.examples.forEach((ex, i) => {
      const options = camelCaseArgs(ex.args);
      const m = lib.createMetric(spec.name, options);
      try {
        for (const [b, batch] of ex.batches.entries())
          m.update(...batchInputs(batch, spec, `${spec.name}#${i}.batches[${b}]`));
        const value = m.compute();
        checked++;
        if (!matchesResultType(value, type, isTensor, options)) {
          wrong.push(
            `${spec.name}#${i} (${JSON.stringify(ex.args)}): got ${describe(value)}, declared ${JSON.stringify(type)}`,
          );
        }
      } finally {
        m.dispose();
      }
    });
  }
  assert.ok(checked > 300, `only ${checked} examples ran`);
  assert.deepEqual(wrong, []);
});

test('the result-type check fails on a wrong form', () => {
  const t = new lib.Tensor(new Float64Array([1, 2]), [2]);
  assert.equal(matchesResultType(t, 'number', isTensor), false);
  assert.equal(matchesResultType(1, 'Tensor', isTensor), false);
  assert.equal(matchesResultType({ fpr: t }, { fields: { fpr: 'Tensor', tpr: 'Tensor' } }, isTensor), false);
  assert.equal(matchesResultType({ fpr: t, extra: 1 }, { fields: { fpr: 'Tensor' } }, isTensor), false);
  const mse = { default: 'number', shapedBy: ['num_outputs'], otherwise: { oneOf: ['number', 'Tensor'] } };
  assert.equal(matchesResultType(t, mse, isTensor), false);
  assert.equal(matchesResultType(t, mse, isTensor, { numOutputs: 2 }), true);
});

function describe(v) {
  if (typeof v === 'number') return 'number';
  if (isTensor(v)) return `Tensor[${v.shape}]`;
  if (Array.isArray(v)) return `[${v.map(describe).join(', ')}]`;
  return `{${Object.entries(v)
    .map(([k, e]) => `${k}: ${describe(e)}`)
    .join(', ')}}`;
}

test('index.d.ts types compute() per metric (tsc --noEmit, strict, on expected types)', () => {
  const tsc = join(repoRoot, 'npm/node_modules/typescript/bin/tsc');
  assert.ok(existsSync(tsc), 'typescript is a devDependency of npm/: run `npm ci` in npm/');
  const specs = lib.listMetrics();
  const narrow = (name) => tsResultTypes(resultType(specs.find((s) => s.name === name))).narrow;
  assert.equal(narrow('MeanSquaredError'), 'number');
  const dir = mkdtempSync(join(tmpdir(), 'wasmetrics-result-types-'));
  try {
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          lib: ['es2022'],
          types: [],
        },
        files: ['expect.mts'],
      }),
    );
    writeFileSync(
      join(dir, 'expect.mts'),
      `
import * as lib from ${JSON.stringify(join(repoRoot, 'npm/dist/index.cjs'))};
import type { Tensor } from ${JSON.stringify(join(repoRoot, 'npm/dist/index.cjs'))};
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function expectType<A, B>(_: Equal<A, B>): void {}
const mse = new lib.MeanSquaredError();
expectType<ReturnType<typeof mse.compute>, number>(true);
const rmse: number = Math.sqrt(lib.createMetric('MeanSquaredError', { squared: false }).compute());
const multi = lib.createMetric('MeanSquaredError', { numOutputs: 2 });
expectType<ReturnType<typeof multi.compute>, number | Tensor>(true);
const typed: lib.MeanSquaredError = multi; // the plain class name is the widest result
expectType<ReturnType<typeof typed.compute>, number | Tensor>(true);
expectType<ReturnType<lib.BinaryAUROC['compute']>, number>(true);
const acc = new lib.MulticlassAccuracy({ numClasses: 3 });
expectType<ReturnType<typeof acc.compute>, number>(true);
const perClass = new lib.MulticlassAccuracy({ numClasses: 3, average: null });
expectType<ReturnType<typeof perClass.compute>, number | Tensor>(true);
const roc = new lib.BinaryROC().compute();
expectType<typeof roc, { readonly fpr: Tensor; readonly thresholds: Tensor; readonly tpr: Tensor }>(true);
const cm = new lib.MulticlassConfusionMatrix({ numClasses: 3 }).compute();
expectType<typeof cm, Tensor>(true);
const cell: number = cm.get(2, 1);
const map = new lib.MeanAveragePrecision().compute();
const m50: number = map.map_50;
// @ts-expect-error a per-class value may be a Tensor
const perClassMap: number = map.map_per_class;
// @ts-expect-error not a number
expectType<typeof roc, number>(true);
// @ts-expect-error an unknown option beside a known one
new lib.MeanSquaredError({ squared: true, nonsense: 1 });
// @ts-expect-error an unknown option through createMetric
lib.createMetric('MeanSquaredError', { numOutputz: 2 });
// @ts-expect-error numClasses is required
new lib.MulticlassAccuracy();
// @ts-expect-error numClasses is required through createMetric too
lib.createMetric('MulticlassAccuracy', { average: 'micro' });
const given: lib.MeanSquaredErrorOptions = { squared: false };
// @ts-expect-error options typed as the whole interface may hold numOutputs: the wide type
const notNumber: number = new lib.MeanSquaredError(given).compute();
const png = new Uint8Array(0);
expectType<ReturnType<typeof lib.readImage>['data'], Float32Array>(true);
const stored = lib.readImage(png, { samples: 'stored' });
expectType<typeof stored.data, Uint8Array | Uint16Array>(true);
const floats = lib.readImage(png, { alpha: 'drop' });
expectType<typeof floats.data, Float32Array>(true);
expectType<ReturnType<typeof lib.imagePair<Uint8Array | Uint16Array>>['preds']['data'], Uint8Array | Uint16Array>(true);
// @ts-expect-error an estimate read as integers beside a float32 reference
lib.imagePair(stored, floats);
// @ts-expect-error only 'float32' or 'stored'
lib.readImage(png, { samples: 'uint8' });
export { rmse, cell, m50, perClassMap, notNumber };
`,
    );
    try {
      execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
    } catch (e) {
      assert.fail(`tsc failed:\n${e.stdout}${e.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
