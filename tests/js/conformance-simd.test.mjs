// Conformance fixtures through the npm package, simd build (see conformance-runner.mjs).
import { runConformance } from './conformance-runner.mjs';

await runConformance({ simd: true });
