// The contract test through the npm package, SIMD build (see contract-runner.mjs).
import { runContract } from './contract-runner.mjs';

await runContract({ simd: true });
