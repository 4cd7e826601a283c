// Float64 exact curves through the npm package, SIMD build (see float64-curves-runner.mjs).
import { runFloat64Curves } from './float64-curves-runner.mjs';

await runFloat64Curves({ simd: true });
