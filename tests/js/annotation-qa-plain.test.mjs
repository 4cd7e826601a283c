// Annotation-QA metrics on the plain build (see annotation-qa-runner.mjs).
import { runAnnotationQa } from './annotation-qa-runner.mjs';

await runAnnotationQa({ simd: false });
