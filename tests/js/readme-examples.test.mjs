// Runs every ```js block of README.md that shows values (`expr; // → value`) against the built
// package, checking each shown value, so the README's examples cannot drift from the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { distMjsUrl, importPackage, repoRoot } from './helpers.mjs';

await importPackage(); // a missing build is an error, not a skip

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const blocks = [];
const fence = /```js\n([\s\S]*?)```/g;
for (let m; (m = fence.exec(readme));) {
  if (!m[1].includes('// →')) continue;
  blocks.push({ code: m[1], line: readme.slice(0, m.index).split('\n').length + 1 });
}

// `expr;   // → value   (a note)`: the statement before the comment, the value after the arrow.
const SHOWN = /^(.*?);\s*\/\/ → (.+?)(?:\s{2,}\(.*\))?$/;

function near(got, want, where) {
  if (typeof want === 'number') {
    assert.equal(typeof got, 'number', `${where}: expected a number, got ${String(got)}`);
    assert.ok(
      Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)),
      `${where}: got ${got}, README shows ${want}`,
    );
  } else if (Array.isArray(want)) {
    assert.ok(
      Array.isArray(got) && got.length === want.length,
      `${where}: got ${JSON.stringify(got)}, README shows ${JSON.stringify(want)}`,
    );
    want.forEach((w, i) => near(got[i], w, `${where}[${i}]`));
  } else {
    assert.deepEqual(Object.keys(got ?? {}), Object.keys(want), `${where}: keys`);
    for (const k of Object.keys(want)) near(got[k], want[k], `${where}.${k}`);
  }
}
globalThis.__readmeCheck = near;

test('README has runnable examples with shown values', () => {
  assert.ok(blocks.length >= 4, `found ${blocks.length} example blocks`);
});

for (const { code, line } of blocks) {
  test(`README example at line ${line}`, async () => {
    let checks = 0;
    const body = code
      .split('\n')
      .map((text, i) => {
        const fixed = text.replace(/from 'wasmetrics'/, `from ${JSON.stringify(distMjsUrl)}`);
        const m = SHOWN.exec(fixed);
        if (!m) return fixed;
        checks++;
        return `__readmeCheck((${m[1]}), (${m[2]}), 'README line ${line + i}');`;
      })
      .join('\n');
    assert.ok(checks > 0);
    const dir = mkdtempSync(join(tmpdir(), 'wasmetrics-readme-'));
    try {
      const file = join(dir, 'example.mjs');
      writeFileSync(file, body);
      await import(pathToFileURL(file).href);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
