// COCO evaluation off the main thread: {id, gt, results, options} (the two files' text) ->
// {id, type: 'done', result} with plain numbers, or {id, type: 'error', message}.
import { init, evaluateCoco, simd } from '../../npm/dist/index.mjs';

const ready = init();

const plain = (v) => (typeof v === 'number' ? v : v && v.shape ? Array.from(v.data) : v);

self.onmessage = async ({ data: { id, gt, results, options } }) => {
  try {
    await ready;
    const t0 = performance.now();
    const r = evaluateCoco(gt, results, options);
    const ms = performance.now() - t0;
    const result = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)]));
    self.postMessage({ id, type: 'done', result, ms, simd: simd() });
  } catch (e) {
    self.postMessage({ id, type: 'error', message: e.message });
  }
};
