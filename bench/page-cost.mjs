// What a first touch of a fresh page costs on this machine, in microseconds: the kernel's page
// fault and zeroing, and on a virtual machine the host's own fault behind it (13-30 us on the
// 2-core VM the tables in README.md come from, against ~0.1-0.3 us on bare metal). A start of the
// package, or a first evaluation, is mostly reads and copies into fresh memory, so this cost
// bounds them as much as our code does: startup.mjs and detection.mjs print their page faults
// times this figure. Each probe is a fresh process touching 64 MB it has never used.
import { execFileSync } from 'node:child_process';
import { median } from './stats.mjs';

const probe = `
const bytes = 64 << 20;
const f0 = process.resourceUsage().minorPageFault;
const t0 = performance.now();
const b = new Uint8Array(bytes);
for (let i = 0; i < bytes; i += 4096) b[i] = 1;
const ms = performance.now() - t0;
const faults = process.resourceUsage().minorPageFault - f0;
console.log(JSON.stringify({ usPerFault: (ms * 1000) / faults }));
`;

/** Median microseconds per fresh-page fault over `runs` fresh processes. */
export function freshPageMicros(runs = 3) {
  const one = () => JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })).usPerFault;
  return median(Array.from({ length: runs }, one));
}
