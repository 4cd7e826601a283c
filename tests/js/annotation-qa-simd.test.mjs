// Annotation-QA metrics on the SIMD build (see annotation-qa-runner.mjs).
import { runAnnotationQa } from './annotation-qa-runner.mjs';

await runAnnotationQa({ simd: true });
