// The contract test through the npm package, plain build (see contract-runner.mjs).
import { runContract } from './contract-runner.mjs';

await runContract({ simd: false });
