// bench/text-retrieval.mjs at a tiny scale without TorchMetrics on the path (as in CI): every
// package row runs with a finite time and value, and the TorchMetrics side says it was skipped.
// No timing is asserted.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot } from './helpers.mjs';

test('bench/text-retrieval.mjs --scale=0.001 degrades to "skipped" without TorchMetrics', () => {
  const out = mkdtempSync(join(tmpdir(), 'wasmetrics-bench-tr-'));
  try {
    const env = { ...process.env, PYTHONPATH: '', PYTHONNOUSERSITE: '1' };
    const r = spawnSync(
      process.execPath,
      [join(repoRoot, 'bench/text-retrieval.mjs'), '--scale=0.001', '--runs=1', `--out=${out}`],
      { encoding: 'utf8', cwd: repoRoot, env, timeout: 240_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /skipped: TorchMetrics not available|skipped: python3 failed/);
    const res = JSON.parse(readFileSync(join(out, 'text-retrieval-simd-scale0.001.json'), 'utf8'));
    assert.deepEqual([...new Set(res.rows.map((x) => x.workload))], ['t1', 't2', 't3', 'r1']);
    assert.equal(res.rows.length, 16);
    for (const row of res.rows) {
      assert.ok(Number.isFinite(row.wasmMs) && row.wasmMs >= 0, JSON.stringify(row));
      assert.ok(Number.isFinite(row.wasmValue), JSON.stringify(row));
      assert.equal(row.torchmetricsMs, null);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
