// Issue 16, item 7: refused calls keep the WebAssembly heap flat (each refused constructor used to
// leak the glue's argument buffers, and 163,835 of them broke the module for good). 20,000 calls of
// each kind here; bench/refused-calls.mjs runs 1,000,000.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { importPackage } from './helpers.mjs';
import { measureRefusedCalls } from './refused-calls.mjs';

const w = await importPackage();
await w.init({ simd: true });

const CALLS = 20_000;

test(`${CALLS} refused calls of each kind keep the heap flat, and the module keeps working`, () => {
  for (const { kind, growth, message } of measureRefusedCalls(w, CALLS)) {
    assert.ok(message.length > 0, `${kind}: an Error with a message`);
    // One leaked byte per call would be 20,000 bytes; allow the allocator some slack.
    assert.ok(growth <= 4096, `${kind}: in-use heap grew by ${growth} bytes over ${CALLS} refused calls (${message})`);
  }
  const m = new w.MeanSquaredError();
  m.update([1, 2], [1, 4]);
  assert.equal(m.compute(), 2);
  m.dispose();
});

// Each refused call also used to leave 16 bytes of the 5 MB WebAssembly stack behind (a JS exception
// thrown through wasm frames never restores the stack pointer): the 327,680th refused call trapped.
test('340,000 refused updates (past what the stack held) and the module keeps working', () => {
  const m = new w.MeanSquaredError();
  for (let i = 0; i < 340_000; i++) {
    try {
      m.update([1, 2, 3], [1, 2]);
      assert.fail('accepted');
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError || /Abort/.test(e.message))
        assert.fail(`trapped at refused call ${i}: ${e.message}`);
    }
  }
  m.update([1, 2], [1, 4]);
  assert.equal(m.compute(), 2);
  m.dispose();
});
