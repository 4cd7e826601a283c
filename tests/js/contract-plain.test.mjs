// The contract test through the npm package, plain build: what can differ between the builds
// (see contract-runner.mjs; the SIMD build runs all of it).
import { runContract } from './contract-runner.mjs';

await runContract({ simd: false, scope: 'build' });
