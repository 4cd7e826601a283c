// The registry's inflate (metric.mjs requires this module on first use, so that esbuild evaluates
// fflate then, not when the package loads): the same fflate module fast-png imports, one copy.
export { strFromU8, unzlibSync } from 'fflate';
