// The worker of the notebook modes (mode-shell.mjs): {id, mode, files, options} -> the mode's
// evaluate(files, wasmetrics, options) computed with the npm package, off the page's thread.
// Answers {id, type: 'done', result, ms, simd} or {id, type: 'error', message}; before that, any
// number of {id, type: 'progress', fraction, step}: evaluate's 4th argument is
// {progress(fraction, step)} (fraction in [0, 1]; posted at most every 100 ms, and always at a new step).
// {id, mode, call, args, options} runs the mode's calls[call](files, wasmetrics, options, args) on
// the files of its last evaluate (a follow-up of the results shown: no files sent again).
import * as wasmetrics from '../../npm/dist/index.mjs';

const ready = wasmetrics.init();
const modes = new Map();
const lastFiles = new Map(); // mode -> the files of its last evaluate

self.onmessage = async ({ data }) => {
  const { id, mode: name, files, options, call, args } = data;
  try {
    await ready;
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`no mode "${name}"`);
    if (!modes.has(name)) modes.set(name, (await import(`./modes/${name}.mjs`)).default);
    const t0 = performance.now();
    let last = 0;
    let lastStep = null;
    const progress = (fraction, step = '') => {
      const now = performance.now();
      if (step === lastStep && now - last < 100) return;
      last = now;
      lastStep = step;
      self.postMessage({ id, type: 'progress', fraction, step });
    };
    const mode = modes.get(name);
    let result;
    if (call !== undefined) {
      if (!Object.hasOwn(mode.calls ?? {}, call)) throw new Error(`mode ${name} has no call "${call}"`);
      if (!lastFiles.has(name)) throw new Error('the files are gone (the worker restarted): run again');
      result = await mode.calls[call](lastFiles.get(name), wasmetrics, options, args);
    } else {
      lastFiles.set(name, files);
      result = await mode.evaluate(files, wasmetrics, options, { progress });
    }
    self.postMessage({ id, type: 'done', result, ms: performance.now() - t0, simd: wasmetrics.simd() });
  } catch (e) {
    self.postMessage({ id, type: 'error', message: e.message ?? String(e) });
  }
};
