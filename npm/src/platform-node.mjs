// 'wasmetrics:platform' of the CommonJS build (see platform.mjs): static imports, which esbuild
// turns into require() calls, because Jest runs CommonJS in a vm where import() throws.
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

export const readFileBytes = (where) => readFile(where);
export const nodeWorkerClass = async () => Worker;
export const packageUrl = () => import.meta.url;
export const startDefaultWebWorker = () => null;
