// A Web Worker answering requests by id, shared by the cells that compute off the main thread
// (classification-cells.mjs, masks-cell.mjs, mode-shell.mjs). The worker posts {id, type:
// 'progress' | 'done' | 'error', ...} for each request; it is started on first use, and one that
// fails (an error event: it did not load, or threw outside a request) rejects every pending
// request and is replaced by a fresh worker on the next one, so the page keeps working.

/** request(msg, onProgress, transfer) -> Promise of the worker's 'done' message. */
export function workerClient(url) {
  let w = null;
  let next = 1;
  const pending = new Map();
  const start = () => {
    w = new Worker(url, { type: 'module' });
    w.onmessage = ({ data }) => {
      const p = pending.get(data.id);
      if (!p) return;
      if (data.type === 'progress') return p.onProgress?.(data);
      pending.delete(data.id);
      if (data.type === 'done') p.resolve(data);
      else p.reject(new Error(data.message));
    };
    w.onerror = (e) => {
      e.preventDefault?.();
      for (const p of pending.values()) p.reject(new Error(e.message || 'the worker failed'));
      pending.clear();
      w.terminate();
      w = null; // a fresh worker next time: the page keeps working
    };
  };
  return (msg, onProgress, transfer = []) => {
    if (!w) start();
    const id = next++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, onProgress });
      w.postMessage({ id, ...msg }, transfer);
    });
  };
}
