// The fused stat-score pass on the plain build (see label-tally-runner.mjs).
import { runLabelTally } from './label-tally-runner.mjs';

await runLabelTally({ simd: false });
