// Conformance fixtures through the npm package, plain build (see conformance-runner.mjs).
import { runConformance } from './conformance-runner.mjs';

await runConformance({ simd: false });
