// Refused calls of every kind and the WebAssembly heap (issue 16, item 7): a refused call must free
// everything it allocated (the glue's argument buffers, partly built metrics, exception objects).
// Shared by tests/js/refused-calls.test.mjs (a modest count in `make test`) and
// bench/refused-calls.mjs (1,000,000 of each kind).

/** [kind, call] pairs: each call throws an Error from the engine (never from JS checks alone). */
export function refusedCalls(w) {
  const mse = new w.MeanSquaredError();
  const auroc = new w.BinaryAUROC();
  auroc.update([0.2, 0.8], [0, 1]);
  const other = new w.MeanSquaredError({ squared: false });
  const blob = Uint8Array.from(mse.saveState());
  blob[blob.length - 1] ^= 0xff; // checksum mismatch
  return [
    ['constructor, invalid option', () => new w.MulticlassAccuracy({ numClasses: -1 })],
    ['constructor, state too large', () => new w.MulticlassConfusionMatrix({ numClasses: 2 ** 20 })],
    ['constructor, unknown metric', () => w.createMetric('NoSuchMetricAnywhere', {})],
    ['update, mismatched shapes', () => mse.update([1, 2, 3], [1, 2])],
    ['forward, mismatched shapes', () => mse.forward([1, 2, 3], [1, 2])],
    ['loadState, corrupt blob', () => mse.loadState(blob)],
    ['merge, different options', () => mse.merge(other)],
    ['query, invalid option', () => auroc.bestThresholds({ criterion: 'no-such-criterion' })],
  ];
}

/**
 * Runs each refused call `n` times (after a warm-up) and returns
 * [{kind, growth (bytes), message}] with the in-use heap growth over the n calls.
 */
export function measureRefusedCalls(w, n) {
  const out = [];
  for (const [kind, call] of refusedCalls(w)) {
    let message = null;
    const attempt = () => {
      try {
        call();
      } catch (e) {
        // A trap (RuntimeError, "Aborted()") is the module dying, not a refusal.
        if (e instanceof WebAssembly.RuntimeError || /Abort/.test(e.message))
          throw new Error(`${kind}: the module trapped: ${e.message}`);
        message = e.message;
        return;
      }
      throw new Error(`${kind}: the call was accepted`);
    };
    for (let i = 0; i < 200; i++) attempt(); // warm-up: Embind's caches, the registry
    const before = w.memoryUsage().usedBytes;
    for (let i = 0; i < n; i++) attempt();
    out.push({ kind, growth: w.memoryUsage().usedBytes - before, message });
  }
  return out;
}
