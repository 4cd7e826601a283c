// bench/image-audio.mjs at its smallest scale and sizes (--smoke) without TorchMetrics on the path (as in CI): every
// package row runs with a finite time and value (PSNR on float32 and on uint8 images, each with its
// bound), and the TorchMetrics side says it was skipped.
// No timing is asserted.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot } from './helpers.mjs';

test('bench/image-audio.mjs --smoke --scale=0.001 degrades to "skipped" without TorchMetrics', () => {
  const out = mkdtempSync(join(tmpdir(), 'wasmetrics-bench-ia-'));
  try {
    const env = { ...process.env, PYTHONPATH: '', PYTHONNOUSERSITE: '1' };
    const r = spawnSync(
      process.execPath,
      [join(repoRoot, 'bench/image-audio.mjs'), '--smoke', '--scale=0.001', '--runs=1', `--out=${out}`],
      { encoding: 'utf8', cwd: repoRoot, env, timeout: 240_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /skipped: TorchMetrics not available|skipped: python3 failed/);
    const res = JSON.parse(readFileSync(join(out, 'image-audio-simd-scale0.001-smoke.json'), 'utf8'));
    assert.deepEqual([...new Set(res.rows.map((x) => x.workload))], ['i1', 'i1u8', 'a1']);
    assert.equal(res.rows.length, 6);
    for (const row of res.rows) {
      assert.ok(Number.isFinite(row.wasmMs) && row.wasmMs >= 0, JSON.stringify(row));
      assert.ok(Number.isFinite(row.wasmValue), JSON.stringify(row));
      assert.equal(row.torchmetricsMs, null);
    }
    // the two PSNR rows (float32, uint8) carry their bound; the quantised images score close to the float ones
    const psnr = res.rows.filter((x) => x.metric === 'PeakSignalNoiseRatio');
    assert.deepEqual(
      psnr.map((x) => x.bound.dtype),
      ['float32', 'uint8'],
    );
    for (const row of psnr)
      for (const k of ['updateInParts', 'updateWhole', 'allocInput', 'heapSetOnly', 'readOnce'])
        assert.ok(Number.isFinite(row.bound[k].cpuMs), `${row.bound.dtype} ${k}`);
    assert.ok(Math.abs(psnr[0].wasmValue - psnr[1].wasmValue) < 0.5, JSON.stringify(psnr.map((x) => x.wasmValue)));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
