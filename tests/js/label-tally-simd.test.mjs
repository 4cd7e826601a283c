// The fused stat-score pass on the SIMD build (see label-tally-runner.mjs).
import { runLabelTally } from './label-tally-runner.mjs';

await runLabelTally({ simd: true });
