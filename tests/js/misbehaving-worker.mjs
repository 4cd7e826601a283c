// A worker for evaluateParallel's failure tests (not a test file itself). In mode `normal` it
// serves the real protocol (serveParallelWorker from npm/dist); every other mode answers 'start'
// with 'ready' at once, without loading the package (so that no timing depends on how fast a
// busy machine compiles the WebAssembly), then does what `?mode=` in its URL asks on the first
// batch. Node loads it through evaluateParallel's worker_threads bootstrap (which calls the
// exported serveParallelWorker with parentPort); a browser starts it as a module Web Worker
// (tests/browser/parallel.mjs), where it serves itself.
//   normal        serve correctly (checks the fixture itself)
//   silent        never answer anything, not even 'ready'
//   exit-start    exit with code 0 on 'start', before answering (browser: close())
//   exit-batch    exit with code 0 on the first batch (browser: close())
//   kill-batch    exit with code 1 on the first batch (Node only)
//   throw-batch   throw an uncaught Error on the first batch
//   hang-batch    never answer a batch
//   oom-batch     allocate until V8 runs out of heap (Node only; run it with evaluateParallel's
//                 resourceLimits, or it takes the machine's memory)
const mode = new URL(import.meta.url).searchParams.get('mode') ?? 'normal';
// Imported only in normal mode, and without a top-level await: a module Web Worker must listen
// synchronously, or the messages sent while it loads are lost.
const realLoading = mode === 'normal' ? import('../../npm/dist/index.mjs') : null;
const inNode = typeof process === 'object' && typeof process.versions?.node === 'string';

function quit(code) {
  if (inNode)
    process.exit(code); // in a worker thread: ends the thread with that exit code
  else globalThis.close();
}

const listen = (port, fn) =>
  typeof port.on === 'function' ? port.on('message', fn) : port.addEventListener('message', (event) => fn(event.data));

export function serveParallelWorker(port = globalThis) {
  if (realLoading) {
    // messages wait in a backlog until the package is loaded
    const served = [];
    const backlog = [];
    listen(port, (msg) => (served.length ? served.forEach((fn) => fn(msg)) : backlog.push(msg)));
    realLoading.then((real) => {
      real.serveParallelWorker({
        on: (type, fn) => type === 'message' && served.push(fn),
        postMessage: (m, t) => port.postMessage(m, t),
      });
      for (const msg of backlog.splice(0)) served.forEach((fn) => fn(msg));
    });
    return;
  }
  if (mode === 'silent') {
    // listen and ignore: a Node worker thread with no listener would exit (code 0)
    listen(port, () => {});
    return;
  }
  const hoard = [];
  listen(port, (msg) => {
    if (msg.type === 'start') {
      if (mode === 'exit-start') quit(0);
      else port.postMessage({ type: 'ready' });
    } else if (msg.type === 'batch') {
      if (mode === 'exit-batch') quit(0);
      else if (mode === 'kill-batch') quit(1);
      else if (mode === 'throw-batch') {
        setTimeout(() => {
          throw new Error('boom: the worker threw');
        });
      } else if (mode === 'oom-batch') {
        for (;;) hoard.push(new Array(1 << 16).fill({ batch: msg.index }));
      }
      // hang-batch: nothing
    }
  });
}

// eslint-disable-next-line no-undef -- a browser worker's global (Node's globals do not list it)
if (typeof WorkerGlobalScope === 'function' && globalThis instanceof WorkerGlobalScope) {
  serveParallelWorker(globalThis);
}
