// Internal entry for bench/run.mjs only: the public API plus benchFloors (the benchmark's floors,
// not metrics). Bundled as dist/bench.mjs, which package.json's "files" leaves out of the tarball.
export * from './index.mjs';
export { benchFloors } from './bench-floors.mjs';
