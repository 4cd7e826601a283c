// The worker of the notebook modes (mode-shell.mjs): {id, mode, files, options} -> the mode's
// evaluate(files, wasmetrics, options) computed with the npm package, off the page's thread.
// Answers {id, type: 'done', result, ms, simd} or {id, type: 'error', message}.
import * as wasmetrics from '../../npm/dist/index.mjs';

const ready = wasmetrics.init();
const modes = new Map();

self.onmessage = async ({ data }) => {
  const { id, mode: name, files, options } = data;
  try {
    await ready;
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`no mode "${name}"`);
    if (!modes.has(name)) modes.set(name, (await import(`./modes/${name}.mjs`)).default);
    const t0 = performance.now();
    const result = await modes.get(name).evaluate(files, wasmetrics, options);
    self.postMessage({ id, type: 'done', result, ms: performance.now() - t0, simd: wasmetrics.simd() });
  } catch (e) {
    self.postMessage({ id, type: 'error', message: e.message ?? String(e) });
  }
};
