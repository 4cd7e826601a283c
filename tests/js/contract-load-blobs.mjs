// Child process of the contract test (contract-runner.mjs): loads state blobs {key: {blob}} from a
// JSON file into the given build ('simd' | 'plain') and writes {key: value} as JSON to `out`. One process
// holds one build, so the other build's loading happens here.
import { readFileSync, writeFileSync } from 'node:fs';

import { loadBlobs } from './contract-runner.mjs';
import { importPackage } from './helpers.mjs';

const [build, file, out] = process.argv.slice(2);
const lib = await importPackage();
await lib.init({ simd: build === 'simd' });
if (lib.simd() !== (build === 'simd')) throw new Error(`the ${build} build did not load`);
writeFileSync(out, JSON.stringify(loadBlobs(lib, JSON.parse(readFileSync(file, 'utf8')))));
