// Runs every case of ../shared/conformance/*.json through the npm package (npm/dist/index.mjs)
// with one WebAssembly build. The SIMD and plain builds cannot share a process (init() loads
// one module per realm), so each has its own test file, and node --test runs every file in its
// own process: conformance-simd.test.mjs and conformance-plain.test.mjs.
// A case whose metric is not registered is reported with t.skip(): never passed, never dropped.
import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';

import { camelCaseArgs, compareResult, fixtureTensor, importPackage, readFixtureFiles } from './helpers.mjs';

// The batch's inputs in the order of the metric's update() arguments (the registry's inputs).
function batchInputs(batch, spec, where) {
  const inputs = [];
  for (const input of spec.inputs) {
    if (!Object.hasOwn(batch, input.name)) {
      if (input.optional) break;
      throw new Error(`${where}: fixture batch lacks input '${input.name}'`);
    }
    inputs.push(fixtureTensor(batch[input.name], `${where}.${input.name}`));
  }
  if (inputs.length !== Object.keys(batch).length) {
    throw new Error(`${where}: fixture batch has inputs the registry does not list (${Object.keys(batch)})`);
  }
  return inputs;
}

function runCase(lib, c, spec) {
  const args = camelCaseArgs(c.args);
  const atol = c.atol ?? 1e-6;
  const rtol = c.rtol ?? 1e-5;
  const isError = Object.hasOwn(c, 'error');
  const errorAt = c.error_at ?? '';
  const expectation = isError ? `expected an Error (${errorAt}): ${c.error}` : '';

  if (isError && errorAt === 'init') {
    assert.throws(() => lib.createMetric(c.metric, args), Error, expectation);
    return;
  }
  const metric = lib.createMetric(c.metric, args);
  try {
    const useForward = Object.hasOwn(c, 'forward') && errorAt !== 'compute';
    for (let i = 0; i < c.batches.length; i++) {
      const inputs = batchInputs(c.batches[i], spec, `batches[${i}]`);
      if (isError && errorAt === `update[${i}]`) {
        const call = useForward ? () => metric.forward(...inputs) : () => metric.update(...inputs);
        assert.throws(call, Error, expectation);
        return;
      }
      if (useForward) {
        const got = metric.forward(...inputs);
        const diff = compareResult(got, c.forward[i], atol, rtol, lib.Tensor, `forward[${i}]`);
        assert.equal(diff, '', diff);
      } else {
        metric.update(...inputs);
      }
    }
    if (isError) {
      assert.equal(errorAt, 'compute', `unknown error_at ${JSON.stringify(errorAt)}`);
      assert.throws(() => metric.compute(), Error, expectation);
      return;
    }
    const diff = compareResult(metric.compute(), c.expected, atol, rtol, lib.Tensor, 'compute()');
    assert.equal(diff, '', diff);
  } finally {
    metric.dispose();
  }
}

export async function runConformance({ simd }) {
  const lib = await importPackage();
  await lib.init({ simd });
  const specs = new Map(lib.listMetrics().map((m) => [m.name, m]));
  const files = readFixtureFiles();
  const build = simd ? 'simd' : 'plain';

  test(`the ${build} build is loaded`, () => {
    assert.equal(lib.simd(), simd);
  });
  test('conformance fixtures are found', () => {
    assert.ok(files.length > 0 && files.some((f) => f.cases.length > 0), 'no fixture cases');
  });

  for (const { file, cases } of files) {
    describe(`conformance [${build}] ${file}`, () => {
      for (const c of cases) {
        it(c.id, (t) => {
          const spec = specs.get(c.metric);
          if (!spec) {
            t.skip(`${c.metric} is not registered`);
            return;
          }
          runCase(lib, c, spec);
        });
      }
    });
  }
}
