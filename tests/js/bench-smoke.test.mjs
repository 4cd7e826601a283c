// bench/run.mjs at a tiny scale: it runs every workload and writes every row and ratio with
// finite numbers. No timing is asserted (targets live in bench/, never in a test's pass/fail).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { repoRoot } from './helpers.mjs';

test('bench/run.mjs --scale=0.002: every workload, both builds, finite rows and ratios, JS agrees with WASM', () => {
  const out = mkdtempSync(join(tmpdir(), 'wasmetrics-bench-'));
  try {
    const r = spawnSync(
      process.execPath,
      [join(repoRoot, 'bench/run.mjs'), '--scale=0.002', '--runs=1', `--out=${out}`],
      { encoding: 'utf8', cwd: repoRoot, timeout: 240_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    for (const build of ['simd', 'plain']) {
      const res = JSON.parse(readFileSync(join(out, `${build}-scale0.002.json`), 'utf8'));
      assert.equal(res.build, build);
      const workloads = new Set(res.rows.map((x) => x.workload.split(' ')[0]));
      assert.deepEqual([...workloads], ['W1', 'W2', 'W3', 'W4', 'W5']);
      for (const x of [...res.rows.map((row) => row.ms), ...res.ratios.map((q) => q.value)]) {
        assert.ok(Number.isFinite(x) && x >= 0, `${build}: ${x}`);
      }
      // 11 (W1) + 6 (W2) + 12 (W3) + 6 (W4) + 9 (W5) ratios of the issues' tables, + 2 for exact-curve memory (W3)
      assert.equal(res.ratios.length, 52, `${build}: ${res.ratios.map((q) => q.what).join('; ')}`);
      assert.ok(res.checks.length >= 12);
      for (const c of res.checks)
        assert.ok(c.agree, `${build}: plain JS and WASM disagree on ${c.what}: ${c.js} vs ${c.wasm}`);
      assert.match(r.stdout, new RegExp(`${build}: \\d+ of 52 ratio targets met`));
      const mem = res.exactCurveMemory;
      assert.ok(
        mem && mem.samples > 0 && Number.isFinite(mem.peakExtraBytesPerSampleAtMost),
        `${build}: ${JSON.stringify(mem)}`,
      );
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('bench/per-call.mjs --quick: every per-call row of both builds exists and is finite', () => {
  const out = mkdtempSync(join(tmpdir(), 'wasmetrics-bench-'));
  try {
    const r = spawnSync(
      process.execPath,
      [join(repoRoot, 'bench/per-call.mjs'), '--quick', '--calls=20', `--out=${out}`],
      { encoding: 'utf8', cwd: repoRoot, timeout: 240_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /WARNING/);
    for (const build of ['simd', 'plain']) {
      const res = JSON.parse(readFileSync(join(out, `per-call-${build}.json`), 'utf8'));
      assert.equal(res.build, build);
      const whats = res.rows.map((x) => x.what);
      for (const name of ['MeanSquaredError', 'MulticlassConfusionMatrix', 'MultilabelF1Score', 'BinaryAccuracy']) {
        for (const kind of ['create + dispose', 'update', 'compute']) {
          assert.ok(
            whats.some((w) => w.startsWith(`${name}: ${kind}`)),
            `${build}: no row ${name}: ${kind}`,
          );
        }
      }
      assert.ok(whats.includes('4 x 512 x 512 confusion matrix: plain JS / package'));
      assert.ok(whats.includes('200k x 20 MultilabelF1Score: plain JS / package'));
      for (const x of res.rows) assert.ok(Number.isFinite(x.value) && x.value > 0, `${build}: ${x.what} = ${x.value}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('bench/browser.mjs at a tiny scale: W1, W3 and W5 rows in Chromium and Node, finite, equal values', (t) => {
  if (!existsSync('/usr/bin/chromium')) return t.skip('no /usr/bin/chromium');
  const out = mkdtempSync(join(tmpdir(), 'wasmetrics-bench-'));
  try {
    const r = spawnSync(
      process.execPath,
      [join(repoRoot, 'bench/browser.mjs'), '--scale=0.0005', '--runs=1', `--out=${out}`],
      { encoding: 'utf8', cwd: repoRoot, timeout: 240_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(readFileSync(join(out, 'browser-scale0.0005.json'), 'utf8'));
    assert.deepEqual([...new Set(res.rows.map((x) => x.workload.split(' ')[0]))], ['W1', 'W3', 'W5']);
    for (const x of res.rows) {
      for (const v of [x.nodeMs, x.browserMs, x.ratio]) assert.ok(Number.isFinite(v) && v >= 0, `${x.contender}: ${v}`);
      assert.ok(x.agree, `${x.contender}: Chromium and Node values differ`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
