// bench/image-audio.mjs at its smallest scale and sizes (--smoke) without TorchMetrics on the path (as in CI): every
// package row runs with a finite time and value, and the TorchMetrics side says it was skipped.
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
    assert.deepEqual([...new Set(res.rows.map((x) => x.workload))], ['i1', 'a1']);
    assert.equal(res.rows.length, 5);
    for (const row of res.rows) {
      assert.ok(Number.isFinite(row.wasmMs) && row.wasmMs >= 0, JSON.stringify(row));
      assert.ok(Number.isFinite(row.wasmValue), JSON.stringify(row));
      assert.equal(row.torchmetricsMs, null);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
