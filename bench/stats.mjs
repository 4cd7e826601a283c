// The bench scripts' summary statistic: the median of a list of timings (the mean of the two middle
// values for an even count). Node only: bench/browser-workloads.mjs, which also runs in a browser
// worker served file by file, keeps its own copy.

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
