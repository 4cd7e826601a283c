// 'wasmetrics:platform' of the CommonJS build (see platform.mjs): require() calls (a static import
// becomes one too), because Jest runs CommonJS in a vm where import() throws. node:worker_threads
// is required when evaluateParallel first asks for it: loading it cost every start ~4 ms (issue 18).
import { readFile } from 'node:fs/promises';

export const readFileBytes = (where) => readFile(where);
export const nodeWorkerClass = async () => require('node:worker_threads').Worker;
export const packageUrl = () => import.meta.url;
export const startDefaultWebWorker = () => null;
